import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// Writes Amlogic burning images (`amlImage_if.h`; v1 32-byte, v2 256-byte type names).
struct AmlWriter {
    struct Item {
        var main: String; var sub: String; var data: [UInt8]; var fileType: UInt32 = 0; var verify: UInt32 = 0
        var offset: UInt64? = nil; var size: UInt64? = nil; var backupOf: Int? = nil
    }
    var version: UInt32 = 2
    var items: [Item] = []
    var count: UInt32? = nil
    var sizeDelta: Int64 = 0

    static func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
    static func field(_ s: String, _ n: Int) -> [UInt8] { let b = Array(s.utf8.prefix(n)); return b + [UInt8](repeating: 0, count: n - b.count) }

    static func sha1Line(_ data: [UInt8]) -> [UInt8] {
        var sha = SHA1()
        sha.update(data)
        return Array("sha1sum \(SHA1.hex(sha.finish()))".utf8)
    }

    func bytes() -> [UInt8] {
        let info = version == 1 ? 128 : 576
        let name = version == 1 ? 32 : 256
        var image = [UInt8](repeating: 0, count: 64 + info * items.count)
        var places: [(UInt64, UInt64)] = []
        for item in items {
            if let b = item.backupOf { places.append(places[b]); continue }
            while image.count % 4 != 0 { image.append(0) }
            places.append((UInt64(image.count), UInt64(item.data.count)))
            image += item.data
        }
        var table: [UInt8] = []
        for (i, item) in items.enumerated() {
            table += Self.le(UInt64(i), 4) + Self.le(UInt64(item.fileType), 4) + Self.le(0, 8)
            table += Self.le(item.offset ?? places[i].0, 8) + Self.le(item.size ?? places[i].1, 8)
            table += Self.field(item.main, name) + Self.field(item.sub, name) + Self.le(UInt64(item.verify), 4)
            table += Self.le(item.backupOf == nil ? 0 : 1, 2) + Self.le(UInt64(item.backupOf ?? 0), 2) + [UInt8](repeating: 0, count: 24)
        }
        let header = Self.le(0, 4) + Self.le(UInt64(version), 4) + Self.le(0x27b5_1956, 4)
            + Self.le(UInt64(Int64(image.count) + sizeDelta), 8) + Self.le(4, 4) + Self.le(UInt64(count ?? UInt32(items.count)), 4)
        image.replaceSubrange(0..<64, with: header + [UInt8](repeating: 0, count: 36))
        image.replaceSubrange(64..<64 + table.count, with: table)
        var crc: UInt32 = 0
        crc = image[4...].withContiguousStorageIfAvailable { Self.libdeflateCRC($0) } ?? 0
        image.replaceSubrange(0..<4, with: Self.le(UInt64(crc ^ 0xffff_ffff), 4))
        return image
    }

    /// zlib CRC-32 by the bit (independent of the reader's libdeflate call).
    static func libdeflateCRC(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xedb8_8320 : c >> 1 }
        }
        return c ^ 0xffff_ffff
    }
}

struct AmlogicTests {
    static let system = [UInt8](repeating: 0x33, count: 7000)

    static func standard(version: UInt32 = 2) -> AmlWriter {
        AmlWriter(version: version, items: [
            .init(main: "USB", sub: "DDR", data: [1, 2, 3, 4, 5]),
            .init(main: "conf", sub: "platform", data: Array("Platform:0x0811\n".utf8)),
            .init(main: "PARTITION", sub: "system", data: system, fileType: 0xfe, verify: 1),
            .init(main: "VERIFY", sub: "system", data: AmlWriter.sha1Line(system)),
            .init(main: "PARTITION", sub: "logo", data: [9, 9, 9]),
        ])
    }

    static func list(_ container: any Container) throws -> (entries: [String: [UInt8]], codes: [String]) {
        var entries: [String: [UInt8]] = [:]
        var codes: [String] = []
        try container.forEachFile({ codes.append($0.diagnostic.code) }) { e in entries[e.path] = try e.source!.readAll() }
        return (entries, codes)
    }

