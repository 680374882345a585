import PresetScanApps
import PresetScanCore
import PresetScanPolicy

/// One self-contained HTML page a regulator can read and print: the outcome, the registry and policy
/// the verdicts rest on, every app with its filing and evidence, and the run findings.
///
/// Inline CSS only: no script, no external resource, and a Content-Security-Policy that forbids both,
/// so a hostile label that slipped through escaping still could not run or fetch anything.
/// Every text from input is escaped. Deterministic: no timestamps.
public struct HTMLScanReporter: ScanReporter {
    public static let format = "html"

    public var options: ScanRenderOptions

    public init(options: ScanRenderOptions = ScanRenderOptions()) { self.options = options }

    public func render(_ report: ScanReport) throws -> String {
        let title = "presetscan scan report: \(report.outcome.rawValue.uppercased())"
        var out = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="presetscan \(Self.escape(report.toolVersion))">
            <title>\(Self.escape(title))</title>
            <style>\(Self.style)</style>
            </head>
            <body>

            """
        out += "<h1>presetscan scan report</h1>\n"
        out += "<p class=\"inputs\">Inputs: \(report.inputs.map { "<code>\(Self.escape($0))</code>" }.joined(separator: " "))</p>\n"
        out += summary(report)
        out += apps(report)
        out += runFindings(report)
        out += diagnostics(report)
        out += "<footer>presetscan \(Self.escape(report.toolVersion)) · report schema \(ScanReport.schemaVersion)</footer>\n"
        out += "</body>\n</html>\n"
        return out
    }

    // MARK: Sections

    private func summary(_ report: ScanReport) -> String {
        let outcome = report.outcome
        let explanation: String
        switch outcome {
        case .pass: explanation = "Every app is filed, exempt or waived, and the whole input was read."
        case .fail:
            let rules = Set(report.failing.map(\.rule)).sorted().map(\.rawValue).joined(separator: ", ")
            explanation = "\(report.failing.count) finding\(report.failing.count == 1 ? "" : "s") fail\(report.failing.count == 1 ? "s" : "") the policy (\(rules))."
        case .incomplete:
            explanation = report.apps.isEmpty ? "No app package was found." : "Part of the input could not be read (PS009)."
        }
        var out = "<section id=\"summary\">\n<h2>Summary</h2>\n"
        out += "<p class=\"result result-\(outcome.rawValue)\"><strong>\(outcome.rawValue.uppercased())</strong> \(Self.escape(explanation))</p>\n"
        out += "<p>\(Self.escape(report.summaryLine))</p>\n"

        out += "<table class=\"counts\">\n<thead><tr><th>Verdict</th><th>Apps</th></tr></thead>\n<tbody>\n"
        for (verdict, count) in report.verdictCounts {
            out += "<tr class=\"verdict-\(verdict.rawValue)\"><td>\(verdict.rawValue)</td><td class=\"num\">\(count)</td></tr>\n"
        }
        let all = report.allFindings
        out += "<tr class=\"total\"><td>total</td><td class=\"num\">\(report.apps.count)</td></tr>\n</tbody>\n</table>\n"
        out += "<table class=\"counts\">\n<thead><tr><th>Findings</th><th>Count</th></tr></thead>\n<tbody>\n"
        out += "<tr><td>failing</td><td class=\"num\">\(all.count(where: \.fails))</td></tr>\n"
        out += "<tr><td>errors (unsuppressed)</td><td class=\"num\">\(all.count { $0.severity == .error && $0.suppression == nil })</td></tr>\n"
        out += "<tr><td>warnings (unsuppressed)</td><td class=\"num\">\(all.count { $0.severity == .warning && $0.suppression == nil })</td></tr>\n"
        out += "<tr><td>suppressed</td><td class=\"num\">\(all.count { $0.suppression != nil })</td></tr>\n"
        out += "</tbody>\n</table>\n"

        let r = report.registry
        out += "<h3>Registry</h3>\n<dl class=\"facts\">\n"
        out += fact("Snapshot", "<code>\(Self.escape(r.path))</code>" + (r.importedFrom == nil ? "" : " (records file, imported for this run)"))
        out += fact("SHA-256", "<code>\(Self.escape(r.sha256))</code>")
        out += fact("Data date", "\(Self.escape(r.builtAt)) (\(r.ageDays) day\(r.ageDays == 1 ? "" : "s") old)")
        out += fact("Records", "\(r.recordCount)")
        out += fact("Source", Self.escape(r.source))
        out += fact("Signature", "\(Self.escape(r.signature)): \(Self.escape(r.signatureDetail))")
        out += "</dl>\n"

        let p = report.policy
        out += "<h3>Policy</h3>\n<dl class=\"facts\">\n"
        out += fact("File", p.path.map { "<code>\(Self.escape($0))</code>" } ?? "built-in default")
        out += fact("Fails on", p.failOn.map(\.rawValue).joined(separator: ", "))
        out += fact("Exempt without Internet", p.exemptWithoutInternet ? "yes" : "no")
        out += fact("Exemptions", "\(p.exemptions)")
        out += fact("Waivers", "\(p.waivers)")
        if let baseline = report.baseline { out += fact("Baseline", "<code>\(Self.escape(baseline))</code>") }
        out += "</dl>\n</section>\n"
        return out
    }

    private func fact(_ term: String, _ html: String) -> String {
        "<dt>\(Self.escape(term))</dt><dd>\(html)</dd>\n"
    }

    private func apps(_ report: ScanReport) -> String {
        var out = "<section id=\"apps\">\n<h2>Apps (\(report.apps.count))</h2>\n"
        guard !report.apps.isEmpty else { return out + "<p>No app package was found.</p>\n</section>\n" }
        out += "<table class=\"apps\">\n<thead><tr><th>#</th><th>Identifier</th><th>Platform</th><th>Label</th><th>Sponsor</th><th>Filed name</th>"
            + "<th>Filing number</th><th>Location</th><th>Verdict</th><th>Evidence</th></tr></thead>\n<tbody>\n"
        for (index, app) in report.apps.enumerated() {
            let record = app.record
            let match = app.match
            var identifier = record.package.map { "<code>\(Self.escape($0))</code>" } ?? "<em>unreadable</em>"
            if let version = app.versionText { identifier += "<br><span class=\"minor\">\(Self.escape(version))</span>" }
            var filing = match.map { "<code>\(Self.escape($0.filingNumber))</code>" } ?? "—"
            if let match, match.status != .active { filing += "<br><span class=\"bad\">\(Self.escape(match.status.rawValue))</span>" }
            out += "<tr class=\"verdict-\(app.verdict.rawValue)\">"
            out += "<td class=\"num\">\(index + 1)</td>"
            out += "<td>\(identifier)</td>"
            out += "<td>\(Self.escape(record.platform.rawValue))<br><span class=\"minor\">\(Self.escape(record.kind))</span></td>"
            out += "<td>\(record.label.map(Self.escape) ?? "—")</td>"
            out += "<td>\(match.map { Self.escape($0.sponsor) } ?? "—")</td>"
            out += "<td>\(match.map { Self.escape($0.appName) } ?? "—")</td>"
            out += "<td>\(filing)</td>"
            out += "<td class=\"location\"><code>\(Self.path(record.location.description))</code></td>"
            out += "<td class=\"verdict\">\(app.verdict.rawValue)</td>"
            out += "<td class=\"evidence\">\(evidence(app))</td>"
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    private func evidence(_ app: AssessedApp) -> String {
        var items = app.findings.map { "<li>\(finding($0, withLocation: false))</li>" }
        for algorithm in app.shownAlgorithms {
            let signers = app.signerFingerprints(algorithm).sorted()
            if !signers.isEmpty {
                items.append("<li class=\"minor\">signer \(algorithm.name) <code>\(signers.map(Self.escape).joined(separator: " "))</code></li>")
            }
            if let filed = app.match?.filed(algorithm), !filed.isEmpty {
                items.append("<li class=\"minor\">filed \(algorithm.name) <code>\(filed.map(Self.escape).joined(separator: " "))</code></li>")
            }
        }
        if let profile = app.record.profile {
            let facts = [profile.type, profile.teamIdentifier.map { "team \($0)" }, profile.appIdentifier.map { "app id \($0)" }]
                .compactMap { $0 }.joined(separator: ", ")
            items.append("<li class=\"minor\">profile \(Self.escape(facts.isEmpty ? profile.source : facts))</li>")
        }
        return items.isEmpty ? "" : "<ul>\(items.joined())</ul>"
    }

    private func finding(_ finding: Finding, withLocation: Bool) -> String {
        var out = "<span class=\"rule sev-\(finding.severity.rawValue)\">\(finding.rule.rawValue)</span> "
            + "<span class=\"minor\">\(finding.rule.name)</span>: \(Self.escape(finding.message))"
        if withLocation, let location = finding.location {
            out += " <span class=\"location\"><code>\(Self.path(location.description))</code></span>"
        }
        if let suppression = finding.suppression {
            out += " <span class=\"suppressed\">[suppressed, \(suppression.kind.rawValue): \(Self.escape(suppression.reason))]</span>"
        } else if finding.fails {
            out += " <span class=\"fails\">[fails]</span>"
        }
        return out
    }

    private func runFindings(_ report: ScanReport) -> String {
        var out = "<section id=\"run-findings\">\n<h2>Run findings (\(report.findings.count))</h2>\n"
        if report.findings.isEmpty { return out + "<p>None: the registry is current, no waiver has expired, every input was read.</p>\n</section>\n" }
        out += "<ul>\n"
        for item in report.findings { out += "<li>\(finding(item, withLocation: true))</li>\n" }
        return out + "</ul>\n</section>\n"
    }

    private func diagnostics(_ report: ScanReport) -> String {
        guard !report.diagnostics.isEmpty else { return "" }
        var out = "<section id=\"diagnostics\">\n<h2>Diagnostics (\(report.diagnostics.count))</h2>\n"
        out += "<table class=\"diagnostics\">\n<thead><tr><th>Severity</th><th>Code</th><th>Message</th><th>Location</th></tr></thead>\n<tbody>\n"
        for d in report.diagnostics {
            out += "<tr><td>\(d.severity.rawValue)</td><td><code>\(Self.escape(d.code))</code></td><td>\(Self.escape(d.message))</td>"
                + "<td class=\"location\">\(d.location.map { "<code>\(Self.path($0.description))</code>" } ?? "")</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    // MARK: Escaping and style

    /// Text and attribute values alike: `& < > " '` as references; control characters (but tab and
    /// newline), noncharacters U+FFFE/U+FFFF and bidi overrides removed.
    static func escape(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                switch scalar.value {
                case 0x00..<0x20, 0x7F..<0xA0, 0xFFFE, 0xFFFF, 0x202A...0x202E, 0x2066...0x2069: continue
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// An escaped path that may wrap after each `/` (a `<wbr>`), so long nested locations stay readable.
    static func path(_ value: String) -> String {
        value.split(separator: "/", omittingEmptySubsequences: false).map { escape(String($0)) }.joined(separator: "/<wbr>")
    }

    static let style = """

        body { font: 14px/1.4 -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif; color: #111; margin: 2em; }
        h1 { font-size: 1.6em; margin: 0 0 .3em; }
        h2 { font-size: 1.3em; border-bottom: 1px solid #999; margin-top: 1.5em; }
        h3 { font-size: 1.05em; margin-bottom: .3em; }
        code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .92em; }
        table { border-collapse: collapse; margin: .5em 0 1em; }
        th, td { border: 1px solid #bbb; padding: .25em .45em; text-align: left; vertical-align: top; }
        th { background: #eee; }
        td.num { text-align: right; }
        table.counts { display: inline-table; margin-right: 2em; }
        table.apps { width: 100%; table-layout: fixed; }
        table.apps th:nth-child(1) { width: 3%; }
        table.apps th:nth-child(2) { width: 13%; }
        table.apps th:nth-child(3) { width: 6%; }
        table.apps th:nth-child(4), table.apps th:nth-child(6) { width: 8%; }
        table.apps th:nth-child(5), table.apps th:nth-child(7) { width: 10%; }
        table.apps th:nth-child(8) { width: 15%; }
        table.apps th:nth-child(9) { width: 7%; }
        table.apps th:nth-child(10) { width: 20%; }
        table.apps td { overflow-wrap: anywhere; }
        table.apps ul { margin: 0; padding-left: 1.1em; }
        span.location { overflow-wrap: anywhere; }
        dl.facts { display: grid; grid-template-columns: max-content auto; gap: .15em 1em; margin: 0; }
        dl.facts dt { font-weight: bold; }
        dl.facts dd { margin: 0; word-break: break-all; }
        .result { font-size: 1.2em; padding: .4em .6em; border: 2px solid; }
        .result-pass { border-color: #1a7f37; background: #dafbe1; }
        .result-fail { border-color: #cf222e; background: #ffebe9; }
        .result-incomplete { border-color: #9a6700; background: #fff8c5; }
        tr.verdict-unfiled td.verdict, tr.verdict-certificate-mismatch td.verdict, tr.verdict-filing-not-active td.verdict { color: #cf222e; font-weight: bold; }
        tr.verdict-waived td.verdict, tr.verdict-exempt td.verdict { color: #9a6700; font-weight: bold; }
        tr.verdict-filed td.verdict { color: #1a7f37; }
        .rule { font-weight: bold; }
        .sev-error { color: #cf222e; }
        .sev-warning { color: #9a6700; }
        .fails { color: #cf222e; font-weight: bold; }
        .suppressed, .minor { color: #555; }
        .bad { color: #cf222e; }
        footer { margin-top: 2em; color: #555; font-size: .9em; }
        @media print {
          body { margin: 0; font-size: 10pt; }
          @page { size: A4 landscape; margin: 12mm; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
          thead { display: table-header-group; }
          tr { break-inside: avoid; page-break-inside: avoid; }
          h2 { break-after: avoid; page-break-after: avoid; }
          table.apps { font-size: 8.5pt; }
        }

        """
}
