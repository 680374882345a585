import Foundation
import Testing

/// `presetscan scan` run as users run it: every verdict, every rule, every exit code (SPEC §4, §5).
@Suite(.serialized) struct ScanTests {
    static let registry = "Samples/registry/filings.csv"
    static let policy = "Samples/policy/policy.yaml"
    static let today = ["--today", "2026-11-29"]

    /// A scratch folder for records, policies and reports, removed at the end of each test.
    final class Scratch {
        let url: URL
        init() throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("presetscan-scan-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(at: url) }
        func write(_ name: String, _ text: String) throws -> String {
            let path = url.appendingPathComponent(name).path
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    }

    struct Scan {
        var status: Int32
        var stderr: String
        var report: [String: Any]
        var apps: [[String: Any]] { report["apps"] as? [[String: Any]] ?? [] }
        var runFindings: [[String: Any]] { report["findings"] as? [[String: Any]] ?? [] }
        func app(_ file: String) -> [String: Any]? { apps.first { ($0["location"] as? String)?.hasSuffix(file) == true } }
        func verdict(_ file: String) -> String? { app(file)?["verdict"] as? String }
        func rules(_ file: String) -> [String] { (app(file)?["findings"] as? [[String: Any]] ?? []).compactMap { $0["ruleId"] as? String } }
        var allRules: Set<String> {
            Set((apps.flatMap { $0["findings"] as? [[String: Any]] ?? [] } + runFindings).compactMap { $0["ruleId"] as? String })
        }
    }

    func scan(_ arguments: [String], registry: String? = ScanTests.registry) throws -> Scan {
        var args = ["scan"] + arguments + ScanTests.today + ["--format", "json", "--no-progress"]
        if let registry { args += ["--registry", registry] }
        let result = try CLI.run(args)
        let report = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return Scan(status: result.status, stderr: result.stderr, report: report)
    }

    static let apps = ["hello.apk", "offline.apk", "unsigned.apk", "filing.apk"].map(CLI.sample)

    @Test func verdictsAndRulesOnTheSampleApps() throws {
        let s = try scan(Self.apps)
        #expect(s.status == 1)
        #expect(s.verdict("hello.apk") == "filed")
        // hello.apk shows its filing number with no link to the filing system (PS014, a warning).
        #expect(s.rules("hello.apk") == ["PS014"])
        #expect(s.verdict("offline.apk") == "certificate-mismatch")
        #expect(s.rules("offline.apk") == ["PS002"])
        #expect(s.verdict("unsigned.apk") == "unfiled")
        #expect(s.rules("unsigned.apk") == ["PS001", "PS008"])
        #expect(s.verdict("filing.apk") == "unfiled")
        #expect(Set(s.rules("filing.apk")) == ["PS001", "PS005", "PS006"])
        // The sample registry's data date is 2026-10-12: 48 days before --today.
        #expect(s.runFindings.compactMap { $0["ruleId"] as? String } == ["PS007"])
        let registry = try #require(s.report["registry"] as? [String: Any])
        #expect(registry["builtAt"] as? String == "2026-10-12")
        #expect(registry["recordCount"] as? Int == 7)
        #expect((registry["sha256"] as? String)?.count == 64)
        #expect(registry["signature"] as? String == "unchecked")
        #expect((s.report["summary"] as? [String: Any])?["result"] as? String == "fail")
        #expect(s.app("hello.apk")?["registryMatch"] as? [String: Any] != nil)
    }

    @Test func exitZeroWhenEverythingIsFiled() throws {
        let s = try scan([CLI.sample("hello.apk")])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stderr.contains("48 days old"))  // PS007 is a warning, on stderr too
    }

    @Test func filingNotActiveAndDisplayedNumberMismatch() throws {
        let scratch = try Scratch()
        let csv = try scratch.write("records.csv", """
            filing_number,app_name,sponsor,identifier,cert_md5,status,approved_on
            沪ICP备2022000001号-3A,Hello,Sponsor,cn.example.hello,e038d815edfc62a02b38aec2db7b6f02,cancelled,2026-11-20

            """)
        let s = try scan([CLI.sample("hello.apk")], registry: csv)
        #expect(s.status == 1)
        #expect(s.verdict("hello.apk") == "filing-not-active")
        // hello.apk displays 京ICP备2023012345号-1A: not the number filed for it, and not in this registry.
        #expect(s.rules("hello.apk") == ["PS003", "PS004", "PS006", "PS014"])
        #expect(!s.allRules.contains("PS007"))
    }

