import Foundation
import PresetScanCrypto
import Testing

@testable import PresetScanKit

/// One line of `Samples/groundtruth/androguard.jsonl`, written by `Samples/groundtruth.sh`
/// from `aapt dump badging` and `apksigner verify --print-certs -v`.
struct GroundTruth: Decodable {
    struct Aapt: Decodable {
        var ok: Bool
        var package: String?
        var versionCode: String?
        var versionName: String?
        var label: String?
        var labelZhCN: String?
    }
    struct Cert: Decodable, Hashable {
        var sha256: String
        var sha1: String
        var md5: String
    }
    struct Apksigner: Decodable {
        var ok: Bool
        var certs: [Cert]?
        /// Whether `apksigner verify` (default options) said "Verifies".
        var verifies: Bool
        /// Why not (see `Samples/groundtruth.sh`); nil when it verifies.
        var reasonClass: String?
    }
    var path: String
    var sha256: String
    var aapt: Aapt
    var apksigner: Apksigner
    /// apksigner again with `--min-sdk-version 28`, when the plain run printed no certificate
    /// (v2/v3-only vectors whose minSdk demands a v1 signature).
    var apksignerRetry: Apksigner?

    var certificates: [Cert]? {
        if apksigner.ok, let certs = apksigner.certs, !certs.isEmpty { return certs }
        if let retry = apksignerRetry, retry.ok, let certs = retry.certs, !certs.isEmpty { return certs }
        return nil
    }

    static func load() throws -> [GroundTruth] {
        let url = Paths.samples.appendingPathComponent("groundtruth/androguard.jsonl")
        let text = try String(contentsOf: url, encoding: .utf8)
        let decoder = JSONDecoder()
        return try text.split(separator: "\n").map { try decoder.decode(GroundTruth.self, from: Data($0.utf8)) }
    }
}

/// The certificates apksigner reports for an APK: the signers of the newest scheme present
/// (Debian's apksigner 31 predates v3.1, so it reports the v3 signer).
func reportedCertificates(_ record: AppRecord) -> Set<GroundTruth.Cert> {
    for scheme in ["v3", "v2", "v1"] {
        let signers = record.signers.filter { $0.scheme == scheme }
        if !signers.isEmpty { return Set(signers.map { GroundTruth.Cert(sha256: $0.sha256, sha1: $0.sha1, md5: $0.md5) }) }
    }
    return []
}

@Suite(.serialized) struct CorpusAgreementTests {
    static let truth: [GroundTruth] = (try? GroundTruth.load()) ?? []
    static let records: [String: AppRecord] = {
        let paths = truth.map { Paths.corpus.appendingPathComponent($0.path).path }
        let records = Inspector().inspect(paths: paths)
        return Dictionary(uniqueKeysWithValues: zip(truth.map(\.path), records))
    }()

    @Test func groundTruthCoversTheInstalledCorpus() throws {
        #expect(Self.truth.count == 332, "Samples/groundtruth/androguard.jsonl must list the androguard corpus")
        for t in Self.truth {
            let path = Paths.corpus.appendingPathComponent(t.path).path
            let source = try FileByteSource(path: path)
            #expect(try Digest.sha256(of: source).hexString == t.sha256, "\(t.path) changed: rerun `make groundtruth` (Samples/groundtruth.sh)")
        }
    }

    @Test func identityAgreesWithAapt() throws {
        var agree = 0, compared = 0
        for t in Self.truth where t.aapt.ok {
            compared += 1
            guard let r = Self.records[t.path] else { continue }
            let versionCode = r.versionCode.map { String($0) }
            let mismatches = [
                ("package", r.package, t.aapt.package),
                ("versionCode", versionCode, t.aapt.versionCode),
                ("versionName", r.versionName, t.aapt.versionName),
                ("label", r.label, t.aapt.label),
                ("zh-CN label", r.labels["zh-CN"], t.aapt.labelZhCN),
            ].filter { normalized($0.1) != normalized($0.2) }
            if mismatches.isEmpty { agree += 1 }
            for m in mismatches {
                Issue.record("\(t.path): \(m.0) is \(m.1 ?? "nil"), aapt says \(m.2 ?? "nil")")
            }
        }
        #expect(compared > 300)
        print("aapt agreement: \(agree)/\(compared)")
    }

    @Test func certificatesAgreeWithApksigner() throws {
        var agree = 0, compared = 0
        for t in Self.truth {
            guard let certs = t.certificates, let r = Self.records[t.path] else { continue }
            compared += 1
            let ours = reportedCertificates(r)
            if ours == Set(certs) { agree += 1 } else {
                Issue.record("\(t.path): certificates \(ours.map(\.sha256).sorted()) but apksigner says \(certs.map(\.sha256).sorted())")
            }
        }
        #expect(compared >= 250)
        print("apksigner agreement: \(agree)/\(compared)")
    }

    /// The reason class presetscan gives for an APK that does not verify.
    static func reasonClass(_ record: AppRecord) -> String? {
        record.verificationFailure?.reason.rawValue
    }

    /// Issue 12: the same verified / not verified as `apksigner verify` on every APK, and the same
    /// reason class when not. Two classes have no counterpart: "not-an-apk" (apksig throws; we
    /// only require that the APK is not verified) and "tool-unsupported" (Debian's JDK lacks
    /// RSA-PSS, so apksigner cannot check those vectors; we check them, and they still fail, for
    /// their missing v1 signature, so only the verdict is compared).
    @Test func verificationAgreesWithApksigner() throws {
        var agree = 0
        for t in Self.truth {
            guard let r = Self.records[t.path] else {
                Issue.record("\(t.path): no record")
                continue
            }
            let ours = r.verified == true
            guard ours == t.apksigner.verifies else {
                Issue.record("\(t.path): verified \(String(describing: r.verified)) (\(Self.reasonClass(r) ?? "-")), apksigner says \(t.apksigner.verifies) (\(t.apksigner.reasonClass ?? "-"))")
                continue
            }
            if let theirs = t.apksigner.reasonClass, !["not-an-apk", "tool-unsupported"].contains(theirs) {
                // An APK that claims no signature gets no warning: it is unsigned, apksigner's
                // "Missing META-INF/MANIFEST.MF" / "No JAR signatures".
                let mine = Self.reasonClass(r) ?? (r.signatureSchemes.isEmpty && r.signers.isEmpty ? "missing-signature" : nil)
                guard mine == theirs else {
                    Issue.record("\(t.path): reason \(mine ?? "nil"), apksigner's is \(theirs)")
                    continue
                }
            }
            agree += 1
        }
        #expect(Self.truth.count == 332)
        print("verification agreement with apksigner: \(agree)/\(Self.truth.count)")
    }

    @Test func everyCorpusFileGivesARecordWithoutTrapping() {
        #expect(Self.records.count == Self.truth.count)
        for (path, r) in Self.records where r.package == nil {
            #expect(!r.errors.isEmpty, "\(path): no package and no error said why")
        }
    }

    /// aapt prints an absent attribute as an empty string.
    private func normalized(_ s: String?) -> String { s ?? "" }
}
