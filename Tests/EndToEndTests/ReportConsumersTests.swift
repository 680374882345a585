import Foundation
import Testing

/// Every `scan` report format, written by the built binary with `--report FORMAT=FILE`, read by the
/// real tools that consume it: SARIF by sarif-tools (`sarif summary`, `sarif ls`) and the OASIS schema
/// that sarif-kit ships (`sarif-kit validate`), CycloneDX by cyclonedx-python-lib's strict 1.5 validator,
/// JUnit by junitparser, JSON by `jsonschema` against Samples/schema/scan-report.schema.json, CSV by
/// Python's `csv` module, HTML by headless Chromium. The golden reports of PresetScanReportTests, which
/// have every verdict, rule and suppression kind, go through the same consumers.
///
/// A missing consumer is a failure naming what to install (`make deps`), never a skip.
@Suite(.serialized) struct ReportConsumersTests {
    static let pipPackages = "sarif-tools sarif-kit cyclonedx-python-lib[json-validation] junitparser jsonschema"
    static let golden = CLI.root.appendingPathComponent("Tests/PresetScanReportTests/Golden")
    static let schema = CLI.root.appendingPathComponent("Samples/schema/scan-report.schema.json")

    static let files: [String: String] = [
        "json": "scan.json", "sarif": "scan.sarif", "junit": "scan.junit.xml", "csv": "scan.csv", "html": "scan.html",
        "cyclonedx": "scan.cdx.json", "table": "scan.table",
    ]

    /// One scan of Samples/apk with a policy that exempts, waives and has an expired waiver, so the
    /// reports carry suppressed findings too. Written once per test process into a temporary folder.
    static let scan = scan(language: "en")
    /// The same scan with `--lang zh-CN`: the consumers must read it unchanged (SPEC §8).
    static let scanChinese = scan(language: "zh-CN")

    static func scan(language: String) -> Result<(dir: URL, status: Int32, stderr: String), ScanFailure> {
        // Folders left by earlier runs whose process is gone are removed first.
        let tmp = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? [] where name.hasPrefix("presetscan-reports-") {
            if let pid = Int32(name.dropFirst("presetscan-reports-".count)), kill(pid, 0) != 0 {
                try? FileManager.default.removeItem(at: tmp.appendingPathComponent(name))
            }
        }
        let dir = tmp.appendingPathComponent("presetscan-reports-\(getpid())").appendingPathComponent(language)
        do {
            try? FileManager.default.removeItem(at: dir)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let policy = dir.appendingPathComponent("policy.yaml")
            try Data("""
                version: 1
                exemptions:
                  - identifier: "cn.example.unsigned"
                    reason: "test build component, no Internet information service"
                waivers:
                  - identifier: cn.example.offline
                    reason: "re-signing in progress, ticket 42"
                    owner: "qa@example.com"
                    expires: 2027-03-31
                  - identifier: cn.example.gone
                    reason: "old"
                    owner: "qa@example.com"
                    expires: 2026-01-31

                """.utf8).write(to: policy)
            var arguments = ["scan", CLI.samples.appendingPathComponent("apk").path, "--registry", "Samples/registry/filings.csv",
                             "--policy", policy.path, "--today", "2026-11-29", "--hash", "--no-progress", "--format", "table", "--lang", language,
                             "--output", dir.appendingPathComponent("scan.table").path]
            for (format, file) in files.sorted(by: { $0.key < $1.key }) where format != "table" {
                arguments += ["--report", "\(format)=\(dir.appendingPathComponent(file).path)"]
            }
            let result = try CLI.run(arguments)
            return .success((dir, result.status, result.stderr))
        } catch {
            return .failure(ScanFailure(description: "\(error)"))
        }
    }

    struct ScanFailure: Error, CustomStringConvertible { var description: String }

