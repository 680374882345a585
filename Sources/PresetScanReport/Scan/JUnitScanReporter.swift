import PresetScanApps
import PresetScanCore
import PresetScanPolicy

/// JUnit XML for CI test dashboards (the Ant/Jenkins `testsuites` form that Jenkins, GitLab and
/// junitparser read): suite `presetscan` with one test case per app package, suite `presetscan.run`
/// with one per run finding, and the registry and policy as suite properties.
///
/// A test case fails (`failure`) when it has a finding the policy fails on, errs (`error`) when an
/// unsuppressed PS009 says it was not read completely, and is `skipped` when its verdict is exempt
/// or waived. Everything else it found (warnings, suppressed findings with their reasons) is in
/// `system-out`, so nothing is hidden. At most one of failure/error/skipped per test case.
public struct JUnitScanReporter: ScanReporter {
    public static let format = "junit"
    /// Failure messages and `system-out` follow its language; test names, class names, types
    /// (rule ids) and property names never do.
    public var options: ScanRenderOptions

    public init(options: ScanRenderOptions = ScanRenderOptions()) { self.options = options }

    private var language: Language { options.language }

    public func render(_ report: ScanReport) throws -> String {
        let apps = Suite(name: "presetscan", cases: report.apps.map { appCase($0) })
        let run = Suite(name: "presetscan.run", cases: report.findings.map { runCase($0) })
        let suites = [apps, run]

        var out = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        out += "<testsuites name=\"presetscan\"\(counts(suites.flatMap(\.cases)))>\n"
        for (index, suite) in suites.enumerated() {
            out += "  <testsuite name=\(Self.attribute(suite.name)) id=\"\(index)\"\(counts(suite.cases)) time=\"0\">\n"
            out += "    <properties>\n"
            for (name, value) in properties(report) {
                out += "      <property name=\(Self.attribute(name)) value=\(Self.attribute(value))/>\n"
            }
            out += "    </properties>\n"
            for test in suite.cases { out += render(test) }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    // MARK: Model

    struct Suite {
        var name: String
        var cases: [TestCase]
    }

    struct TestCase {
        enum Outcome {
            case passed
            case failure(message: String, type: String, text: String)
            case error(message: String, type: String, text: String)
            case skipped(message: String)
        }

        var name: String
        var classname: String
        var outcome: Outcome
        var systemOut: [String]
    }

    private func appCase(_ app: AssessedApp) -> TestCase {
        let record = app.record
        let l = language
        func field(_ key: MessageKey, _ value: String) -> String { l.text(.junitField, l.text(key), value) }
        var out = [field(.junitLocation, record.location.description), field(.junitPlatform, record.platform.rawValue),
                   field(.junitKind, record.kind), field(.junitVerdict, l.text(app.verdict.label))]
        if let label = record.label { out.append(field(.junitLabel, label)) }
        if let version = record.versionName { out.append(field(.junitVersion, version)) }
        if let build = record.build { out.append(field(.junitBuild, build)) }
        if let match = app.match {
            out.append(field(.junitFiled, "\(match.filingNumber) \"\(match.appName)\" \(match.sponsor) [\(l.text(match.status.label))]"))
        }
        let failing = app.findings.filter(\.fails)
        let incomplete = app.findings.filter { $0.rule == .PS009 && $0.suppression == nil && !$0.fails }
        let outcome: TestCase.Outcome
        if !failing.isEmpty {
            outcome = .failure(message: headline(failing), type: Self.ruleIds(failing), text: failing.map(line).joined(separator: "\n"))
        } else if !incomplete.isEmpty {
            outcome = .error(message: headline(incomplete), type: Self.ruleIds(incomplete), text: incomplete.map(line).joined(separator: "\n"))
        } else if app.verdict == .exempt || app.verdict == .waived {
            let reasons = Set(app.findings.compactMap { $0.suppression?.reason(l) }).sorted()
            outcome = .skipped(message: reasons.isEmpty ? l.text(app.verdict.label) : l.text(.junitField, l.text(app.verdict.label), reasons.joined(separator: "; ")))
        } else {
            outcome = .passed
        }
        let reported = Set(failing.map(\.fingerprint) + incomplete.map(\.fingerprint))
        out += app.findings.filter { !reported.contains($0.fingerprint) }.map(line)
        // The platform and kind in the name: one identifier may be preset as an Android and a HarmonyOS app.
        let name = "\(record.package ?? record.location.description) (\(record.platform.rawValue) \(record.kind))"
        return TestCase(name: name, classname: app.verdict.rawValue, outcome: outcome, systemOut: out)
    }

    private func runCase(_ finding: Finding) -> TestCase {
        let name = "\(finding.rule.rawValue) \(finding.rule.name)" + (finding.location.map { " \($0)" } ?? "")
        let outcome: TestCase.Outcome
        if finding.fails {
            outcome = .failure(message: headline([finding]), type: finding.rule.rawValue, text: line(finding))
        } else if finding.rule == .PS009 && finding.suppression == nil {
            outcome = .error(message: headline([finding]), type: finding.rule.rawValue, text: line(finding))
        } else if let suppression = finding.suppression {
            outcome = .skipped(message: language.text(.junitField, language.text(suppression.kind.term), suppression.reason(language)))
        } else {
            outcome = .passed
        }
        var out = [line(finding)]
        if !finding.evidence.isEmpty {
            out.append(language.text(.junitField, language.text(.junitEvidence), finding.evidence.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")))
        }
        return TestCase(name: name, classname: "run", outcome: outcome, systemOut: out)
    }

    private func properties(_ report: ScanReport) -> [(String, String)] {
        let r = report.registry, p = report.policy
        var items: [(String, String)] = [
            ("presetscan.version", report.toolVersion),
            ("inputs", report.inputs.joined(separator: " ")),
        ]
        // `--hash-inputs`: for a folder, sha256 is its manifest's (Samples/schema/scan-report.schema.json).
        for (index, input) in (report.inputHashes ?? []).enumerated() {
            let prefix = "input.\(index + 1)."
            items += [(prefix + "path", input.path), (prefix + "kind", input.kind.rawValue), (prefix + "size", "\(input.size)"),
                      (prefix + "sha256", input.sha256)]
            if let files = input.files { items.append((prefix + "files", "\(files)")) }
        }
        items += [
            ("registry.path", r.path),
            ("registry.sha256", r.sha256),
            ("registry.builtAt", r.builtAt),
            ("registry.ageDays", "\(r.ageDays)"),
            ("registry.recordCount", "\(r.recordCount)"),
            ("registry.source", r.source),
            ("registry.signature", r.signature),
            ("registry.signatureDetail", r.signatureNote.text(language)),
        ]
        if let imported = r.importedFrom { items.append(("registry.importedFrom", imported)) }
        items += [
            ("policy.path", p.path ?? "default"),
            ("policy.failOn", p.failOn.map(\.rawValue).joined(separator: ",")),
            ("policy.exemptWithoutInternet", "\(p.exemptWithoutInternet)"),
            ("policy.exemptions", "\(p.exemptions)"),
            ("policy.waivers", "\(p.waivers)"),
        ]
        if let baseline = report.baseline { items.append(("baseline", baseline)) }
        for platform in Set(report.apps.map(\.platform)).sorted() {
            items.append(("apps.\(platform.rawValue)", "\(report.apps.count { $0.platform == platform })"))
        }
        items += [("result", report.outcome.rawValue), ("summary", report.summaryLine(language))]
        return items
    }

    // MARK: Rendering

    private func counts(_ cases: [TestCase]) -> String {
        var failures = 0, errors = 0, skipped = 0
        for test in cases {
            switch test.outcome {
            case .passed: break
            case .failure: failures += 1
            case .error: errors += 1
            case .skipped: skipped += 1
            }
        }
        return " tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\""
    }

    private func render(_ test: TestCase) -> String {
        var out = "    <testcase name=\(Self.attribute(test.name)) classname=\(Self.attribute(test.classname)) time=\"0\">\n"
        switch test.outcome {
        case .passed: break
        case let .failure(message, type, text):
            out += "      <failure message=\(Self.attribute(message)) type=\(Self.attribute(type))>\(Self.text(text))</failure>\n"
        case let .error(message, type, text):
            out += "      <error message=\(Self.attribute(message)) type=\(Self.attribute(type))>\(Self.text(text))</error>\n"
        case let .skipped(message):
            out += "      <skipped message=\(Self.attribute(message))/>\n"
        }
        if !test.systemOut.isEmpty {
            out += "      <system-out>\(Self.text(test.systemOut.joined(separator: "\n")))</system-out>\n"
        }
        out += "    </testcase>\n"
        return out
    }

    func line(_ finding: Finding) -> String {
        let l = language
        var text = finding.line(l)
        if let suppression = finding.suppression {
            text += " " + l.text(.junitSuppressed, l.text(suppression.kind.term), suppression.reason(l))
        } else if finding.fails {
            text += " " + l.text(.scanFails)
        }
        return text
    }

    /// The first finding without its severity (the element says failure or error), and how many more.
    func headline(_ findings: [Finding]) -> String {
        guard let first = findings.first else { return "" }
        let l = language
        let text = l.text(.junitField, "\(first.rule.rawValue) \(first.rule.title(l))", first.text(l))
        return findings.count > 1 ? l.text(.junitMore, text, "\(findings.count - 1)") : text
    }

    static func ruleIds(_ findings: [Finding]) -> String {
        Set(findings.map(\.rule)).sorted().map(\.rawValue).joined(separator: ",")
    }

    // MARK: XML 1.0 escaping

    /// Drops what XML 1.0 cannot carry at all (§2.2 Char): C0 controls but tab, LF and CR, and U+FFFE/U+FFFF.
    static func xmlCharacters(_ value: String) -> String.UnicodeScalarView {
        String.UnicodeScalarView(value.unicodeScalars.filter { scalar in
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: true
            case 0x00..<0x20, 0xFFFE, 0xFFFF: false
            default: true
            }
        })
    }

    /// Character data: `&`, `<` and `>` (the latter so that `]]>` cannot occur).
    static func text(_ value: String) -> String {
        var out = ""
        for scalar in xmlCharacters(value) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A quoted attribute value; whitespace is written as references so attribute-value
    /// normalisation (§3.3.3) does not turn newlines and tabs into spaces.
    static func attribute(_ value: String) -> String {
        var out = "\""
        for scalar in xmlCharacters(value) {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