    @Test func exemptionsWaiversAndExpiredWaivers() throws {
        let scratch = try Scratch()
        let policy = try scratch.write("policy.yaml", """
            version: 1
            exemptWithoutInternet: true
            exemptions:
              - identifier: "cn.example.fil*"
                reason: "demo"
            waivers:
              - identifier: cn.example.unsigned
                reason: "filing in progress"
                owner: qa@example.com
                expires: 2099-12-31
              - identifier: cn.example.gone
                reason: "old"
                owner: qa@example.com
                expires: 2026-11-28

            """)
        let s = try scan(Self.apps + ["--policy", policy])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.verdict("offline.apk") == "exempt")  // requests no network permission
        #expect(s.verdict("filing.apk") == "exempt")
        #expect(s.verdict("unsigned.apk") == "waived")
        let suppressed = (s.app("unsigned.apk")?["findings"] as? [[String: Any]] ?? []).compactMap {
            ($0["suppression"] as? [String: Any])?["kind"] as? String
        }
        #expect(suppressed == ["waiver", "waiver"])
        #expect(s.runFindings.compactMap { $0["ruleId"] as? String }.sorted() == ["PS007", "PS010"])
        #expect(s.allRules.isSuperset(of: ["PS001", "PS002", "PS005", "PS006", "PS008"]))  // still listed, suppressed
    }

    @Test func incompleteScansExitThree() throws {
        let s = try scan([CLI.sample("hello.apk"), CLI.sample("truncated.apk")])
        #expect(s.status == 3)
        #expect(s.allRules.contains("PS009"))
        #expect((s.report["summary"] as? [String: Any])?["result"] as? String == "incomplete")
        #expect(try scan([CLI.sample("hello.apk"), CLI.sample("truncated.apk"), "--allow-incomplete"]).status == 0)
        // A policy can make PS009 fail the build instead.
        let scratch = try Scratch()
        let policy = try scratch.write("p.yaml", "version: 1\nfailOn: [PS001, PS009]\n")
        #expect(try scan([CLI.sample("hello.apk"), CLI.sample("truncated.apk"), "--policy", policy]).status == 1)
        // No app package at all.
        let empty = try scan([scratch.url.appendingPathComponent("p.yaml").path])
        #expect(empty.status == 3)
        #expect(empty.apps.isEmpty)
    }

    /// Issue 15: an input nothing recognises is not "read in full": PS009, exit 3, never PASS.
    @Test func unrecognisedInputIsIncompleteNotPass() throws {
        let scratch = try Scratch()
        let mystery = scratch.path("mystery.bin")
        var generator = SystemRandomNumberGenerator()
        try Data((0..<70_000).map { _ in UInt8.random(in: 0...255, using: &generator) }).write(to: URL(fileURLWithPath: mystery))
        let s = try scan([mystery, CLI.sample("hello.apk")])
        #expect(s.status == 3)
        let finding = s.runFindings.first { ($0["location"] as? String)?.hasSuffix("mystery.bin") == true }
        #expect(finding?["ruleId"] as? String == "PS009")
        #expect((finding?["evidence"] as? [String: Any])?["code"] as? String == "input.unrecognised")
    }

    /// A format known by magic but not read, nested in a tar, is PS009 at its nested location.
    @Test func unsupportedFormatInsideAnArchiveIsPS009() throws {
        let scratch = try Scratch()
        var ubi = Array("UBI#".utf8) + [UInt8](repeating: 0, count: 40_000)
        ubi[10] = 1
        try Data(ubi).write(to: URL(fileURLWithPath: scratch.path("system.ubi")))
        try FileManager.default.copyItem(atPath: CLI.sample("hello.apk"), toPath: scratch.path("hello.apk"))
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-C", scratch.url.path, "-cf", scratch.path("fw.tar"), "system.ubi", "hello.apk"]
        try tar.run()
        tar.waitUntilExit()
        let s = try scan([scratch.path("fw.tar")])
        #expect(s.status == 3)
        let finding = s.runFindings.first { ($0["location"] as? String)?.hasSuffix("fw.tar!/system.ubi") == true }
        #expect(finding?["ruleId"] as? String == "PS009", "\(s.runFindings)")
        #expect((finding?["message"] as? String)?.contains("UBI") == true)
    }

    @Test func commandsThatCannotRunExitTwo() throws {
        let scratch = try Scratch()
        #expect(try scan([CLI.sample("hello.apk")], registry: "/nonexistent/registry.db").status == 2)
        #expect(try scan(["/nonexistent/firmware.img"]).status == 2)
        #expect(try scan([CLI.sample("hello.apk"), "--max-registry-age", "30"]).status == 2)
        let bad = try scratch.write("bad.yaml", "version: 1\nfailon: [PS001]\n")
        let result = try CLI.run(["scan", CLI.sample("hello.apk"), "--registry", Self.registry, "--policy", bad])
        #expect(result.status == 2)
        #expect(result.stderr.contains("bad.yaml:2:"), "\(result.stderr)")
        #expect(try CLI.run(["scan", CLI.sample("hello.apk")]).status == 2)  // --registry missing
        #expect(try CLI.run(["scan", CLI.sample("hello.apk"), "--registry", Self.registry, "--report", "pdf=x"]).status == 2)
        let notReport = try scratch.write("baseline.json", "{}")
        #expect(try scan([CLI.sample("hello.apk"), "--baseline", notReport]).status == 2)
    }

