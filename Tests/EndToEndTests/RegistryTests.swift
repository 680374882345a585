import Foundation
import Testing

/// `presetscan registry ...` through the built binary, on the sample records in `Samples/registry`.
@Suite struct RegistryTests {
    /// A scratch folder for snapshots, removed afterwards.
    final class Work {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("presetscan-registry-e2e-\(UUID().uuidString)")
        init() { try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: url) }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
        var contents: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }
    }

    static let csv = "Samples/registry/filings.csv"
    static let jsonl = "Samples/registry/filings.jsonl"
    static let privateKey = "Samples/registry/sample-registry.key.pem"
    static let publicKey = "Samples/registry/sample-registry.pub.pem"

    static func build(_ work: Work, _ records: String = csv, name: String = "s.sqlite") throws -> String {
        let out = work.path(name)
        let result = try CLI.run(["registry", "build", records, "--out", out, "--source", "sample"])
        #expect(result.status == 0, "\(result.stderr)")
        return out
    }

    @Test func buildFromChineseCSVAndLookUpEachKey() throws {
        let work = Work()
        let snapshot = try Self.build(work)
        let result = try CLI.run([
            "registry", "lookup", snapshot, "cn.example.hello", "E0:38:D8:15:ED:FC:62:A0:2B:38:AE:C2:DB:7B:6F:02",
            "粤ICP备2024054321号-2A", "cn.example.unsigned", "--format", "json",
        ])
        #expect(result.status == 1, "one query matches nothing")
        let queries = try #require((result.json as? [String: Any])?["queries"] as? [[String: Any]])
        #expect(queries.map { $0["kind"] as? String } == ["identifier", "certMD5", "filingNumber", "identifier"])
        let hello = try #require((queries[0]["matches"] as? [[String: Any]])?.first)
        #expect(hello["filingNumber"] as? String == "京ICP备2023012345号-1A")
        #expect(hello["appName"] as? String == "Hello, 你好")
        let identifiers = hello["identifiers"] as? [[String: Any]] ?? []
        #expect(identifiers.compactMap { $0["platform"] as? String } == ["android", "ios"])
        #expect((identifiers.first?["certMD5s"] as? [String]) == ["e038d815edfc62a02b38aec2db7b6f02"])
        #expect((queries[1]["matches"] as? [[String: Any]])?.count == 1)
        let offline = try #require((queries[2]["matches"] as? [[String: Any]])?.first)
        #expect((offline["identifiers"] as? [[String: Any]])?.first?["identifier"] as? String == "cn.example.offline")
        #expect((queries[3]["matches"] as? [[String: Any]])?.isEmpty == true)
        let found = try CLI.run(["registry", "lookup", snapshot, "cn.example.offline", "--platform", "android"])
        #expect(found.status == 0)
        #expect(found.stdout.contains("粤ICP备2024054321号-2A"))
    }

    /// SPEC §3: the fingerprint's length says its algorithm, in `cert_md5` (an iOS SHA-1) as in its own column.
    @Test func fingerprintsOfEveryLength() throws {
        let work = Work()
        let snapshot = try Self.build(work)
        let sha256 = "33:DE:88:B4:72:44:16:0D:DF:2E:66:3C:40:E9:AD:DD:E4:41:6D:D2:D2:7D:69:D2:FA:28:63:F0:C1:05:06:32"
        let result = try CLI.run(["registry", "lookup", snapshot, sha256, "d6e4fd561e5287ea299ac1b24f2c3189aea66bba", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let queries = try #require((result.json as? [String: Any])?["queries"] as? [[String: Any]])
        #expect(queries.map { $0["kind"] as? String } == ["certSHA256", "certSHA1"])
        let bySHA256 = (queries[0]["matches"] as? [[String: Any]] ?? []).flatMap { $0["identifiers"] as? [[String: Any]] ?? [] }
        #expect(bySHA256.compactMap { $0["platform"] as? String } == ["harmony", "quickapp"])
        #expect(bySHA256.first?["certSHA256s"] as? [String] == [sha256.replacingOccurrences(of: ":", with: "").lowercased()])
        let bySHA1 = (queries[1]["matches"] as? [[String: Any]] ?? []).flatMap { $0["identifiers"] as? [[String: Any]] ?? [] }
        #expect(bySHA1.first?["identifier"] as? String == "cn.example.ios.hello")
        #expect(bySHA1.first?["certSHA1s"] as? [String] == ["d6e4fd561e5287ea299ac1b24f2c3189aea66bba"])
        #expect(bySHA1.first?["certMD5s"] as? [String] == [])
        // Any other length in cert_md5 is a bad row.
        let records = work.path("bad.csv")
        try "filing_number,app_name,sponsor,identifier,cert_md5\n京ICP备2023012345号-1A,A,S,cn.x,abcdef\n"
            .write(toFile: records, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["registry", "build", records, "--out", work.path("bad.sqlite")])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.csv:2: cert_md5 \"abcdef\" has 6 hex digits"), "\(bad.stderr)")
    }

    @Test func infoJSONNamesTheSnapshot() throws {
        let work = Work()
        let snapshot = try Self.build(work, Self.jsonl)
        let result = try CLI.run(["registry", "info", snapshot, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let info = try #require(result.json as? [String: Any])
        for key in ["path", "sha256", "schemaVersion", "builtAt", "ageDays", "stale", "source", "recordCount",
                    "contentDigest", "filings", "identifiers", "certificates", "countsByPlatform", "countsByStatus",
                    "countsByFingerprint", "signature", "signatureDetail"] {
            #expect(info.keys.contains(key), "info lacks \(key)")
        }
        #expect(info["path"] as? String == snapshot)
        #expect((info["sha256"] as? String)?.count == 64)
        #expect(info["builtAt"] as? String == "2026-11-20")
        #expect(info["source"] as? String == "sample")
        #expect(info["recordCount"] as? Int == 9)
        #expect(info["schemaVersion"] as? Int == 2)
        #expect(info["signature"] as? String == "unchecked")
        #expect((info["countsByStatus"] as? [String: Int]) == ["active": 6, "cancelled": 1, "revoked": 1])
        #expect((info["countsByPlatform"] as? [String: Int]) == ["android": 4, "harmony": 1, "ios": 2, "miniprogram": 1, "quickapp": 1])
        #expect((info["countsByFingerprint"] as? [String: Int]) == ["md5": 2, "sha1": 1, "sha256": 2])
    }

    @Test func signVerifyAndTamper() throws {
        let work = Work()
        let snapshot = try Self.build(work)
        let missing = try CLI.run(["registry", "verify", snapshot, "--key", Self.publicKey])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no signature"))
        let signed = try CLI.run(["registry", "sign", snapshot, "--key", Self.privateKey])
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect(FileManager.default.fileExists(atPath: snapshot + ".sig"))
        let ok = try CLI.run(["registry", "verify", snapshot, "--key", Self.publicKey])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("valid"))
        let info = try CLI.run(["registry", "info", snapshot, "--key", Self.publicKey, "--format", "json"])
        #expect((info.json as? [String: Any])?["signature"] as? String == "valid")

        // Another key: named as such.
        let keygen = try CLI.run(["registry", "keygen", "--out", work.path("other")])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let wrong = try CLI.run(["registry", "verify", snapshot, "--key", work.path("other.pub.pem")])
        #expect(wrong.status == 2)
        #expect(wrong.stderr.contains("not by the given key"))

        // One flipped byte: the file changed after signing.
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: snapshot)))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: snapshot))
        let tampered = try CLI.run(["registry", "verify", snapshot, "--key", Self.publicKey])
        #expect(tampered.status == 2)
        #expect(tampered.stderr.contains("changed after signing"))
        let lookup = try CLI.run(["registry", "lookup", snapshot, "cn.example.hello", "--key", Self.publicKey])
        #expect(lookup.status == 2)
    }

    @Test func signatureInteroperatesWithOpenSSL() throws {
        let work = Work()
        let snapshot = try Self.build(work)
        #expect(try CLI.run(["registry", "sign", snapshot, "--key", Self.privateKey]).status == 0)
        let text = try String(contentsOfFile: snapshot + ".sig", encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("signature ") })
        let signature = try #require(Data(base64Encoded: String(line.dropFirst("signature ".count))))
        try signature.write(to: URL(fileURLWithPath: work.path("raw.sig")))
        let script = """
            openssl dgst -sha256 -binary '\(snapshot)' > '\(work.path("digest.bin"))' && \
            openssl pkeyutl -verify -pubin -inkey '\(Self.publicKey)' -rawin -in '\(work.path("digest.bin"))' \
            -sigfile '\(work.path("raw.sig"))'
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = CLI.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "openssl pkeyutl must accept the signature")
    }

    @Test func badRowsFailTheBuildAndWriteNothing() throws {
        let work = Work()
        let records = work.path("bad.csv")
        try """
            服务备案号,APP名称,主办单位名称,包名
            京ICP备2023012345号-1A,Hello,示例,cn.example.hello
            京ICP备2023012345号,Website,示例,cn.example.website
            京ICP证030173号,Licence,示例,cn.example.licence

            """.write(toFile: records, atomically: true, encoding: .utf8)
        let failed = try CLI.run(["registry", "build", records, "--out", work.path("s.sqlite")])
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("bad.csv:3:"))
        #expect(failed.stderr.contains("bad.csv:4:"))
        #expect(work.contents == ["bad.csv"])
        let skipped = try CLI.run(["registry", "build", records, "--out", work.path("s.sqlite"), "--skip-bad-rows"])
        #expect(skipped.status == 0)
        #expect(skipped.stderr.contains("skipped"))
        #expect(work.contents == ["bad.csv", "s.sqlite"])
    }

    @Test func corruptAndForeignFilesAreRefused() throws {
        let work = Work()
        let notSQLite = try CLI.run(["registry", "info", Self.csv])
        #expect(notSQLite.status == 2)
        #expect(notSQLite.stderr.contains("not an SQLite database"))
        let snapshot = try Self.build(work)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: snapshot))
        try bytes.prefix(bytes.count - 1000).write(to: URL(fileURLWithPath: snapshot))
        let truncated = try CLI.run(["registry", "lookup", snapshot, "cn.example.hello"])
        #expect(truncated.status == 2)
        #expect(truncated.stderr.contains("corrupt"))
        let missing = try CLI.run(["registry", "info", work.path("none.sqlite")])
        #expect(missing.status == 2)
    }

    @Test func badArgumentsExit2() throws {
        let work = Work()
        let result = try CLI.run(["registry", "build", Self.csv, "--out", work.path("s.sqlite"), "--built-at", "yesterday"])
        #expect(result.status == 2)
        #expect(work.contents.isEmpty)
    }

    @Test func diffOfTheTwoSampleExports() throws {
        let work = Work()
        let old = try Self.build(work, Self.csv, name: "old.sqlite")
        let new = try Self.build(work, Self.jsonl, name: "new.sqlite")
        let result = try CLI.run(["registry", "diff", old, new, "--format", "json"])
        #expect(result.status == 1)
        let diff = try #require(result.json as? [String: Any])
        let added = (diff["added"] as? [[String: Any]] ?? []).compactMap { $0["filingNumber"] as? String }
        #expect(added == ["浙ICP备2021000002号-1A", "苏ICP备2026036865号-1X"])
        let status = diff["statusChanged"] as? [[String: Any]] ?? []
        #expect(status.map { "\($0["from"] ?? "")->\($0["to"] ?? "")" } == ["cancelled->revoked"])
        let same = try CLI.run(["registry", "diff", old, old])
        #expect(same.status == 0)
        #expect(same.stdout.contains("no changes"))
    }
}
