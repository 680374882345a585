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
        let l = options.language
        var out: [String] = []
        let r = report.registry
        out.append(paint(l.text(.scanTitle), .bold) + " — \(report.inputs.joined(separator: " "))")
        // The labels line up by terminal columns: a Chinese character takes two.
        let labels = [l.text(.scanRegistryLabel), l.text(.scanPolicyLabel)]
        let width = labels.map(\.displayWidth).max() ?? 0
        out.append(labels[0].padded(toWidth: width) + " " + l.text(
            .scanRegistry, r.path, r.builtAt, "\(r.ageDays)", "\(r.recordCount)", String(r.sha256.prefix(16)), r.signatureNote.text(l)))
        let p = report.policy
        out.append(labels[1].padded(toWidth: width) + " "
            + l.text(.scanPolicy, p.path ?? l.text(.policyDefault), p.failOn.map(\.rawValue).joined(separator: ", "))
            + (report.baseline.map { l.text(.scanBaseline, $0) } ?? ""))
        for (verdict, count) in report.verdictCounts where count > 0 {
            out.append("")
            out.append(paint(l.text(.scanVerdictHeading, "\(count)", l.text(verdict.label).uppercased()), colour(of: verdict)))
            for app in report.apps where app.verdict == verdict {
                out.append("  " + describe(app))
                // One exemption or waiver covers all of an app's suppressed findings: say it once.
                let reasons = Set(app.findings.compactMap(\.suppression).filter { $0.kind != .baseline })
                let shared = reasons.count == 1 ? reasons.first : nil
                if let shared { out.append(paint("    " + l.text(.scanSharedSuppression, l.text(shared.kind.term), shared.reason(l)), .dim)) }
                for finding in app.findings { out.append("    " + line(finding, withLocation: false, sharedSuppression: shared)) }
            }
        }
        if !report.findings.isEmpty {
            out.append("")
            out.append(paint(l.text(.scanRunFindings, "\(report.findings.count)"), .bold))
            for finding in report.findings { out.append("  " + line(finding, withLocation: true)) }
        }
        if let inputs = report.inputHashes, !inputs.isEmpty {
            out.append("")
            for input in inputs {
                switch input.kind {
                case .file: out.append(l.text(.evidenceTableFile, input.path, "\(input.size)", input.sha256))
                case .folder: out.append(l.text(.evidenceTableFolder, input.path, "\(input.files ?? 0)", "\(input.size)", input.sha256))
                }
            }
        }
        out.append("")
        out.append(report.summaryLine(l))
        let failingRules = Set(report.failing.map(\.rule)).sorted().map(\.rawValue).joined(separator: ", ")
        switch report.outcome {
        case .pass: out.append(paint(l.text(.outcomePass), .green) + l.text(.scanPassDetail))
        case .fail:
            let count = report.failing.count
            out.append(paint(l.text(.outcomeFail), .red)
                + l.text(count == 1 ? .scanFailDetailOne : .scanFailDetailMany, "\(count)", failingRules))
        case .incomplete:
            out.append(paint(l.text(.outcomeIncomplete), .yellow) + l.text(report.apps.isEmpty ? .scanNoAppDetail : .scanIncompleteDetail))
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func describe(_ app: AssessedApp) -> String {
        let l = options.language
        let record = app.record
        var parts = [record.package ?? l.text(.scanUnreadablePackage), "\(record.platform.rawValue) \(record.kind)"]
        if let version = app.versionText { parts.append(version) }
        if let label = record.label { parts.append(l.text(.scanQuoted, label)) }
        if let match = app.match {
            parts.append(l.text(.scanFiledAs, match.filingNumber, match.appName, match.sponsor, l.text(match.status.label)))
        }
        return parts.joined(separator: "  ") + "  " + paint(record.location.description, .dim)
    }

    private func line(_ finding: Finding, withLocation: Bool, sharedSuppression: Suppression? = nil) -> String {
        let l = options.language
        var text = finding.line(l)
        if withLocation, let location = finding.location { text = l.text(.scanLocated, text, location.description) }
        if let suppression = finding.suppression {
            let kind = l.text(suppression.kind.term)
            if suppression == sharedSuppression { return paint(text + " " + l.text(.scanSuppressedKind, kind), .dim) }
            return paint(text + " " + l.text(.scanSuppressedReason, kind, suppression.reason(l)), .dim)
        }
        if finding.fails { return paint(text + " " + l.text(.scanFails), .red) }
        return finding.severity == .error ? paint(text, .yellow) : text
    }
}
