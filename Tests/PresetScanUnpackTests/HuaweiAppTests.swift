import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// Writes `UPDATE.APP` packages as split_updata.pl / HuaweiUpdateLibrary describe them.
struct HuaweiAppWriter {
    static func block(_ partition: String, _ data: [UInt8], blockSize: Int = 16, statedSize: UInt32? = nil, badCRC: Bool = false) -> [UInt8] {
        var crcs: [UInt8] = stride(from: 0, to: data.count, by: blockSize).flatMap {
            le16(HuaweiApp.crc16(data[$0..<min(data.count, $0 + blockSize)]))
        }
        if badCRC { crcs[0] ^= 0xff }
        var h = [UInt8](repeating: 0, count: 98)
        h.replaceSubrange(0..<16, with: le32(HuaweiApp.magic) + le32(UInt32(98 + crcs.count)) + le32(1) + le32(0))
        h.replaceSubrange(12..<20, with: Array("HW7x27\u{ff}\u{ff}".utf8.prefix(8)))
        h.replaceSubrange(20..<28, with: le32(1) + le32(statedSize ?? UInt32(data.count)))
        h.replaceSubrange(60..<(60 + partition.utf8.count), with: Array(partition.utf8))
        h.replaceSubrange(94..<96, with: le16(UInt16(blockSize)))
        var b = h + crcs + data
        while b.count % 4 != 0 { b.append(0) }
        return b
    }
}

struct HuaweiAppTests {
    func entries(_ bytes: [UInt8]) throws -> (paths: [String: [UInt8]], codes: [String]) {
        let package = try HuaweiApp.Package(source: MemoryByteSource(bytes), limits: UnpackLimits())
        var paths: [String: [UInt8]] = [:], codes: [String] = []
        try package.forEachFile({ codes.append($0.diagnostic.code) }) { e in paths[e.path] = try e.source?.readAll() }
        return (paths, codes)
    }

    @Test func crcIsCRC16X25() {
        #expect(HuaweiApp.crc16(ArraySlice("123456789".utf8)) == 0x906e)
    }

    @Test func blocksAreViewsNamedAsSplitupdateNamesThem() throws {
        let a = Array(1...37).map(UInt8.init), b = [UInt8](repeating: 9, count: 5)
        let bytes = [UInt8](repeating: 0, count: 92) + HuaweiAppWriter.block("SUPER", a) + HuaweiAppWriter.block("BOOT", b)
            + [UInt8](repeating: 0, count: 12)
        #expect(ContentDetector.detect(MemoryByteSource(bytes)) == .huaweiApp)
        let (paths, codes) = try entries(bytes)
        #expect(codes.isEmpty)
        #expect(paths == ["super.img": a, "boot.img": b])
    }

    @Test func badCRCAndOutOfRangeBlocksAreNotedAndTheRestRead() throws {
        let a = Array(1...37).map(UInt8.init)
        let bytes = [UInt8](repeating: 0, count: 92) + HuaweiAppWriter.block("SUPER", a, badCRC: true)
            + HuaweiAppWriter.block("SYSTEM", a, statedSize: 1 << 30)
        let (paths, codes) = try entries(bytes)
        #expect(paths.keys.sorted() == ["super.img"])
        #expect(codes == ["huawei-app.item-out-of-range", "huawei-app.block-crc"])
    }

    @Test func garbageAfterABlockIsNoted() throws {
        let bytes = [UInt8](repeating: 0, count: 92) + HuaweiAppWriter.block("SUPER", [1, 2, 3, 4]) + [UInt8](repeating: 0x41, count: 200)
        let (paths, codes) = try entries(bytes)
        #expect(paths.keys.sorted() == ["super.img"])
        #expect(codes == ["huawei-app.bad-magic"])
    }
}
