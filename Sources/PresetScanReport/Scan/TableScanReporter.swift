import PresetScanApps
import PresetScanCore
import PresetScanPolicy

/// Human-readable scan report: apps grouped by verdict (those needing action first), each with
/// its findings, then run findings and the outcome. Colours only when asked (a terminal).
public struct TableScanReporter: ScanReporter {
    public static let format = "table"
    public var options: ScanRenderOptions

    public init(options: ScanRenderOptions = ScanRenderOptions()) { self.options = options }

    private enum Colour: String {
        case red = "31", green = "32", yellow = "33", dim = "2", bold = "1"
    }

    private func paint(_ text: String, _ colour: Colour) -> String {
        options.color ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    private func colour(of verdict: Verdict) -> Colour {
        switch verdict {
        case .unfiled, .certificateMismatch, .filingNotActive: .red
        case .waived, .exempt: .yellow
        case .filed: .green
        }
    }

    public func render(_ report: ScanReport) throws -> String {
        var out: [String] = []
        let r = report.registry
        out.append(paint("presetscan scan", .bold) + " — \(report.inputs.joined(separator: " "))")
        out.append("registry: \(r.path) (data \(r.builtAt), \(r.ageDays) days old, \(r.recordCount) records, sha256 \(r.sha256.prefix(16))…, \(r.signatureDetail))")
        let p = report.policy
        out.append("policy:   \(p.path ?? "default") (fails on \(p.failOn.map(\.rawValue).joined(separator: ", ")))"
            + (report.baseline.map { "; baseline \($0)" } ?? ""))
        for (verdict, count) in report.verdictCounts where count > 0 {
            out.append("")
            out.append(paint("\(verdict.rawValue.uppercased()) (\(count))", colour(of: verdict)))
            for app in report.apps where app.verdict == verdict {
                out.append("  " + describe(app))
                // One exemption or waiver covers all of an app's suppressed findings: say it once.
                let reasons = Set(app.findings.compactMap(\.suppression).filter { $0.kind != .baseline })
                let shared = reasons.count == 1 ? reasons.first : nil
                if let shared { out.append(paint("    \(shared.kind.rawValue): \(shared.reason)", .dim)) }
                for finding in app.findings { out.append("    " + line(finding, withLocation: false, sharedSuppression: shared)) }
            }
        }
        if !report.findings.isEmpty {
            out.append("")
            out.append(paint("RUN FINDINGS (\(report.findings.count))", .bold))
            for finding in report.findings { out.append("  " + line(finding, withLocation: true)) }
        }
        out.append("")
        out.append(report.summaryLine)
        let failingRules = Set(report.failing.map(\.rule)).sorted().map(\.rawValue).joined(separator: ", ")
        switch report.outcome {
        case .pass: out.append(paint("PASS", .green) + ": every app is filed, exempt or waived, and the whole input was read")
        case .fail: out.append(paint("FAIL", .red) + ": \(report.failing.count) \(report.failing.count == 1 ? "finding fails" : "findings fail") the build (\(failingRules))")
        case .incomplete:
            out.append(paint("INCOMPLETE", .yellow)
                + (report.apps.isEmpty ? ": no app package was found" : ": part of the input could not be read (PS009)"))
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func describe(_ app: AssessedApp) -> String {
        let record = app.record
        var parts = [record.package ?? "(unreadable)", "\(record.platform.rawValue) \(record.kind)"]
        if let version = app.versionText { parts.append(version) }
        if let label = record.label { parts.append("\"\(label)\"") }
        if let match = app.match {
            parts.append("filed \(match.filingNumber) \"\(match.appName)\" \(match.sponsor) [\(match.status.rawValue)]")
        }
        return parts.joined(separator: "  ") + "  " + paint(record.location.description, .dim)
    }

    private func line(_ finding: Finding, withLocation: Bool, sharedSuppression: Suppression? = nil) -> String {
        var text = "\(finding.rule.rawValue) \(finding.severity.rawValue) \(finding.rule.name): \(finding.message)"
        if withLocation, let location = finding.location { text += " (\(location))" }
        if let suppression = finding.suppression {
            if suppression == sharedSuppression { return paint(text + " [\(suppression.kind.rawValue)]", .dim) }
            return paint(text + " [\(suppression.kind.rawValue): \(suppression.reason)]", .dim)
        }
        if finding.fails { return paint(text + " [fails]", .red) }
        return finding.severity == .error ? paint(text, .yellow) : text
    }
}