    @Test(arguments: [UInt32(1), 2])
    func itemsAreViewsNamedAsTheUnpackersNameThem(version: UInt32) throws {
        let source = MemoryByteSource(Self.standard(version: version).bytes())
        #expect(ContentDetector.detect(source) == .amlogic)
        let image = try Aml.Image(source: source)
        #expect(image.header.version == version && image.items.count == 5)
        #expect(image.items[2].fileType == Aml.ItemInfo.sparse && image.items[2].verify == 1)
        let (entries, codes) = try Self.list(image)
        #expect(codes.isEmpty)
        #expect(Set(entries.keys) == ["DDR.USB", "platform.conf", "system.PARTITION", "system.VERIFY", "logo.PARTITION"])
        #expect(entries["system.PARTITION"] == Self.system)
    }

    @Test func sha1MatchesKnownDigests() {
        var a = SHA1()
        a.update(Array("abc".utf8))
        #expect(SHA1.hex(a.finish()) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        var b = SHA1()
        let million = [UInt8](repeating: 0x61, count: 1_000_000)
        b.update(Array(million[0..<333])); b.update(Array(million[333...]))
        #expect(SHA1.hex(b.finish()) == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func aWrongVerifyOrCRCIsAWarningAndTheScanGoesOn() throws {
        var w = Self.standard()
        w.items[3].data = Array("sha1sum 0000000000000000000000000000000000000000".utf8)
        let (entries, codes) = try Self.list(try Aml.Image(source: MemoryByteSource(w.bytes())))
        #expect(codes == ["amlogic.verify-mismatch"])
        #expect(entries.count == 5)
        var bytes = Self.standard().bytes()
        bytes[bytes.count - 1] ^= 0xff
        let (entries2, codes2) = try Self.list(try Aml.Image(source: MemoryByteSource(bytes)))
        #expect(codes2 == ["amlogic.crc-mismatch"])
        #expect(entries2.count == 5)
    }

    @Test func backupItemsAreReadOnce() throws {
        var w = Self.standard()
        w.items.append(.init(main: "PARTITION", sub: "system_b", data: [], backupOf: 2))
        let (entries, codes) = try Self.list(try Aml.Image(source: MemoryByteSource(w.bytes())))
        #expect(codes.isEmpty)
        #expect(entries.count == 5)
    }

    @Test func malformedTablesGiveNotesAndTheRestIsRead() throws {
        var w = Self.standard()
        w.items.append(.init(main: "PARTITION", sub: "far", data: [], offset: 1 << 40, size: 10))
        w.items.append(.init(main: "PARTITION", sub: "overlap", data: [], offset: 64 + 576 * 7 + 2, size: 100))
        let (entries, codes) = try Self.list(try Aml.Image(source: MemoryByteSource(w.bytes())))
        #expect(codes.contains("amlogic.item-out-of-range"))
        #expect(codes.contains("amlogic.item-overlap"))
        #expect(entries["system.PARTITION"] == Self.system)

        var many = Self.standard()
        many.count = 0xffff_ffff
        let (entries2, codes2) = try Self.list(try Aml.Image(source: MemoryByteSource(many.bytes())))
        #expect(codes2.first == "amlogic.count-overflow")
        #expect(entries2["system.PARTITION"] == Self.system)

        var big = Self.standard()
        big.sizeDelta = 1 << 20
        let (entries3, codes3) = try Self.list(try Aml.Image(source: MemoryByteSource(big.bytes())))
        #expect(codes3 == ["amlogic.size-mismatch"])
        #expect(entries3.count == 5)
    }

    @Test func hostileHeadersThrowButNeverTrap() {
        #expect(throws: (any Error).self) { try Aml.Image(source: MemoryByteSource([UInt8](repeating: 0, count: 10))) }
        var bad = Self.standard().bytes()
        bad[4] = 7
        #expect(throws: (any Error).self) { try Aml.Image(source: MemoryByteSource(bad)) }
    }
}
