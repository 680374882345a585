import Foundation
import PresetScanCore
import PresetScanCrypto
import PresetScanUnpack
import Testing

@testable import PresetScanApps

/// Signature verification on the sample APKs and the tampered ones `Samples/make-tampered.sh`
/// makes, against what `apksigner verify` said about each (`Samples/apk/tampered/expected.jsonl`).
@Suite struct VerifyTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/apk")

    struct Expected: Decodable {
        var path: String
        var verifies: Bool
        var error: String?
    }

    static let expected: [Expected] = {
        let url = samples.appendingPathComponent("tampered/expected.jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Expected.self, from: Data($0.utf8)) }
    }()

    static func read(_ path: String) throws -> AppRecord {
        let url = samples.appendingPathComponent(path)
        return APKReader.read(source: try FileByteSource(path: url.path), location: Location([url.path]))
    }

    static func failure(_ record: AppRecord) -> String? {
        record.warnings.first { $0.code == "signing.verify-failed" }?.message
    }

    @Test(arguments: ["hello.apk", "filing.apk", "offline.apk"])
    func signedSamplesVerify(_ name: String) throws {
        let record = try Self.read(name)
        #expect(record.verified == true)
        #expect(Self.failure(record) == nil)
    }

    @Test func unsignedSampleDoesNotVerify() throws {
        let record = try Self.read("unsigned.apk")
        #expect(record.verified == false)
        #expect(Self.failure(record) == nil, "an unsigned APK is PS008's business, not a verification warning")
    }

    @Test func tamperedFixturesAreListed() {
        #expect(Self.expected.map(\.path) == [
            "block-byte.apk", "cd-byte.apk", "entry-byte.apk", "stripped-v2.apk", "transplanted.apk", "verity.apk",
            "verity-entry-byte.apk",
        ])
    }

    /// apksigner --verity-enabled adds VERITY_CHUNKED_SHA256 signatures; they are checked like the others.
    @Test func veritySignedSampleVerifies() throws {
        let record = try Self.read("tampered/verity.apk")
        #expect(Self.expected.first { $0.path == "verity.apk" }?.verifies == true)
        #expect(record.verified == true)
        #expect(record.verificationFailure == nil)
    }

    /// The verity digest (a two-level tree over 4 KiB pages, then the length) is what the signer
    /// put in the signed data: its 40 bytes are found verbatim in the APK Signing Block.
    @Test func verityDigestIsTheSignedOne() throws {
        let url = Self.samples.appendingPathComponent("tampered/verity.apk")
        let bytes = Array(try Data(contentsOf: url))
        let archive = try ZipArchive(source: MemoryByteSource(bytes))
        let block = try #require(try APKSigningBlock.locate(in: archive.source, centralDirectoryOffset: archive.centralDirectoryOffset))
        let eocdStart = Int(archive.endOfCentralDirectory.offset)
        let digest = try APKContentDigest.verity(
            source: archive.source, signingBlockOffset: block.offset,
            centralDirectory: archive.centralDirectoryOffset..<UInt64(eocdStart), eocd: Array(bytes[eocdStart...]))
        #expect(digest.count == 40)
        let signingBlock = bytes[Int(block.offset)..<Int(archive.centralDirectoryOffset)]
        #expect(signingBlock.firstRange(of: digest) != nil)
    }

    /// Each tampered APK: not verified, apksigner agrees, the reason class is the one apksigner's
    /// first error names, and the claimed signer is still reported.
    @Test(arguments: [
        ("block-byte.apk", "signature-invalid", "v3"),
        ("cd-byte.apk", "content-mismatch", "v3"),
        ("entry-byte.apk", "content-mismatch", "v3"),
        ("stripped-v2.apk", "stripped", "v1"),
        ("transplanted.apk", "content-mismatch", "v3"),
        ("verity-entry-byte.apk", "content-mismatch", "v3"),
    ])
    func tamperedDoesNotVerify(_ name: String, _ reason: String, _ scheme: String) throws {
        let record = try Self.read("tampered/\(name)")
        #expect(record.verified == false)
        #expect(Self.expected.first { $0.path == name }?.verifies == false)
        let message = Self.failure(record) ?? ""
        #expect(message.contains("(\(reason), scheme \(scheme))"), "\(message)")
        #expect(!record.signers.isEmpty)
    }

    /// The chunked digest's framing (0xa5 per chunk, 0x5a on top) on a tiny input, against
    /// the same computation spelled out with one-shot SHA-256.
    @Test func chunkedDigestFraming() throws {
        let entries = [UInt8](repeating: 7, count: 100)
        let cd = [UInt8](repeating: 9, count: 10)
        var eocd = [UInt8](repeating: 0, count: 22)
        eocd[0] = 0x50
        let source = MemoryByteSource(entries + cd)
        let computed = try APKContentDigest.compute(
            [.chunkedSHA256], source: source, signingBlockOffset: 100, centralDirectory: 100..<110, eocd: eocd)
        var patched = eocd
        patched[16] = 100
        func chunk(_ b: [UInt8]) -> [UInt8] {
            PresetScanCrypto.Digest.sha256([0xa5, UInt8(b.count), 0, 0, 0] + b)
        }
        let top = PresetScanCrypto.Digest.sha256([0x5a, 3, 0, 0, 0] + chunk(entries) + chunk(cd) + chunk(patched))
        #expect(computed[.chunkedSHA256] == top)
    }
}
