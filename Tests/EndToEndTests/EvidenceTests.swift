import Foundation
import Testing

/// Evidence that holds (issue 14): `scan --hash-inputs` on the sample firmware and a folder, every
/// format carrying the hashes that `sha256sum` computes, read by the formats' real consumers; and
/// `report sign` / `report verify` on what a regulator would file.
@Suite(.serialized) struct EvidenceTests {
    typealias Consumers = ReportConsumersTests

    static let files: [String: String] = [
        "json": "scan.json", "sarif": "scan.sarif", "junit": "scan.junit.xml", "csv": "scan.csv", "html": "scan.html",
        "cyclonedx": "scan.cdx.json",
    ]

    struct Fixture {
        var dir: URL
        var firmware: String
        var folder: String
        var status: Int32
        var stderr: String
        func report(_ format: String) -> URL { dir.appendingPathComponent(format == "table" ? "scan.table" : EvidenceTests.files[format]!) }
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Samples/make-firmware.sh's super.img and the Samples/rpk folder, scanned once per test process.
    static let fixture: Result<Fixture, Failure> = {
        guard let dir = CLI.makeFixtures("make-firmware.sh", prefix: "presetscan-evidence") else {
            return .failure(Failure(description: "Samples/make-firmware.sh failed"))
        }
        let firmware = dir.appendingPathComponent("super.img").path
        let folder = "Samples/rpk"
        var arguments = ["scan", firmware, folder, "--registry", "Samples/registry/filings.csv", "--hash-inputs", "--today", "2026-11-29",
                         "--no-progress", "--output", dir.appendingPathComponent("scan.table").path]
        for (format, file) in files.sorted(by: { $0.key < $1.key }) { arguments += ["--report", "\(format)=\(dir.appendingPathComponent(file).path)"] }
        do {
            let run = try CLI.run(arguments)
            return .success(Fixture(dir: dir, firmware: firmware, folder: folder, status: run.status, stderr: run.stderr))
        } catch {
            return .failure(Failure(description: "\(error)"))
        }
    }()

