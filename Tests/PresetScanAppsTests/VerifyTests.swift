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
            "verity-entry-byte.apk", "v2-signer-dropped.apk",
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
        ("v2-signer-dropped.apk", "malformed", "v1"),
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

    // MARK: - Lineage and cross-scheme checks

    static let corpus = "/usr/share/doc/androguard/examples/signing/apksig"

    /// The proof-of-rotation attribute of the v3 signer of a corpus APK rotated over three keys.
    static func lineageAttribute() throws -> (value: [UInt8], signer: [UInt8]) {
        let source = try FileByteSource(path: corpus + "/v1v2v3-with-rsa-2048-lineage-3-signers.apk")
        let archive = try ZipArchive(source: source)
        let block = try #require(try APKSigningBlock.locate(in: source, centralDirectoryOffset: archive.centralDirectoryOffset))
        let pair = try #require(block.pairs.first { $0.id == 0xF053_68C0 })
        var reader = ByteReader(pair.value, structure: "v3 block")
        var signers = try reader.lengthPrefixed(structure: "signers")
        let signer = try ParsedSigner(try signers.lengthPrefixed(structure: "signer"), scheme: .v3)
        let value = try #require(signer.attributes.first { $0.id == APKSignatureSchemes.proofOfRotationAttributeID }?.value)
        return (value, try #require(signer.certificates.first))
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpus), "needs androguard's apksig vectors"))
    func lineageSignaturesVerify() throws {
        let (value, signer) = try Self.lineageAttribute()
        let lineage = try V2V3Verifier.lineage(value, signerCertificate: signer).get()
        #expect(lineage.count == 3)
    }

    /// Each lineage node after the first is signed by the previous key: one flipped byte in the last
    /// node's signature (the attribute's tail) makes the lineage a forgery.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpus), "needs androguard's apksig vectors"))
    func forgedLineageNodeIsRejected() throws {
        var (value, signer) = try Self.lineageAttribute()
        value[value.count - 10] ^= 0x01
        guard case .failure(let failure) = V2V3Verifier.lineage(value, signerCertificate: signer) else {
            Issue.record("a forged lineage verified")
            return
        }
        #expect(failure.reason == .signatureInvalid)
        #expect(failure.message.contains("certificate #3"))
    }

    @Test func schemesMustNameTheSameSigners() {
        let a: [UInt8] = [1], b: [UInt8] = [2], c: [UInt8] = [3]
        typealias S = APKVerifier.SchemeSigners
        #expect(S(v1: [a], v2: [a], v3: [a]).mismatch() == nil)
        #expect(S(v1: [a, b], v2: [a]).mismatch()?.scheme == "v1")
        #expect(S(v1: [a], v2: [a, b]).mismatch()?.scheme == "v2")
        #expect(S(v1: nil, v2: [a], v3: [b]).mismatch()?.reason == .malformed)
        // Rotation: v3's lineage must start at the v1/v2 signer.
        #expect(S(v1: [a], v2: [a], v3: [c], lineage: [a, b, c]).mismatch() == nil)
        #expect(S(v1: [b], v2: [b], v3: [c], lineage: [a, b, c]).mismatch() != nil)
        #expect(S(v1: [a], v2: [a], v3: [a, c]).mismatch() != nil, "two v3 signers need a lineage")
    }

    /// apksig: targeting Android 11 (30) or later needs v2 or newer; a v1-only APK then does not verify.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: corpus), "needs androguard's apksig vectors"))
    func targetSdk30NeedsV2() throws {
        let source = try FileByteSource(path: Self.corpus + "/v1-only-with-rsa-pkcs1-sha1-1.2.840.113549.1.1.1-2048.apk")
        let archive = try ZipArchive(source: source)
        #expect(APKVerifier.verify(archive: archive, minSdk: 1, targetSdk: 29).verified)
        let failure = APKVerifier.verify(archive: archive, minSdk: 1, targetSdk: 30).failure
        #expect(failure?.reason == .missingSignature)
    }

    /// apksig's checks across v3 signers: ranges follow on without overlap or hole and cover the
    /// platforms; lineages only grow and are one lineage.
    @Test func v3SignerRanges() {
        typealias R = V2V3Verifier.SignerRange
        let a: [UInt8] = [1], b: [UInt8] = [2]
        func check(_ ranges: [R], coverage: Bool = true) -> String? {
            V2V3Verifier.sdkRanges(ranges, minSdk: 28, top: Int(Int32.max), checkCoverage: coverage)
        }
        let whole = R(min: 28, max: Int(Int32.max), lineageSize: 0, lineage: [])
        #expect(check([whole]) == nil)
        let old = R(min: 28, max: 32, lineageSize: 1, lineage: [a])
        let new = R(min: 33, max: Int(Int32.max), lineageSize: 2, lineage: [a, b])
        #expect(check([new, old]) == nil)
        #expect(check([R(min: 28, max: 33, lineageSize: 1, lineage: [a]), new])?.contains("not continuous") == true)
        #expect(check([R(min: 28, max: 31, lineageSize: 1, lineage: [a]), new])?.contains("not continuous") == true)
        #expect(check([R(min: 29, max: Int(Int32.max), lineageSize: 0, lineage: [])])?.contains("do not cover") == true)
        #expect(check([R(min: 29, max: Int(Int32.max), lineageSize: 0, lineage: [])], coverage: false) == nil)
        #expect(check([R(min: 28, max: 32, lineageSize: 2, lineage: [a, b]), R(min: 33, max: Int(Int32.max), lineageSize: 1, lineage: [a])])?
            .contains("lineage") == true)
        #expect(check([old, R(min: 33, max: Int(Int32.max), lineageSize: 2, lineage: [b, a])])?.contains("lineage") == true)
    }
}
