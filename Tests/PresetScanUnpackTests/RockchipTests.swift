import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// Writes RKAF/RKFW packages as afptool and RKImageMaker lay them out (`rkafp.h`, `rkrom.h`).
struct RKWriter {
    struct Part { var name: String; var file: String; var data: [UInt8]?; var offset: UInt32? = nil; var size: UInt32? = nil }
    var parts: [Part] = []
    var count: UInt32? = nil
    var lengthDelta: Int64 = 0

    static func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
    static func field(_ s: String, _ n: Int) -> [UInt8] { let b = Array(s.utf8.prefix(n)); return b + [UInt8](repeating: 0, count: n - b.count) }

    /// The PARM framing afptool and `rkcrc -p` give the parameter text.
    static func parm(_ text: String) -> [UInt8] {
        let t = Array(text.utf8)
        return Array("PARM".utf8) + le(UInt64(t.count), 4) + t + le(UInt64(RK.crc(t)), 4)
    }

    func rkaf() -> [UInt8] {
        var image = [UInt8](repeating: 0, count: 0x800)
        var table: [UInt8] = []
        for p in parts {
            var offset: UInt32 = 0, padded: UInt32 = 0
            if let data = p.data {
                offset = UInt32(image.count)
                let pad = (data.count + 2047) / 2048 * 2048
                image += data + [UInt8](repeating: 0, count: pad - data.count)
                padded = UInt32(pad)
            }
            let size = p.size ?? UInt32(p.data?.count ?? 0)
            table += Self.field(p.name, 32) + Self.field(p.file, 60) + Self.le(0, 4) + Self.le(UInt64(p.offset ?? offset), 4)
                + Self.le(0xffff_ffff, 4) + Self.le(UInt64(max(padded, size)), 4) + Self.le(UInt64(size), 4)
        }
        let length = UInt64(Int64(image.count) + lengthDelta)
        var header = Array("RKAF".utf8) + Self.le(length, 4) + Self.field("MODEL", 0x22) + Self.field("ID", 0x1e)
            + Self.field("MAKER", 0x38) + Self.le(0, 4) + Self.le(0x0801_0000, 4) + Self.le(UInt64(count ?? UInt32(parts.count)), 4)
        header += table
        image.replaceSubrange(0..<header.count, with: header)
        return image + Self.le(UInt64(RK.crc(image)), 4)
    }

    static func rkfw(loader: [UInt8], rkaf: [UInt8]) -> [UInt8] {
        var h = Array("RKFW".utf8) + le(0x66, 2) + le(0x0801_0003, 4) + le(0, 4)
        h += le(2024, 2) + [5, 6, 7, 8, 9] + le(0x33353638, 4)
        h += le(0x66, 4) + le(UInt64(loader.count), 4) + le(UInt64(0x66 + loader.count), 4) + le(UInt64(rkaf.count), 4)
        h += [UInt8](repeating: 0, count: 0x66 - h.count)
        return h + loader + rkaf + Array("0123456789abcdef0123456789abcdef".utf8)
    }
}

struct RockchipTests {
    static let parameterText = "FIRMWARE_VER: 8.1.0\nMACHINE_MODEL: RK3326\nCMDLINE: console=ttyFIQ0 mtdparts=rk29xxnand:0x00002000@0x00004000(uboot),0x00200000@0x00040000(super),-@0x00300000(userdata:grow)\n"

    static func standard() -> RKWriter {
        RKWriter(parts: [
            .init(name: "package-file", file: "package-file", data: Array("package-file package-file\nsuper Image/super.img\n".utf8)),
            .init(name: "parameter", file: "Image/parameter.txt", data: RKWriter.parm(parameterText)),
            .init(name: "super", file: "Image/super.img", data: [UInt8](repeating: 0x5a, count: 5000)),
            .init(name: "backup", file: "RESERVED", data: nil),
            .init(name: "update", file: "SELF", data: nil),
        ])
    }

    static func list(_ container: any Container) throws -> (entries: [String: [UInt8]], codes: [String]) {
        var entries: [String: [UInt8]] = [:]
        var codes: [String] = []
        try container.forEachFile({ codes.append($0.diagnostic.code) }) { e in
            entries[e.path] = try e.source!.readAll()
        }
        return (entries, codes)
    }