    /// `sha256sum`'s answer for a file, and for a folder the SHA-256 of its manifest built with
    /// find, sort, stat and sha256sum as the README tells a regulator to.
    static func shell(_ script: String, _ arguments: [String]) throws -> String {
        let run = try Consumers.tool("bash", ["-c", script, "bash"] + arguments, install: "apt-get install bash coreutils findutils")
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func sha256sum(_ path: String) throws -> String {
        try shell(#"sha256sum < "$1" | cut -d' ' -f1"#, [path])
    }

    static func manifestSHA256(_ folder: String) throws -> String {
        try shell(#"""
            cd "$1" && find . -type f -printf '%P\n' | LC_ALL=C sort | while IFS= read -r f; do
              printf '%s\t%s\t%s\n' "$f" "$(stat -c %s "$f")" "$(sha256sum < "$f" | cut -d' ' -f1)"
            done | sha256sum | cut -d' ' -f1
            """#, [CLI.root.appendingPathComponent(folder).path])
    }

    static func size(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    @Test func everyFormatCarriesTheInputHashes() throws {
        let fixture = try Self.fixture.get()
        #expect(fixture.status == 1, "exit \(fixture.status): \(fixture.stderr)")
        let firmwareSHA = try Self.sha256sum(fixture.firmware)
        let folderSHA = try Self.manifestSHA256(fixture.folder)
        #expect(firmwareSHA.count == 64 && folderSHA.count == 64)
        for format in Self.files.keys.sorted() + ["table"] {
            let text = try String(contentsOf: fixture.report(format), encoding: .utf8)
            #expect(text.contains(firmwareSHA), "\(format) lacks the firmware's SHA-256")
            #expect(text.contains("\(try Self.size(fixture.firmware))"), "\(format) lacks the firmware's size")
            // CSV rows name the input each app came from: the folder's apps carry its manifest hash.
            #expect(text.contains(folderSHA), "\(format) lacks the folder's manifest SHA-256")
        }
        let json = try Consumers.json(fixture.report("json"))
        let hashes = try #require(json["inputHashes"] as? [[String: Any]])
        #expect(hashes.map { $0["sha256"] as? String } == [firmwareSHA, folderSHA])
        #expect(hashes.map { $0["kind"] as? String } == ["file", "folder"])
        #expect(json["inputs"] as? [String] == [fixture.firmware, fixture.folder])
        let rpks = try FileManager.default.contentsOfDirectory(atPath: fixture.folder).count
        #expect(hashes[1]["files"] as? Int == rpks)
    }

    /// The new fields as the consumers read them: JSON Schema, the OASIS SARIF schema, CycloneDX 1.5
    /// strict, junitparser, Python's csv module.
    @Test func theConsumersReadThem() throws {
        let fixture = try Self.fixture.get()
        let firmwareSHA = try Self.sha256sum(fixture.firmware)
        let schema = try Consumers.python("""
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1], encoding="utf-8"))
            errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2], encoding="utf-8"))))
            for e in errors[:10]: print("/".join(map(str, e.absolute_path)), e.message[:200])
            sys.exit(1 if errors else 0)
            """, [Consumers.schema.path, fixture.report("json").path])
        #expect(schema.status == 0, "\(schema.stdout)\(schema.stderr)")
        let sarif = try Consumers.tool("sarif-kit", ["validate", fixture.report("sarif").path], install: "python3 -m pip install sarif-kit")
        #expect(sarif.status == 0, "\(sarif.stdout)\(sarif.stderr)")
        let cdx = try Consumers.python("""
            import json, sys
            from cyclonedx.schema import SchemaVersion
            from cyclonedx.validation.json import JsonStrictValidator
            text = open(sys.argv[1], encoding="utf-8").read()
            error = JsonStrictValidator(SchemaVersion.V1_5).validate_str(text)
            if error is not None:
                print("invalid:", error); sys.exit(1)
            print(json.loads(text)["metadata"]["component"]["components"][0]["hashes"][0]["content"])
            """, [fixture.report("cyclonedx").path])
        #expect(cdx.status == 0 && cdx.stdout.contains(firmwareSHA), "\(cdx.stdout)\(cdx.stderr)")
        let junit = try Consumers.python("""
            import sys
            from junitparser import JUnitXml
            for suite in JUnitXml.fromfile(sys.argv[1]):
                print({p.name: p.value for p in suite.properties()}["input.1.sha256"])
            """, [fixture.report("junit").path])
        #expect(junit.status == 0 && junit.stdout.split(separator: "\n") == [Substring(firmwareSHA), Substring(firmwareSHA)], "\(junit.stdout)\(junit.stderr)")
        let csv = try Consumers.python("""
            import csv, sys
            with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
                rows = list(csv.DictReader(f, strict=True))
            print(len(rows), len({r["input_sha256"] for r in rows}), all(r["location"] and r["verdict"] for r in rows))
            """, [fixture.report("csv").path])
        #expect(csv.status == 0 && csv.stdout.hasSuffix(" 2 True\n"), "\(csv.stdout)\(csv.stderr)")
    }

    // MARK: report sign / verify

    struct Keys {
        var dir: URL
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
    }

    /// Two key pairs made with `registry keygen`, and a copy of the JSON report to sign.
    static func keys() throws -> Keys {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("presetscan-evidence-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let keys = Keys(dir: dir)
        for name in ["a", "b"] { #expect(try CLI.run(["registry", "keygen", "--out", keys.path(name)]).status == 0) }
        try FileManager.default.copyItem(at: try fixture.get().report("json"), to: dir.appendingPathComponent("report.json"))
        return keys
    }

    @Test func anUntouchedReportVerifies() throws {
        let keys = try Self.keys()
        defer { try? FileManager.default.removeItem(at: keys.dir) }
        let sign = try CLI.run(["report", "sign", keys.path("report.json"), "--key", keys.path("a.key.pem")])
        #expect(sign.status == 0, "\(sign.stderr)")
        let signature = try String(contentsOfFile: keys.path("report.json.sig"), encoding: .utf8)
        #expect(signature.contains("sha256 \(try Self.sha256sum(keys.path("report.json")))\n"))
        let verify = try CLI.run(["report", "verify", keys.path("report.json"), "--key", keys.path("a.pub.pem")])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("verifies"))
        let chinese = try CLI.run(["report", "verify", keys.path("report.json"), "--key", keys.path("a.pub.pem"), "--lang", "zh-CN"])
        #expect(chinese.status == 0 && chinese.stdout.contains("签名校验通过"))
    }

    @Test func oneChangedByteDoesNotVerify() throws {
        let keys = try Self.keys()
        defer { try? FileManager.default.removeItem(at: keys.dir) }
        #expect(try CLI.run(["report", "sign", keys.path("report.json"), "--key", keys.path("a.key.pem")]).status == 0)
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: keys.path("report.json"))))
        bytes[bytes.count / 2] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: keys.path("report.json")))
        let verify = try CLI.run(["report", "verify", keys.path("report.json"), "--key", keys.path("a.pub.pem")])
        #expect(verify.status == 1, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stderr.contains("changed after signing"))
    }

    @Test func theWrongKeyDoesNotVerify() throws {
        let keys = try Self.keys()
        defer { try? FileManager.default.removeItem(at: keys.dir) }
        #expect(try CLI.run(["report", "sign", keys.path("report.json"), "--key", keys.path("a.key.pem")]).status == 0)
        let verify = try CLI.run(["report", "verify", keys.path("report.json"), "--key", keys.path("b.pub.pem")])
        #expect(verify.status == 1, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stderr.contains("not by the given key"))
    }

    @Test func withNothingToCheckItCannotRun() throws {
        let keys = try Self.keys()
        defer { try? FileManager.default.removeItem(at: keys.dir) }
        let unsigned = try CLI.run(["report", "verify", keys.path("report.json"), "--key", keys.path("a.pub.pem")])
        #expect(unsigned.status == 2, "\(unsigned.stdout)\(unsigned.stderr)")
        #expect(unsigned.stderr.contains("report.json.sig"))
        #expect(try CLI.run(["report", "sign", keys.path("report.json"), "--key", keys.path("a.key.pem")]).status == 0)
        #expect(try CLI.run(["report", "verify", keys.path("report.json"), "--key", keys.path("missing.pem")]).status == 2)
        #expect(try CLI.run(["report", "verify", keys.path("missing.json"), "--key", keys.path("a.pub.pem")]).status == 2)
        #expect(try CLI.run(["report", "sign", keys.path("missing.json"), "--key", keys.path("a.key.pem")]).status == 2)
        // A public key cannot sign.
        #expect(try CLI.run(["report", "sign", keys.path("report.json"), "--key", keys.path("a.pub.pem")]).status == 2)
    }
}
