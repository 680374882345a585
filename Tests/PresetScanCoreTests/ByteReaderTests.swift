import Testing

@testable import PresetScanCore

struct ByteReaderTests {
    @Test func readsBothEndiannesses() throws {
        var r = ByteReader([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], structure: "test")
        #expect(try r.u16le() == 0x0201)
        #expect(try r.u32le() == 0x0605_0403)
        #expect(try r.u32be() == 0x0708_090a)
        #expect(try r.u16be() == 0x0b0c)
        #expect(r.remaining == 2)
    }

    @Test func shortReadsThrowWithStructureAndAbsoluteOffset() {
        var r = ByteReader([1, 2, 3], base: 1000, structure: "AXML chunk header")
        _ = try? r.u16le()
        do {
            _ = try r.u32le()
            Issue.record("expected a throw")
        } catch let e as ParseError {
            #expect(e.structure == "AXML chunk header")
            #expect(e.offset == 1002)
        } catch { Issue.record("wrong error \(error)") }
    }

    @Test(arguments: [-1, 4, Int.max, Int.min])
    func hostileRangesNeverTrap(_ n: Int) {
        var r = ByteReader([1, 2, 3], structure: "t")
        #expect(throws: ParseError.self) { try r.bytes(n) }
        #expect(throws: ParseError.self) { try r.skip(n) }
        #expect(throws: ParseError.self) { try r.sub(at: n, length: 1) }
        #expect(throws: ParseError.self) { try r.sub(at: 0, length: n) }
    }

    @Test func lengthPrefixedBlocksAreBounded() throws {
        var r = ByteReader(le32(2) + [9, 9] + le32(0xffff_fff0), structure: "v2 signer")
        var inner = try r.lengthPrefixed()
        #expect(try inner.bytes(2) == [9, 9])
        #expect(throws: ParseError.self) { try r.lengthPrefixed() }
    }

    @Test func subReadersKeepAbsoluteOffsets() throws {
        let r = ByteReader(Array(0..<32), base: 100, structure: "outer")
        var s = try r.sub(at: 8, length: 8, structure: "inner")
        #expect(s.absoluteOffset == 108)
        try s.skip(8)
        #expect(throws: ParseError.self) { try s.u8() }
    }
}

struct ByteSourceTests {
    @Test func memorySliceAndBounds() throws {
        let m = MemoryByteSource(Array(0..<100))
        let s = try m.slice(offset: 10, length: 20)
        #expect(try s.read(at: 0, count: 3) == [10, 11, 12])
        let ss = try s.slice(offset: 5, length: 5)
        #expect(try ss.readAll() == [15, 16, 17, 18, 19])
        #expect(throws: ByteSourceError.self) { try s.read(at: 18, count: 3) }
        #expect(throws: ByteSourceError.self) { try m.read(at: UInt64.max, count: 2) }
        #expect(throws: ByteSourceError.self) { try m.slice(offset: UInt64.max, length: 2) }
    }

    @Test func fileSourceReadsWithPread() throws {
        let path = "/tmp/presetscan-bytesource-\(getpid())"
        let bytes: [UInt8] = Array(repeating: 7, count: 5000)
        FileManagerShim.write(bytes, to: path)
        defer { unlink(path) }
        let f = try FileByteSource(path: path)
        #expect(f.size == 5000)
        #expect(try f.read(at: 4990, count: 10) == Array(repeating: 7, count: 10))
        #expect(throws: ByteSourceError.self) { try f.read(at: 4995, count: 10) }
        #expect(throws: ByteSourceError.self) { try FileByteSource(path: "/nonexistent/x") }
        #expect(throws: ByteSourceError.self) { try FileByteSource(path: "/tmp") }
    }

    @Test func locationJoinsWithBangSlash() {
        let l = Location(path: "update.zip").appending("payload.bin").appending("system")
        #expect(l.description == "update.zip!/payload.bin!/system")
    }

    @Test func hexIsLowerCase() {
        #expect([0x00, 0xab, 0xff].hexString == "00abff")
    }
}

#if canImport(Glibc)
import Glibc
#endif

enum FileManagerShim {
    static func write(_ bytes: [UInt8], to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}

func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
