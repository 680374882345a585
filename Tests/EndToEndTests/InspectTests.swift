import Foundation
import Testing

/// `presetscan inspect` on the sample APKs, compared with what aapt and apksigner said of them
/// (`Samples/apk/expected.jsonl`, written by `Samples/make-samples.sh`).
struct InspectTests {
    struct Expected: Decodable {
        struct Aapt: Decodable {
            var ok: Bool
            var package: String?
            var versionCode: String?
            var versionName: String?
            var label: String?
            var labelZhCN: String?
            var labelZhTW: String?
            var permissions: [String]?
        }
        struct Cert: Decodable { var sha256: String; var sha1: String; var md5: String }
        struct Apksigner: Decodable { var ok: Bool; var certs: [Cert]? }
        var path: String
        var aapt: Aapt
        var apksigner: Apksigner
    }

    static let expected: [Expected] = {
        let url = CLI.samples.appendingPathComponent("apk/expected.jsonl")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Expected.self, from: Data($0.utf8)) }
    }()

    static func inspectJSON(_ files: [String]) throws -> (CLI.Result, [[String: Any]]) {
        let result = try CLI.run(["inspect", "--format", "json"] + files)
        let records = result.json as? [[String: Any]] ?? []
        return (result, records)
    }

    @Test func samplesAgreeWithAaptAndApksigner() throws {
        #expect(Self.expected.count >= 7)
        for e in Self.expected {
            let (_, records) = try Self.inspectJSON([CLI.sample(URL(fileURLWithPath: e.path).lastPathComponent)])
            let r = try #require(records.first, "\(e.path): no record")
            if e.aapt.ok {
                #expect(r["package"] as? String == e.aapt.package, "\(e.path)")
                #expect((r["versionCode"] as? Int).map(String.init) == e.aapt.versionCode, "\(e.path)")
                #expect(r["versionName"] as? String == e.aapt.versionName, "\(e.path)")
                #expect(r["label"] as? String == e.aapt.label, "\(e.path)")
                let labels = r["labels"] as? [String: String] ?? [:]
                #expect(labels["zh-CN"] == e.aapt.labelZhCN, "\(e.path)")
                #expect(labels["zh-TW"] == e.aapt.labelZhTW, "\(e.path)")
                #expect(Set(r["permissions"] as? [String] ?? []) == Set(e.aapt.permissions ?? []), "\(e.path)")
            }
            if e.apksigner.ok, let certs = e.apksigner.certs {
                let signers = r["signers"] as? [[String: Any]] ?? []
                #expect(Set(signers.compactMap { $0["sha256"] as? String }) == Set(certs.map(\.sha256)), "\(e.path)")
                #expect(Set(signers.compactMap { $0["md5"] as? String }) == Set(certs.map(\.md5)), "\(e.path)")
            }
        }
    }

    @Test func jsonHasEveryContractKey() throws {
        let (result, records) = try Self.inspectJSON([CLI.sample("hello.apk")])
        #expect(result.status == 0)
        let r = try #require(records.first)
        for key in ["location", "kind", "package", "versionCode", "versionName", "minSdk", "targetSdk", "label", "labels",
                    "permissions", "usesInternet", "metaData", "signatureSchemes", "signers", "verified", "warnings", "errors"] {
            #expect(r.keys.contains(key), "missing \(key)")
        }
        #expect(r["kind"] as? String == "apk")
        #expect(r["verified"] as? Bool == true, "issue 12: APK signatures are verified")
        #expect(r["usesInternet"] as? Bool == true)
        #expect(r["signatureSchemes"] as? [String] == ["v1", "v2", "v3"])
        let signer = try #require((r["signers"] as? [[String: Any]])?.first)
        for key in ["scheme", "subject", "md5", "sha1", "sha256", "publicKeyAlgorithm", "publicKeyBits", "publicKeySha256",
                    "rsaModulusHex", "rsaModulusDecimal", "minSdk", "maxSdk"] {
            #expect(signer.keys.contains(key), "signer lacks \(key)")
        }
        let meta = r["metaData"] as? [[String: Any]] ?? []
        #expect(meta.contains { $0["name"] as? String == "icp_number" && $0["value"] as? String == "京ICP备2023012345号-1A" })
    }

    @Test func offlineAppDoesNotUseTheInternet() throws {
        let (_, records) = try Self.inspectJSON([CLI.sample("offline.apk")])
        #expect(records.first?["usesInternet"] as? Bool == false)
        #expect(records.first?["signatureSchemes"] as? [String] == ["v2"])
    }

    @Test(arguments: ["truncated.apk", "not-an-apk.apk"])
    func unreadableFilesGiveErrorsAndExit2(_ name: String) throws {
        let (result, records) = try Self.inspectJSON([CLI.sample(name)])
        #expect(result.status == 2)
        let errors = records.first?["errors"] as? [[String: Any]] ?? []
        #expect(!errors.isEmpty)
    }

    @Test func oneBadFileAmongGoodOnesExits3() throws {
        let (result, records) = try Self.inspectJSON([CLI.sample("hello.apk"), CLI.sample("not-an-apk.apk")])
        #expect(result.status == 3)
        #expect(records.count == 2)
        #expect(records.first?["package"] as? String == "cn.example.hello")
    }

    @Test func tricksAreReportedAsWarnings() throws {
        let (_, dup) = try Self.inspectJSON([CLI.sample("duplicate-entry.apk")])
        let dupCodes = (dup.first?["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(dupCodes.contains("zip.duplicate-entry"))
        let (_, pre) = try Self.inspectJSON([CLI.sample("cd-mismatch.apk")])
        let preCodes = (pre.first?["warnings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(preCodes.contains("zip.prepended-data"))
        #expect(pre.first?["package"] as? String == "cn.example.hello")
    }

    @Test func tableOutputNamesTheSigner() throws {
        let result = try CLI.run(["inspect", CLI.sample("hello.apk")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("cn.example.hello"))
        #expect(result.stdout.contains("label zh-CN"))
        #expect(result.stdout.contains("signer v3"))
    }

    @Test func missingPathExits2() throws {
        let result = try CLI.run(["inspect", "/nonexistent/file.apk"])
        #expect(result.status == 2)
    }

    @Test func unsignedAppHasNoSchemes() throws {
        let (result, records) = try Self.inspectJSON([CLI.sample("unsigned.apk")])
        #expect(result.status == 0)
        #expect((records.first?["signatureSchemes"] as? [String])?.isEmpty == true)
    }
}