    static func output(_ format: String, chinese: Bool = false) throws -> URL {
        let scan = try (chinese ? Self.scanChinese : Self.scan).get()
        let file = scan.dir.appendingPathComponent(try #require(files[format]))
        #expect(FileManager.default.fileExists(atPath: file.path), "no \(format) report written: \(scan.stderr)")
        return file
    }

    /// The generated report and the golden one, for the consumers that read both.
    enum Source: String, CaseIterable, CustomTestStringConvertible {
        case scan, golden
        /// The scan's reports written with `--lang zh-CN`.
        case chinese
        var testDescription: String { rawValue }

        func file(_ format: String) throws -> URL {
            switch self {
            case .scan: try ReportConsumersTests.output(format)
            case .chinese: try ReportConsumersTests.output(format, chinese: true)
            case .golden: ReportConsumersTests.golden.appendingPathComponent(try #require(ReportConsumersTests.files[format]))
            }
        }
    }

    // MARK: Running the consumers

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a tool found on PATH; a tool that is not there fails the test with what to install.
    static func tool(_ name: String, _ arguments: [String], install: String) throws -> Run {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        let executable = try #require(path, "\(name) is not installed: \(install) (`make deps` does it)")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = CLI.root
        // stderr goes to a file so that neither stream can fill a pipe and block the tool.
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("presetscan-consumer-\(getpid())-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let err = try FileHandle(forWritingTo: errFile)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try? err.close()
        let errData = (try? Data(contentsOf: errFile)) ?? Data()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs a Python check; a missing module fails with the pip packages to install.
    static func python(_ script: String, _ arguments: [String]) throws -> Run {
        let run = try tool("python3", ["-c", script] + arguments, install: "apt-get install python3")
        if run.stderr.contains("ModuleNotFoundError") || run.stderr.contains("MissingOptionalDependency") {
            Issue.record("a Python consumer is missing: python3 -m pip install \(pipPackages) (`make deps` does it)\n\(run.stderr)")
        }
        return run
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    // MARK: Tests

    @Test func scanWritesEveryFormat() throws {
        let scan = try Self.scan.get()
        // Samples/apk has unfiled apps: exit 1, and every report is written before that.
        #expect(scan.status == 1, "exit \(scan.status): \(scan.stderr)")
        for format in Self.files.keys.sorted() {
            let file = try Self.output(format)
            let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            #expect(size > 100, "\(format) report is \(size) bytes")
        }
        let report = try Self.json(try Self.output("json"))
        let verdicts = Set((report["apps"] as? [[String: Any]] ?? []).compactMap { $0["verdict"] as? String })
        #expect(verdicts.isSuperset(of: ["filed", "unfiled", "exempt", "waived"]), "\(verdicts)")
    }

    @Test(arguments: Source.allCases)
    func jsonValidatesAgainstTheSchema(_ source: Source) throws {
        let run = try Self.python("""
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1], encoding="utf-8"))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
            errors = sorted(validator.iter_errors(json.load(open(sys.argv[2], encoding="utf-8"))), key=lambda e: list(e.absolute_path))
            for e in errors[:20]:
                print("/".join(map(str, e.absolute_path)) or "<root>", ":", e.message[:300])
            sys.exit(1 if errors else 0)
            """, [Self.schema.path, try source.file("json").path])
        #expect(run.status == 0, "scan.json (\(source)) does not validate:\n\(run.stdout)\(run.stderr)")
    }

    @Test func schemaRejectsWhatItShould() throws {
        // A schema that accepts anything would pass the test above: check that it bites.
        let run = try Self.python("""
            import copy, json, sys, jsonschema
            schema = json.load(open(sys.argv[1], encoding="utf-8"))
            good = json.load(open(sys.argv[2], encoding="utf-8"))
            v = jsonschema.Draft202012Validator(schema)
            assert v.is_valid(good), "golden report is invalid"
            bad = []
            d = copy.deepcopy(good); d["apps"][0]["verdict"] = "approved"; bad.append(("unknown verdict", d))
            d = copy.deepcopy(good); d["findings"][0]["ruleId"] = "PS015"; bad.append(("unknown rule", d))
            d = copy.deepcopy(good); d["findings"][0]["severity"] = "info"; bad.append(("unknown severity", d))
            d = copy.deepcopy(good); d["findings"][0]["rule"] = "unfiled-app"; bad.append(("rule name of another id", d))
            d = copy.deepcopy(good); del d["registry"]["sha256"]; bad.append(("registry without sha256", d))
            d = copy.deepcopy(good); d["summary"]["result"] = "ok"; bad.append(("unknown result", d))
            d = copy.deepcopy(good); del d["apps"][1]["findings"]; bad.append(("app without findings", d))
            d = copy.deepcopy(good); d["extra"] = 1; bad.append(("unknown top-level key", d))
            accepted = [name for name, doc in bad if v.is_valid(doc)]
            print("accepted:", accepted)
            sys.exit(1 if accepted else 0)
            """, [Self.schema.path, try Source.golden.file("json").path])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
    }

    @Test(arguments: Source.allCases)
    func sarifIsValidAndReadBySarifTools(_ source: Source) throws {
        let file = try source.file("sarif")
        let install = "python3 -m pip install sarif-tools sarif-kit"
        let validate = try Self.tool("sarif-kit", ["validate", file.path], install: install)
        #expect(validate.status == 0, "sarif-kit validate (OASIS SARIF 2.1.0 schema) rejects \(source):\n\(validate.stdout)\(validate.stderr)")

        let summary = try Self.tool("sarif", ["summary", file.path], install: install)
        #expect(summary.status == 0, "sarif summary failed: \(summary.stderr)")
        // sarif-tools counts results per level; presetscan writes suppressed findings as `note`.
        let log = try Self.json(file)
        let results = ((log["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        for level in ["error", "warning", "note"] {
            let count = results.count { $0["level"] as? String == level }
            #expect(summary.stdout.contains("\(level): \(count)"), "sarif summary for \(source) does not count \(count) \(level)s:\n\(summary.stdout)")
        }
        // Every finding of the JSON report is a result, suppressed ones included.
        let report = try Self.json(try source.file("json"))
        let findings = ((report["apps"] as? [[String: Any]] ?? []).flatMap { $0["findings"] as? [[String: Any]] ?? [] })
            + (report["findings"] as? [[String: Any]] ?? [])
        #expect(results.count == findings.count)
        let suppressed = findings.count { !($0["suppression"] is NSNull) }
        #expect(results.count { $0["suppressions"] != nil } == suppressed)

        let ls = try Self.tool("sarif", ["ls", file.deletingLastPathComponent().path], install: install)
        #expect(ls.status == 0 && ls.stdout.contains(file.lastPathComponent), "sarif ls does not see \(file.lastPathComponent):\n\(ls.stdout)\(ls.stderr)")
    }

    @Test(arguments: Source.allCases)
    func cyclonedxValidatesStrictly(_ source: Source) throws {
        let file = try source.file("cyclonedx")
        let run = try Self.python("""
            import json, sys
            from cyclonedx.schema import SchemaVersion
            from cyclonedx.validation.json import JsonStrictValidator
            text = open(sys.argv[1], encoding="utf-8").read()
            error = JsonStrictValidator(SchemaVersion.V1_5).validate_str(text)
            if error is not None:
                print("invalid:", error)
                sys.exit(1)
            print(len(json.loads(text)["components"]))
            """, [file.path])
        #expect(run.status == 0, "cyclonedx-python-lib rejects \(source): \(run.stdout)\(run.stderr)")
        let apps = (try Self.json(try source.file("json"))["apps"] as? [[String: Any]])?.count ?? -1
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(apps)", "components \(run.stdout) vs apps \(apps)")
        if source == .scan {
            // --hash was given: every readable package has its SHA-256.
            let components = try Self.json(file)["components"] as? [[String: Any]] ?? []
            #expect(components.allSatisfy { ($0["hashes"] as? [[String: Any]])?.first?["alg"] as? String == "SHA-256" })
        }
    }

    @Test(arguments: Source.allCases)
    func junitIsReadByJunitparser(_ source: Source) throws {
        let run = try Self.python("""
            import json, sys
            from junitparser import JUnitXml, Failure, Error, Skipped
            xml = JUnitXml.fromfile(sys.argv[1])
            suites = {}
            for suite in xml:
                cases = list(suite)
                kinds = [type(r).__name__ for case in cases for r in case.result]
                suites[suite.name] = {"tests": suite.tests, "failures": suite.failures, "errors": suite.errors,
                                      "skipped": suite.skipped, "cases": len(cases), "kinds": kinds,
                                      "properties": {p.name: p.value for p in suite.properties()}}
            print(json.dumps(suites))
            """, [try source.file("junit").path])
        #expect(run.status == 0, "junitparser cannot read \(source): \(run.stderr)")
        let suites = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: [String: Any]])
        let report = try Self.json(try source.file("json"))
        let apps = report["apps"] as? [[String: Any]] ?? []
        let appSuite = try #require(suites["presetscan"])
        #expect(appSuite["cases"] as? Int == apps.count)
        #expect(appSuite["tests"] as? Int == apps.count)
        let failing = apps.count { ($0["findings"] as? [[String: Any]] ?? []).contains { $0["fails"] as? Bool == true } }
        #expect(appSuite["failures"] as? Int == failing)
        #expect((appSuite["kinds"] as? [String])?.count { $0 == "Failure" } == failing)
        // Skipped: exempt or waived, unless a failure or an unread part (PS009 error) takes precedence.
        let skipped = apps.count { app in
            let findings = app["findings"] as? [[String: Any]] ?? []
            let failsOrErrs = findings.contains { $0["fails"] as? Bool == true || ($0["ruleId"] as? String == "PS009" && $0["suppression"] is NSNull) }
            return ["exempt", "waived"].contains(app["verdict"] as? String) && !failsOrErrs
        }
        #expect(appSuite["skipped"] as? Int == skipped)
        let runSuite = try #require(suites["presetscan.run"])
        #expect(runSuite["cases"] as? Int == (report["findings"] as? [Any])?.count)
        let properties = appSuite["properties"] as? [String: String] ?? [:]
        #expect(properties["registry.sha256"] == (report["registry"] as? [String: Any])?["sha256"] as? String)
    }

    @Test(arguments: Source.allCases)
    func csvIsReadByPythonsCSVModule(_ source: Source) throws {
        let run = try Self.python("""
            import csv, json, sys
            raw = open(sys.argv[1], "rb").read()
            assert raw.startswith(b"\\xef\\xbb\\xbf"), "no UTF-8 byte-order mark"
            with open(sys.argv[1], newline="", encoding="utf-8-sig") as f:
                rows = list(csv.DictReader(f, strict=True))
            bad = [cell for row in rows for cell in row.values() if cell[:1] in ("=", "+", "-", "@")]
            print(json.dumps({"rows": [[row["location"], row["identifier"], row["verdict"], row["label"]] for row in rows], "formulas": bad}))
            """, [try source.file("csv").path])
        #expect(run.status == 0, "csv module cannot read \(source): \(run.stderr)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect((parsed["formulas"] as? [String])?.isEmpty == true, "formula cells: \(parsed["formulas"] ?? "")")
        let rows = parsed["rows"] as? [[String]] ?? []
        let apps = try Self.json(try source.file("json"))["apps"] as? [[String: Any]] ?? []
        #expect(rows.map { $0[0] } == apps.map { $0["location"] as? String ?? "" })
        #expect(rows.map { $0[2] } == apps.map { $0["verdict"] as? String ?? "" })
        // Labels survive quoting intact (the golden has a hostile one with a newline, quotes and a comma),
        // but for the `'` that keeps a spreadsheet from taking one for a formula.
        let labels = apps.map { app -> String in
            let label = app["label"] as? String ?? ""
            return ["=", "+", "-", "@"].contains(label.first.map(String.init) ?? "") ? "'" + label : label
        }
        #expect(rows.map { $0[3] } == labels)
    }

    @Test(arguments: Source.allCases)
    func htmlRendersInChromium(_ source: Source) throws {
        let page = try source.file("html")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("presetscan-chromium-\(getpid())-\(source)")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(work.appendingPathComponent("profile").path)"]
        let png = work.appendingPathComponent("page.png")
        let shot = try Self.tool("chromium", flags + ["--screenshot=\(png.path)", "--window-size=1200,1600", page.path],
                                 install: "apt-get install chromium")
        #expect(shot.status == 0, "chromium --screenshot failed: \(shot.stderr)")
        let bytes = [UInt8]((try? Data(contentsOf: png)) ?? Data())
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "no PNG written")
        if bytes.count >= 24 {
            let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect(width == 1200 && height == 1600, "screenshot is \(width)x\(height)")
        }
        // A blank page compresses to a few kilobytes; a rendered report does not.
        #expect(bytes.count > 20_000, "screenshot is only \(bytes.count) bytes")

        let dom = try Self.tool("chromium", flags + ["--dump-dom", page.path], install: "apt-get install chromium")
        #expect(dom.status == 0, "chromium --dump-dom failed: \(dom.stderr)")
        #expect(dom.stdout.contains("<section id=\"overview\""))
        #expect(dom.stdout.contains("<strong>FAIL</strong>") || dom.stdout.contains("<strong>不通过</strong>"))
        #expect(dom.stdout.components(separatedBy: "<script").count == 2, "a script element other than the report's reached the DOM")
        let report = try Self.json(try source.file("json"))
        let sha = (report["registry"] as? [String: Any])?["sha256"] as? String ?? "?"
        #expect(dom.stdout.contains(sha))
        let apps = report["apps"] as? [[String: Any]] ?? []
        #expect(dom.stdout.components(separatedBy: "<article class=\"card ").count - 1 == apps.count)
    }
}