    @Test func signedRegistry() throws {
        let scratch = try Scratch()
        let db = scratch.path("registry.db")
        let build = try CLI.run(["registry", "build", Self.registry, "--out", db, "--built-at", "2026-11-20"])
        #expect(build.status == 0, "\(build.stderr)")
        let key = "Samples/registry/sample-registry.pub.pem"
        // Not signed yet: refused.
        let unsigned = try CLI.run(["scan", CLI.sample("hello.apk"), "--registry", db, "--registry-key", key] + Self.today)
        #expect(unsigned.status == 2)
        #expect(unsigned.stderr.contains("no signature"), "\(unsigned.stderr)")
        #expect(try CLI.run(["registry", "sign", db, "--key", "Samples/registry/sample-registry.key.pem"]).status == 0)
        let signed = try scan([CLI.sample("hello.apk"), "--registry-key", key], registry: db)
        #expect(signed.status == 0, "\(signed.stderr)")
        #expect((signed.report["registry"] as? [String: Any])?["signature"] as? String == "valid")
        // Tampered: one byte flipped.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: db))
        try handle.seek(toOffset: 200)
        let byte = try handle.read(upToCount: 1)?.first ?? 0
        try handle.seek(toOffset: 200)
        try handle.write(contentsOf: Data([byte ^ 0xff]))
        try handle.close()
        let tampered = try CLI.run(["scan", CLI.sample("hello.apk"), "--registry", db, "--registry-key", key] + Self.today)
        #expect(tampered.status == 2)
        #expect(tampered.stderr.contains("does not verify"), "\(tampered.stderr)")
    }

    @Test func baselineFailsOnlyOnNewFindings() throws {
        let scratch = try Scratch()
        let previous = scratch.path("previous.json")
        let first = try CLI.run(["scan", CLI.sample("hello.apk"), CLI.sample("unsigned.apk"), "--registry", Self.registry,
                                 "--report", "json=\(previous)", "--no-progress"] + Self.today)
        #expect(first.status == 1)
        let same = try scan([CLI.sample("hello.apk"), CLI.sample("unsigned.apk"), "--baseline", previous])
        #expect(same.status == 0, "\(same.stderr)")
        let kinds = (same.app("unsigned.apk")?["findings"] as? [[String: Any]] ?? []).compactMap {
            ($0["suppression"] as? [String: Any])?["kind"] as? String
        }
        #expect(kinds == ["baseline", "baseline"])
        // A new unfiled app fails; the known one stays known.
        let grown = try scan([CLI.sample("hello.apk"), CLI.sample("unsigned.apk"), CLI.sample("filing.apk"), "--baseline", previous])
        #expect(grown.status == 1)
        let failing = grown.apps.flatMap { $0["findings"] as? [[String: Any]] ?? [] }.filter { $0["fails"] as? Bool == true }
        #expect(failing.compactMap { $0["location"] as? String } == ["Samples/apk/filing.apk"])
    }

    @Test func severalReportsAtOnceAndTheTable() throws {
        let scratch = try Scratch()
        let json = scratch.path("r.json"), table = scratch.path("r.txt")
        let result = try CLI.run(["scan", CLI.sample("hello.apk"), CLI.sample("offline.apk"), "--registry", Self.registry,
                                  "--output", table, "--report", "json=\(json)", "--color", "never"] + Self.today)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let text = try String(contentsOfFile: table, encoding: .utf8)
        #expect(text.contains("CERTIFICATE-MISMATCH (1)"))
        #expect(text.contains("FILED (1)"))
        #expect(text.contains("FAIL: 1 finding fails the build"))
        #expect(!text.contains("\u{1B}["))
        let coloured = try CLI.run(["scan", CLI.sample("hello.apk"), "--registry", Self.registry, "--color", "always"] + Self.today)
        #expect(coloured.stdout.contains("\u{1B}[32m"))
        #expect(FileManager.default.fileExists(atPath: json))
    }

    /// The registry given as a snapshot and as records gives the same verdicts; firmware is scanned in place.
    @Test func firmwareAgainstASnapshot() throws {
        let scratch = try Scratch()
        let db = scratch.path("registry.db")
        #expect(try CLI.run(["registry", "build", Self.registry, "--out", db]).status == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [CLI.samples.appendingPathComponent("make-firmware.sh").path, scratch.path("fw")]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "Samples/make-firmware.sh failed")
        let s = try scan([scratch.path("fw/system.simg"), "--policy", Self.policy], registry: db)
        #expect(s.status == 1)
        let hello = s.apps.first { ($0["location"] as? String)?.hasSuffix("system.simg!/system/app/Hello/Hello.apk") == true }
        #expect(hello?["verdict"] as? String == "filed")
        #expect(s.verdict("Offline/Offline.apk") == "certificate-mismatch")
        #expect(s.verdict("Unsigned/Unsigned.apk") == "waived")
        #expect(s.apps.count >= 8)
    }
}
