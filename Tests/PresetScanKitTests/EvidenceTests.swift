import Foundation
import PresetScanCrypto
import Testing

@testable import PresetScanKit

/// A folder made fresh for one test, removed when it ends.
final class EvidenceScratch {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("presetscan-evidence-\(UUID().uuidString)")
    init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}

/// `scan --hash-inputs`: sizes and SHA-256 of files and folder manifests.
@Suite struct EvidenceHashingTests {
    static let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  // FIPS 180-2 B.1
    static let empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test func aFileHasItsSizeAndSHA256() throws {
        let scratch = try EvidenceScratch()
        let path = try scratch.write("image.img", "abc")
        #expect(InputHasher.hash(inputs: [path]) == [.init(path: path, kind: .file, size: 3, sha256: Self.abc)])
    }

    @Test func aFileLargerThanOneReadIsHashedWhole() throws {
        let scratch = try EvidenceScratch()
        let bytes = (0..<(Digest.chunkSize * 2 + 123)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let path = scratch.path("big.img")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let hash = try #require(InputHasher.hash(inputs: [path]).first)
        #expect(hash.size == UInt64(bytes.count))
        #expect(hash.sha256 == Digest.sha256(bytes).hexString)
    }

    /// The manifest is what `find -type f | LC_ALL=C sort` with `stat` and `sha256sum` would give:
    /// nested files by relative path in byte order, symbolic links left out.
    @Test func aFolderIsHashedByItsSortedManifest() throws {
        let scratch = try EvidenceScratch()
        try scratch.write("in/b.apk", "abc")
        try scratch.write("in/a/z.apk", "")
        try scratch.write("in/B.apk", "abc")
        try FileManager.default.createSymbolicLink(atPath: scratch.path("in/link.apk"), withDestinationPath: "b.apk")
        let manifest = "B.apk\t3\t\(Self.abc)\na/z.apk\t0\t\(Self.empty)\nb.apk\t3\t\(Self.abc)\n"
        let expected = ScanReport.InputHash(
            path: scratch.path("in"), kind: .folder, size: 6, sha256: Digest.sha256(Array(manifest.utf8)).hexString, files: 3)
        #expect(InputHasher.hash(inputs: [scratch.path("in")]) == [expected])
        // A trailing slash names the same folder and the same files.
        #expect(InputHasher.hash(inputs: [scratch.path("in") + "/"]).first?.sha256 == expected.sha256)
    }

    @Test func anInputThatDoesNotExistHasNoEntry() throws {
        let scratch = try EvidenceScratch()
        let path = try scratch.write("x", "abc")
        #expect(InputHasher.hash(inputs: [scratch.path("missing"), path]).map(\.path) == [path])
    }
}

/// `report sign` / `report verify`: a detached signature over the report's exact bytes.
@Suite struct EvidenceSignatureTests {
    static func keys(_ scratch: EvidenceScratch, _ name: String) throws -> (Ed25519PrivateKey, Ed25519PublicKey) {
        try KeyFiles.generate(privatePath: scratch.path(name + ".key.pem"), publicPath: scratch.path(name + ".pub.pem"))
        return (try KeyFiles.privateKey(path: scratch.path(name + ".key.pem")), try KeyFiles.publicKey(path: scratch.path(name + ".pub.pem")))
    }

    @Test func anUntouchedReportVerifies() throws {
        let scratch = try EvidenceScratch()
        let report = try scratch.write("report.json", "{\"format\": \"presetscan-scan-report\"}\n")
        let (key, publicKey) = try Self.keys(scratch, "k")
        let signature = try ReportSignature.sign(report: report, with: key)
        #expect(signature.keyFingerprint == publicKey.fingerprint)
        let text = try String(contentsOfFile: ReportSignature.path(for: report), encoding: .utf8)
        #expect(text.hasPrefix("presetscan-report-signature 1\nalgorithm ed25519\nsha256 \(signature.sha256)\n"))
        #expect(try ReportSignature.verify(report: report, key: publicKey) == .init(sha256: signature.sha256, failure: nil))
    }

    @Test(arguments: [0, 7, -1])
    func oneChangedByteDoesNotVerify(offset: Int) throws {
        let scratch = try EvidenceScratch()
        let report = try scratch.write("report.csv", "location,identifier\r\nx.apk,cn.example\r\n")
        let (key, publicKey) = try Self.keys(scratch, "k")
        try ReportSignature.sign(report: report, with: key)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: report)))
        bytes[offset < 0 ? bytes.count - 1 : offset] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: report))
        guard case .digestMismatch = try ReportSignature.verify(report: report, key: publicKey).failure else {
            Issue.record("a changed byte must not verify")
            return
        }
    }

    @Test func anotherKeyDoesNotVerify() throws {
        let scratch = try EvidenceScratch()
        let report = try scratch.write("report.html", "<html></html>\n")
        let (key, _) = try Self.keys(scratch, "a")
        let (_, other) = try Self.keys(scratch, "b")
        try ReportSignature.sign(report: report, with: key)
        guard case .wrongKey = try ReportSignature.verify(report: report, key: other).failure else {
            Issue.record("another key must not verify")
            return
        }
    }

    /// Same digest and key lines, another signature: only the signature itself is trusted.
    @Test func aForgedSignatureDoesNotVerify() throws {
        let scratch = try EvidenceScratch()
        let report = try scratch.write("report.json", "{}\n")
        let (key, publicKey) = try Self.keys(scratch, "k")
        var forged = try ReportSignature.sign(report: report, with: key)
        forged.signature[5] ^= 0x40
        try Data(forged.text.utf8).write(to: URL(fileURLWithPath: ReportSignature.path(for: report)))
        #expect(try ReportSignature.verify(report: report, key: publicKey).failure == .badSignature)
    }

    /// A snapshot's signature file is not taken for a report's, even over the same bytes.
    @Test func aRegistrySignatureIsNotAReportSignature() throws {
        let scratch = try EvidenceScratch()
        let report = try scratch.write("report.json", "{}\n")
        let (key, publicKey) = try Self.keys(scratch, "k")
        let snapshotStyle = try DetachedSignature.sign(sha256: ReportSignature.sha256(report: report), magic: "presetscan-registry-signature 1", with: key)
        try Data(snapshotStyle.text.utf8).write(to: URL(fileURLWithPath: ReportSignature.path(for: report)))
        guard case .malformed = try ReportSignature.verify(report: report, key: publicKey).failure else {
            Issue.record("a registry signature must not verify a report")
            return
        }
    }

    @Test func nothingToCheckIsAnError() throws {
        let scratch = try EvidenceScratch()
        let report = try scratch.write("report.json", "{}\n")
        let (_, publicKey) = try Self.keys(scratch, "k")
        #expect(throws: ReportSignature.Failure.signatureMissing(report: report, signature: report + ".sig")) {
            try ReportSignature.verify(report: report, key: publicKey)
        }
        #expect {
            try ReportSignature.verify(report: scratch.path("missing.json"), key: publicKey)
        } throws: { error in
            if case .reportUnreadable = error as? ReportSignature.Failure { true } else { false }
        }
    }
}
