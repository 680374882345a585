import Foundation
import PresetScanCore
import PresetScanCrypto
import Testing

@testable import PresetScanApps

/// Mach-O slices and code signatures: the sample executables, then headers that lie.
struct IPAMachOTests {
    static func executable(_ archive: String, _ path: String) throws -> [UInt8] {
        try #require(try IPASamples.entries(archive).first { $0.name == path }?.data)
    }

    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    @Test func slicesOfEveryShape() throws {
        let thin = try MachO.slices(of: MemoryByteSource(try Self.executable("hello.ipa", "Payload/Hello.app/Hello")))
        #expect(thin.map(\.architecture) == ["arm64"])
        #expect(thin[0].is64Bit && !thin[0].bigEndian && thin[0].codeSignature != nil)
        #expect(Set(thin[0].sections.map { "\($0.segment),\($0.name)" }) == ["__TEXT,__text", "__TEXT,__cstring", "__TEXT,__ustring"])

        let fat = try MachO.slices(of: MemoryByteSource(try Self.executable("universal.ipa", "Payload/Universal.app/Universal")))
        #expect(fat.map(\.architecture) == ["arm", "arm64"])
        #expect(!fat[0].is64Bit && fat[1].is64Bit && fat.allSatisfy { $0.offset % 16384 == 0 })

        let fat64 = try MachO.slices(of: MemoryByteSource(try Self.executable("universal.ipa", "Payload/Universal.app/PlugIns/Widget.appex/Widget")))
        #expect(fat64.map(\.architecture) == ["arm64", "x86_64"])

        let ppc = try MachO.slices(of: MemoryByteSource(try Self.executable("universal.ipa", "Payload/Universal.app/Frameworks/Legacy.framework/Legacy")))
        #expect(ppc.count == 1 && ppc[0].bigEndian && !ppc[0].is64Bit && ppc[0].architecture == "ppc")
    }

    /// The CMS blob found through the load commands is the one make_ipa.py cut out by offset.
    @Test func cmsBlobAtTheOffsetOpenSSLRead() throws {
        let bytes = try Self.executable("universal.ipa", "Payload/Universal.app/Universal")
        let source = MemoryByteSource(bytes)
        let truth = try #require((IPASamples.expected["universal.ipa"]?["executables"] as? [String: [[String: Any]]])?["Payload/Universal.app/Universal"])
        for (slice, want) in zip(try MachO.slices(of: source), truth) {
            let contents = try #require(try MachO.SuperBlob.read(slice, in: source))
            let cms = try #require(contents.cms)
            let offset = try #require(want["cmsOffset"] as? Int)
            #expect(Array(bytes[Int(slice.offset) + offset..<Int(slice.offset) + offset + cms.count]) == cms)
            #expect(contents.hasCodeDirectory)
            let signers = try MachO.SuperBlob.signers(cms: cms)
            #expect(signers.map { Digest.sha256($0.der).hexString } == want["signers"] as? [String])
        }
    }

    /// hello's CMS carries sample-b's certificate besides the signer's: only the signer is reported.
    @Test func extraCertificatesAreNotSigners() throws {
        let source = MemoryByteSource(try Self.executable("hello.ipa", "Payload/Hello.app/Hello"))
        let slice = try #require(try MachO.slices(of: source).first)
        let cms = try #require(try MachO.SuperBlob.read(slice, in: source)?.cms)
        #expect(try PKCS7.contents(der: cms).certificates.count == 2)
        #expect(try MachO.SuperBlob.signers(cms: cms).count == 1)
    }

    @Test func universalHeadersThatLie() throws {
        let valid = try Self.executable("universal.ipa", "Payload/Universal.app/Universal")
        // A Java class file: 0xcafebabe then minor/major version where nfat_arch would be.
        let java: [UInt8] = [0xCA, 0xFE, 0xBA, 0xBE, 0x00, 0x00, 0x00, 0x34] + [UInt8](repeating: 0, count: 64)
        #expect(throws: ParseError.self) { try MachO.slices(of: MemoryByteSource(java)) }
        // An architecture past the end of the file.
        var past = valid
        past.replaceSubrange(8 + 8..<8 + 12, with: Self.be32(UInt32(valid.count)))
        #expect(throws: ParseError.self) { try MachO.slices(of: MemoryByteSource(past)) }
        // Two architectures at the same offset.
        var overlap = valid
        overlap.replaceSubrange(28 + 8..<28 + 12, with: Array(valid[16..<20]))
        #expect(throws: ParseError.self) { try MachO.slices(of: MemoryByteSource(overlap)) }
        // An offset + size that overflows 32 bits is caught by the 64-bit sum.
        var huge = valid
        huge.replaceSubrange(8 + 12..<8 + 16, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: ParseError.self) { try MachO.slices(of: MemoryByteSource(huge)) }
    }

    @Test func loadCommandsThatLie() throws {
        let valid = try Self.executable("hello.ipa", "Payload/Hello.app/Hello")
        // sizeofcmds larger than the file
        var big = valid
        big.replaceSubrange(20..<24, with: [0xFF, 0xFF, 0x00, 0x00])
        #expect(throws: ParseError.self) { try MachO.slices(of: MemoryByteSource(big)) }
        // first command's cmdsize 0 (a reader that trusts it loops forever)
        var zero = valid
        zero.replaceSubrange(36..<40, with: [0, 0, 0, 0])
        #expect(throws: ParseError.self) { try MachO.slices(of: MemoryByteSource(zero)) }
        // nsects far beyond the command
        var sections = valid
        sections.replaceSubrange(32 + 64..<32 + 68, with: [0xFF, 0xFF, 0xFF, 0x0F])
        #expect(throws: ParseError.self) { try MachO.slices(of: MemoryByteSource(sections)) }
        // a lying ncmds alone is bounded by sizeofcmds
        var count = valid
        count.replaceSubrange(16..<20, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: ParseError.self) { try MachO.slices(of: MemoryByteSource(count)) }
    }

    @Test func superBlobsThatLie() throws {
        let valid = try Self.executable("hello.ipa", "Payload/Hello.app/Hello")
        let slice = try #require(try MachO.slices(of: MemoryByteSource(valid)).first)
        let start = Int(try #require(slice.codeSignature).offset)
        func damaged(_ at: Int, _ bytes: [UInt8]) -> MemoryByteSource {
            var copy = valid
            copy.replaceSubrange(start + at..<start + at + bytes.count, with: bytes)
            return MemoryByteSource(copy)
        }
        #expect(throws: ParseError.self) { try MachO.SuperBlob.read(slice, in: damaged(0, [0, 0, 0, 0])) }  // magic
        #expect(throws: ParseError.self) { try MachO.SuperBlob.read(slice, in: damaged(4, Self.be32(0x7FFF_FFFF))) }  // length
        #expect(throws: ParseError.self) { try MachO.SuperBlob.read(slice, in: damaged(8, Self.be32(100_000))) }  // count
        #expect(throws: ParseError.self) { try MachO.SuperBlob.read(slice, in: damaged(16, Self.be32(0xFFFF_FFF0))) }  // blob offset
        var moved = slice
        moved.codeSignature = (UInt32(valid.count) - 4, 64)
        #expect(throws: ParseError.self) { try MachO.SuperBlob.read(moved, in: MemoryByteSource(valid)) }
        moved.codeSignature = (UInt32.max, UInt32.max)
        #expect(throws: ParseError.self) { try MachO.SuperBlob.read(moved, in: MemoryByteSource(valid)) }
    }
}