    @Test func rkafPartsAreViewsNamedByFileName() throws {
        let image = Self.standard().rkaf()
        let source = MemoryByteSource(image)
        #expect(ContentDetector.detect(source) == .rockchip)
        let update = try #require(try RK.open(source: source) as? RK.Update)
        #expect(update.header.model == "MODEL" && update.header.manufacturer == "MAKER")
        #expect(update.parts.count == 5)
        let (entries, codes) = try Self.list(update)
        #expect(codes.isEmpty)
        #expect(Set(entries.keys) == ["package-file", "Image/parameter.txt", "Image/super.img"])
        #expect(entries["Image/super.img"] == [UInt8](repeating: 0x5a, count: 5000))
        // As rkunpack and afptool extract it: the text without its PARM framing.
        #expect(entries["Image/parameter.txt"] == Array(Self.parameterText.utf8))
        let parameter = try #require(update.parameter())
        #expect(parameter.storedCRC == parameter.computedCRC)
        #expect(parameter.partitions == [
            .init(name: "uboot", offset: 0x4000, size: 0x2000), .init(name: "super", offset: 0x40000, size: 0x200000),
            .init(name: "userdata", offset: 0x300000, size: nil),
        ])
    }

    @Test func rkfwHoldsTheLoaderAndTheEmbeddedRKAF() throws {
        let rkaf = Self.standard().rkaf()
        let loader = Array("BOOT".utf8) + [UInt8](repeating: 1, count: 300)
        let source = MemoryByteSource(RKWriter.rkfw(loader: loader, rkaf: rkaf))
        #expect(ContentDetector.detect(source) == .rockchip)
        let firmware = try #require(try RK.open(source: source) as? RK.Firmware)
        #expect(firmware.header.versionString == "8.1.3")
        #expect(firmware.header.year == 2024 && firmware.header.chip == 0x33353638)
        let (entries, codes) = try Self.list(firmware)
        #expect(codes.isEmpty)
        #expect(entries["BOOT"] == loader)
        #expect(entries["RKAF"] == rkaf)
    }

    @Test func aBadCRCIsAWarningAndTheRestIsRead() throws {
        var image = Self.standard().rkaf()
        image[0x900] ^= 0xff  // inside package-file
        var parm = Self.standard()
        parm.parts[1].data![10] ^= 1
        let (entries, codes) = try Self.list(try RK.open(source: MemoryByteSource(image)))
        #expect(codes == ["rockchip.crc-mismatch"])
        #expect(entries.count == 3)
        let (_, codes2) = try Self.list(try RK.open(source: MemoryByteSource(parm.rkaf())))
        #expect(codes2 == ["rockchip.crc-mismatch"])
    }

    @Test func malformedTablesGiveNotesAndTheRestIsRead() throws {
        var w = Self.standard()
        w.parts.append(.init(name: "far", file: "Image/far.img", data: nil, offset: 0x7fff_0000, size: 100))
        w.parts.append(.init(name: "overlap", file: "Image/overlap.img", data: nil, offset: 0x1800, size: 4000))
        let (entries, codes) = try Self.list(try RK.open(source: MemoryByteSource(w.rkaf())))
        #expect(codes.contains("rockchip.item-out-of-range"))
        #expect(codes.contains("rockchip.item-overlap"))
        #expect(entries["Image/super.img"] != nil && entries["Image/far.img"] == nil)

        var many = Self.standard()
        many.count = 0xffff_ffff
        let (entries2, codes2) = try Self.list(try RK.open(source: MemoryByteSource(many.rkaf())))
        #expect(codes2.first == "rockchip.count-overflow")
        #expect(entries2["Image/super.img"] == [UInt8](repeating: 0x5a, count: 5000))

        var short = Self.standard()
        short.lengthDelta = 4096
        let (entries3, codes3) = try Self.list(try RK.open(source: MemoryByteSource(short.rkaf())))
        #expect(codes3 == ["rockchip.size-mismatch"])
        #expect(entries3.count == 3)
    }

    @Test func aTruncatedRKFWStillReadsWhatIsThere() throws {
        let rkaf = Self.standard().rkaf()
        let full = RKWriter.rkfw(loader: Array("BOOT".utf8) + [0, 0], rkaf: rkaf)
        let cut = Array(full[0..<(full.count - 32 - 1000)])
        let (entries, codes) = try Self.list(try RK.open(source: MemoryByteSource(cut)))
        #expect(codes == ["rockchip.truncated"])
        let inner = try #require(entries["RKAF"])
        let (innerEntries, innerCodes) = try Self.list(try RK.open(source: MemoryByteSource(inner)))
        #expect(innerCodes.contains("rockchip.size-mismatch"))
        #expect(innerEntries["Image/super.img"] != nil)
    }

    @Test func abSlotsOfTheSameFileAreVisitedOnce() throws {
        var w = Self.standard()
        let rkaf = w.rkaf()
        let update = try #require(try RK.open(source: MemoryByteSource(rkaf)) as? RK.Update)
        let superPart = try #require(update.parts.first { $0.name == "super" })
        w.parts.append(.init(name: "super_b", file: "Image/super.img", data: nil, offset: superPart.offset, size: superPart.size))
        let (entries, codes) = try Self.list(try RK.open(source: MemoryByteSource(w.rkaf())))
        #expect(codes.isEmpty)
        #expect(entries.count == 3)
    }

    @Test func hostileHeadersThrowOrNoteButNeverTrap() throws {
        #expect(throws: ContainerError.self) { try RK.open(source: MemoryByteSource(Array("RKAF".utf8))) }
        #expect(throws: ContainerError.self) { try RK.open(source: MemoryByteSource(Array("RKFW".utf8) + [0, 0])) }
        var rkfw = RKWriter.rkfw(loader: [1, 2], rkaf: [3])
        rkfw.replaceSubrange(0x21..<0x25, with: RKWriter.le(0xffff_fff0, 4))
        let (_, codes) = try Self.list(try RK.open(source: MemoryByteSource(rkfw)))
        #expect(codes.contains("rockchip.item-out-of-range"))
        // The value Debian's `rkcrc` appends to the file "123456789".
        #expect(RK.crc(Array("123456789".utf8)) == 0x889a_9615)
    }
}
