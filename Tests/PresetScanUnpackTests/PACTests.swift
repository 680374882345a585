import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// Writes `.pac` packages as pacextractor.h describes them (BP_R2 hi/lo fields).
struct PACWriter {
    struct File { var id: String; var name: String; var data: [UInt8]; var flag: UInt32 = 1; var offset: UInt64? = nil; var size: UInt64? = nil }
    var version = "BP_R2.0.1"
    var files: [File] = []
    var count: UInt32? = nil
    var sizeDelta: Int64 = 0
    var crc = true

    static func wide(_ s: String, _ units: Int) -> [UInt8] {
        let b = s.utf16.flatMap { [UInt8($0 & 0xff), UInt8($0 >> 8)] }
        return Array((b + [UInt8](repeating: 0, count: units * 2)).prefix(units * 2))
    }
    static func put(_ v: UInt32, _ buf: inout [UInt8], _ at: Int) { buf.replaceSubrange(at..<at + 4, with: le32(v)) }

    func bytes() -> [UInt8] {
        var at = UInt64(PAC.Header.size + PAC.FileHeader.size * files.count)
        var heads: [UInt8] = [], blobs: [UInt8] = []
        for f in files {
            let offset = f.offset ?? (f.data.isEmpty ? 0 : at)
            if f.offset == nil { blobs += f.data; at += UInt64(f.data.count) }
            let size = f.size ?? UInt64(f.data.count)
            var h = [UInt8](repeating: 0, count: PAC.FileHeader.size)
            Self.put(UInt32(PAC.FileHeader.size), &h, 0)
            h.replaceSubrange(4..<516, with: Self.wide(f.id, 256))
            h.replaceSubrange(516..<1028, with: Self.wide(f.name, 256))
            Self.put(UInt32(size >> 32), &h, 1532); Self.put(UInt32(offset >> 32), &h, 1536)
            Self.put(UInt32(size & 0xffff_ffff), &h, 1540); Self.put(f.flag, &h, 1544)
            Self.put(UInt32(offset & 0xffff_ffff), &h, 1552)
            heads += h
        }
        let total = UInt64(Int64(PAC.Header.size + heads.count + blobs.count) + sizeDelta)
        var h = [UInt8](repeating: 0, count: PAC.Header.size)
        h.replaceSubrange(0..<44, with: Self.wide(version, 22))
        Self.put(UInt32(total >> 32), &h, 44); Self.put(UInt32(total & 0xffff_ffff), &h, 48)
        Self.put(count ?? UInt32(files.count), &h, 1076); Self.put(UInt32(PAC.Header.size), &h, 1080)
        if crc {
            Self.put(PAC.crcMagic, &h, 2116)
            let c1 = PAC.crc16(Array(h[0..<2120])), c2 = PAC.crc16(heads + blobs)
            h.replaceSubrange(2120..<2124, with: le16(c1) + le16(c2))
        }
        return h + heads + blobs
    }
}

struct PACTests {
    static let payload: [UInt8] = Array("PK\u{3}\u{4} not really a zip".utf8) + [UInt8](repeating: 7, count: 100)

    func entries(_ bytes: [UInt8]) throws -> (paths: [String: [UInt8]], codes: [String]) {
        let package = try PAC.Package(source: MemoryByteSource(bytes), limits: UnpackLimits())
        var paths: [String: [UInt8]] = [:], codes: [String] = []
        try package.forEachFile({ codes.append($0.diagnostic.code) }) { e in paths[e.path] = try e.source?.readAll() }
        return (paths, codes)
    }

    @Test func crc16IsCRC16ARC() {
        #expect(PAC.crc16(Array("123456789".utf8)) == 0xbb3d)
    }

    @Test(arguments: ["BP_R2.0.1", "BP_R1.0.0"])
    func filesAreViewsNamedByFileName(version: String) throws {
        var w = PACWriter(version: version)
        w.files = [.init(id: "FDL", name: "fdl1.bin", data: [1, 2, 3]), .init(id: "FLASH", name: "", data: [], flag: 0),
                   .init(id: "Super", name: "super.img", data: Self.payload)]
        let bytes = w.bytes()
        #expect(ContentDetector.detect(MemoryByteSource(bytes)) == .pac)
        let (paths, codes) = try entries(bytes)
        #expect(codes.isEmpty)
        #expect(paths == ["fdl1.bin": [1, 2, 3], "super.img": Self.payload])
        let header = try PAC.Header(Array(bytes.prefix(PAC.Header.size)))
        #expect(header.version == version)
        #expect(header.packageSize == UInt64(bytes.count))
    }

    @Test func wrongCRCsAreWarningsAndTheFilesAreStillRead() throws {
        var w = PACWriter()
        w.files = [.init(id: "Super", name: "super.img", data: Self.payload)]
        var bytes = w.bytes()
        bytes[2120] ^= 0xff
        bytes[bytes.count - 1] ^= 0xff
        let (paths, codes) = try entries(bytes)
        #expect(Set(codes) == ["pac.header-crc", "pac.data-crc"])
        #expect(paths.keys.sorted() == ["super.img"])
    }

    @Test func malformedTablesKeepWhatIsReadable() throws {
        var w = PACWriter(crc: false)
        w.files = [.init(id: "Super", name: "super.img", data: Self.payload),
                   .init(id: "Far", name: "far.img", data: [], offset: 1 << 40, size: 10),
                   .init(id: "Wrap", name: "wrap.img", data: [], offset: UInt64.max - 2, size: 10),
                   .init(id: "Over", name: "over.img", data: [], offset: UInt64(PAC.Header.size + 4 * PAC.FileHeader.size + 4), size: 8)]
        w.count = 0xffff_ffff
        w.sizeDelta = 4096
        let (paths, codes) = try entries(w.bytes())
        #expect(paths.keys.sorted() == ["over.img", "super.img"])
        // The overflowing count is cut to the 4 headers that fit before the end.
        #expect(codes.sorted() == ["pac.count-overflow", "pac.item-out-of-range", "pac.item-out-of-range", "pac.item-overlap", "pac.size-mismatch"])
    }

    @Test func tooShortIsAContainerError() {
        #expect(throws: ContainerError.self) { try PAC.Package(source: MemoryByteSource(PACWriter.wide("BP_R2.0.1", 22)), limits: UnpackLimits()) }
    }
}
