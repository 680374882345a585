import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// Writes super.img layouts (liblp metadata_format.h) for tests.
struct LPWriter {
    struct Extent { var sectors: UInt64; var type: UInt32 = 0; var data: UInt64; var source: UInt32 = 0 }
    struct Partition { var name: String; var first: UInt32; var count: UInt32 }
    var minor: UInt16 = 0
    var partitions: [Partition] = []
    var extents: [Extent] = []
    var payload: [UInt8] = []   // placed at byte 1 MiB
    static let dataStart = 1 << 20

    static func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

    func bytes() -> [UInt8] {
        let le = Self.le
        var p: [UInt8] = []
        for x in partitions {
            var name = Array(x.name.utf8).prefix(36).map { $0 }
            name += [UInt8](repeating: 0, count: 36 - name.count)
            p += name + le(1, 4) + le(UInt64(x.first), 4) + le(UInt64(x.count), 4) + le(0, 4)
        }
        var e: [UInt8] = []
        for x in extents { e += le(x.sectors, 8) + le(UInt64(x.type), 4) + le(x.data, 8) + le(UInt64(x.source), 4) }
        let g = Array("default".utf8) + [UInt8](repeating: 0, count: 29) + le(0, 4) + le(0, 8)
        let tables = p + e + g
        let headerSize: UInt64 = minor >= 2 ? 256 : 128
        var h = le(0x414c_5030, 4) + le(10, 2) + le(UInt64(minor), 2) + le(headerSize, 4) + [UInt8](repeating: 0, count: 32)
        h += le(UInt64(tables.count), 4) + [UInt8](repeating: 0, count: 32)
        h += le(0, 4) + le(UInt64(partitions.count), 4) + le(52, 4)
        h += le(UInt64(p.count), 4) + le(UInt64(extents.count), 4) + le(24, 4)
        h += le(UInt64(p.count + e.count), 4) + le(1, 4) + le(48, 4)
        h += le(UInt64(tables.count), 4) + le(0, 4) + le(64, 4)
        h += [UInt8](repeating: 0, count: Int(headerSize) - h.count)
        let geometry = le(0x616c_4467, 4) + le(52, 4) + [UInt8](repeating: 0, count: 32) + le(65536, 4) + le(1, 4) + le(4096, 4)
        var img = [UInt8](repeating: 0, count: Self.dataStart)
        img.replaceSubrange(4096..<4096 + geometry.count, with: geometry)
        img.replaceSubrange(8192..<8192 + geometry.count, with: geometry)
        img.replaceSubrange(12288..<12288 + h.count + tables.count, with: h + tables)
        return img + payload
    }
}

struct LPTests {
    static let sector: UInt64 = 512
    var writer: LPWriter {
        var w = LPWriter()
        w.payload = [UInt8](repeating: 0xaa, count: 1024) + [UInt8](repeating: 0xbb, count: 1024)
        let base = UInt64(LPWriter.dataStart) / Self.sector
        // "system": second half first on disk, then a ZERO extent; "empty": no extents.
        w.extents = [.init(sectors: 2, data: base + 2), .init(sectors: 2, data: base), .init(sectors: 1, type: 1, data: 0)]
        w.partitions = [.init(name: "system", first: 0, count: 3), .init(name: "empty", first: 3, count: 0)]
        return w
    }

    func partitions(_ bytes: [UInt8]) throws -> ([String: [UInt8]], [String]) {
        let md = try LP.Metadata(source: MemoryByteSource(bytes))
        var files: [String: [UInt8]] = [:]
        var notes: [String] = []
        try md.forEachFile({ notes.append($0.diagnostic.code) }) { files[$0.path] = try $0.source?.readAll() }
        return (files, notes)
    }

    @Test(arguments: [UInt16(0), 1, 2])
    func extentsConcatenateAndZeroExtentsAreHoles(minor: UInt16) throws {
        var w = writer
        w.minor = minor
        let (files, notes) = try partitions(w.bytes())
        #expect(notes.isEmpty)
        #expect(files.keys.sorted() == ["system"])
        #expect(files["system"] == [UInt8](repeating: 0xbb, count: 1024) + [UInt8](repeating: 0xaa, count: 1024) + [UInt8](repeating: 0, count: 512))
    }

    @Test func outOfRangeAndOverlappingExtentsAreReported() throws {
        var w = writer
        w.extents.append(.init(sectors: 1 << 40, data: 1 << 20))
        w.partitions.append(.init(name: "huge", first: 3, count: 1))
        w.extents.append(.init(sectors: 1, data: UInt64(LPWriter.dataStart) / Self.sector))
        w.partitions.append(.init(name: "twin", first: 4, count: 1))
        w.extents.append(.init(sectors: 1, data: 0, source: 3))
        w.partitions.append(.init(name: "other-device", first: 5, count: 1))
        w.partitions.append(.init(name: "bogus-index", first: 0xffff_fff0, count: 0x20))
        let (files, notes) = try partitions(w.bytes())
        #expect(files["system"] != nil)
        #expect(files["twin"] != nil)
        #expect(notes.contains("super.extent-out-of-range"))
        #expect(notes.contains("super.extent-overlap"))
        #expect(notes.contains("super.unsupported"))
        #expect(notes.contains("super.bad-extent"))
    }

    @Test func badHeadersAreErrors() throws {
        var w = writer
        w.minor = 3
        #expect(throws: ParseError.self) { try LP.Metadata(source: MemoryByteSource(w.bytes())) }
        var bytes = writer.bytes()
        bytes[12288 + 8] = 0xff  // header size
        #expect(throws: ParseError.self) { try LP.Metadata(source: MemoryByteSource(bytes)) }
        bytes = writer.bytes()
        bytes[12288 + 80] = 0xff  // partition table offset
        #expect(throws: ParseError.self) { try LP.Metadata(source: MemoryByteSource(bytes)) }
        for cut in [100, 4200, 12000, 20000] {
            #expect(throws: (any Error).self) { try LP.Metadata(source: MemoryByteSource(Array(writer.bytes().prefix(cut)))) }
        }
        // The backup geometry is used when the primary is damaged.
        bytes = writer.bytes()
        bytes[4096] = 0
        #expect(try LP.Metadata(source: MemoryByteSource(bytes)).partitions.count == 2)
    }
}
