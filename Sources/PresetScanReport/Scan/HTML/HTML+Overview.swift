import PresetScanCore
import PresetScanPolicy

/// The overview: what a reader needs before any detail (outcome, verdict chart, failing apps), then
/// what the verdicts rest on (registry snapshot, policy).
extension HTMLScanReporter {
    func overview(_ report: ScanReport) -> String {
        let outcome = report.outcome
        let reason: String
        switch outcome {
        case .pass: reason = t(.htmlOutcomePassReason)
        case .fail:
            let rules = Set(report.failing.map(\.rule)).sorted().map(\.rawValue).joined(separator: ", ")
            reason = t(.htmlOutcomeFailReason, String(report.failing.count), rules)
        case .incomplete: reason = report.apps.isEmpty ? t(.htmlOutcomeNoApp) : t(.htmlOutcomeIncompleteReason)
        }
        var out = "<section id=\"overview\" class=\"overview\">\n<h2>\(t(.htmlOverview))</h2>\n"
        out += "<p class=\"outcome outcome-\(outcome.rawValue)\"><strong>\(t(outcome.key))</strong> <span>\(reason)</span></p>\n"
        out += "<div class=\"overview-grid\">\n<figure class=\"chart\">\n<figcaption>\(t(.htmlChartTitle))</figcaption>\n"
        out += chart(report) + "</figure>\n"
        out += counts(report) + "</div>\n"
        out += failingApps(report)
        out += "<div class=\"basis\">\n" + registry(report) + policy(report) + inputs(report) + "</div>\n"
        return out + "</section>\n"
    }

    /// Horizontal bars, one per verdict in `Verdict.rank` order, each labelled with its term and
    /// count. Bars that need action are solid, waived/exempt hatched, filed outlined: they differ
    /// in greyscale print too. Sized in user units; the SVG scales to its box.
    func chart(_ report: ScanReport) -> String {
        let counts = report.verdictCounts
        let maximum = max(1, counts.map(\.1).max() ?? 1)
        let labelWidth = language == .zhCN ? 130 : 165, barWidth = 300, row = 30, top = 6
        let width = labelWidth + barWidth + 50, height = top * 2 + row * counts.count
        let description = counts.map { "\(Message($0.0.term).text(language)): \($0.1)" }.joined(separator: ", ")
        var out = "<svg class=\"verdict-chart\" role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" "
            + "aria-label=\"\(t(.htmlChartTitle)): \(Self.escape(description))\">\n"
        out += "<defs>"
        for verdict in [Verdict.waived, .exempt] {
            out += "<pattern id=\"hatch-\(verdict.rawValue)\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\">"
                + "<rect class=\"hatch-bg-\(verdict.rawValue)\" width=\"6\" height=\"6\"/><rect class=\"hatch-\(verdict.rawValue)\" width=\"3\" height=\"6\"/></pattern>"
        }
        out += "</defs>\n"
        for (i, (verdict, count)) in counts.enumerated() {
            let y = top + i * row
            let length = count == 0 ? 0 : max(3, count * barWidth / maximum)
            out += "<g class=\"bar bar-\(verdict.rawValue)\">"
            out += "<text class=\"bar-label\" x=\"\(labelWidth - 10)\" y=\"\(y + 19)\" text-anchor=\"end\">\(verdict.mark) \(term(verdict))</text>"
            out += "<rect class=\"track\" x=\"\(labelWidth)\" y=\"\(y + 5)\" width=\"\(barWidth)\" height=\"20\"/>"
            if length > 0 {
                let fill = verdict == .waived || verdict == .exempt ? " fill=\"url(#hatch-\(verdict.rawValue))\"" : ""
                out += "<rect class=\"fill\" x=\"\(labelWidth)\" y=\"\(y + 5)\" width=\"\(length)\" height=\"20\"\(fill)/>"
            }
            out += "<text class=\"bar-count\" x=\"\(labelWidth + length + 6)\" y=\"\(y + 20)\">\(count)</text>"
            out += "</g>\n"
        }
        return out + "</svg>\n"
    }

    func counts(_ report: ScanReport) -> String {
        let all = report.allFindings
        let rows: [(MessageKey, Int, String)] = [
            (.htmlCountApps, report.apps.count, "total"),
            (.htmlCountFailing, report.failing.count, report.failing.isEmpty ? "" : "bad"),
            (.htmlCountErrors, all.count { $0.severity == .error && $0.suppression == nil }, ""),
            (.htmlCountWarnings, all.count { $0.severity == .warning && $0.suppression == nil }, ""),
            (.htmlCountSuppressed, all.count { $0.suppression != nil }, ""),
        ]
        var out = "<dl class=\"stats\">\n"
        for (key, count, style) in rows {
            out += "<div class=\"stat \(style)\"><dt>\(t(key))</dt><dd>\(count)</dd></div>\n"
        }
        return out + "</dl>\n"
    }

    /// Every app with a finding that fails the policy, before anything else: what to fix.
    func failingApps(_ report: ScanReport) -> String {
        var out = "<h3 id=\"failing\">\(t(.htmlFailingApps))</h3>\n"
        let failing = report.apps.enumerated().filter { $0.element.findings.contains(where: \.fails) }
        if failing.isEmpty {
            out += "<p class=\"none\">\(t(.htmlNoFailingApps))</p>\n"
        } else {
            out += "<table class=\"failing\">\n<thead><tr><th>\(t(.htmlColumnApp))</th><th>\(t(.termPackageName))</th><th>\(t(.htmlColumnVerdict))</th>"
                + "<th>\(t(.htmlColumnRule))</th><th>\(t(.htmlColumnReason))</th></tr></thead>\n<tbody>\n"
            for (index, app) in failing {
                let findings = app.findings.filter(\.fails)
                out += "<tr>"
                out += "<td><a href=\"#\(Self.anchor(index))\">\(labelText(app))</a></td>"
                out += "<td>\(packageText(app))</td>"
                out += "<td>\(badge(app.verdict))</td>"
                out += "<td class=\"rules\">\(Set(findings.map(\.rule)).sorted().map { "<span class=\"rule\">\($0.rawValue)</span>" }.joined(separator: " "))</td>"
                // The location tells apart copies of one package at several places in the image.
                out += "<td>\(findings.first.map { Self.escape($0.text(language)) } ?? "")"
                    + "<div class=\"where\"><code>\(Self.path(app.record.location.description))</code></div></td>"
                out += "</tr>\n"
            }
            out += "</tbody>\n</table>\n"
        }
        let failingRun = report.findings.count(where: \.fails)
        if failingRun > 0 { out += "<p class=\"bad\"><a href=\"#run-findings\">\(t(.htmlFailingRunFindings, String(failingRun)))</a></p>\n" }
        return out
    }

    func registry(_ report: ScanReport) -> String {
        let r = report.registry
        var out = "<div class=\"facts-box\">\n<h3>\(t(.htmlRegistry))</h3>\n<dl class=\"facts\">\n"
        out += fact(.htmlRegistryFile, "<code>\(Self.path(r.path))</code>" + (r.importedFrom == nil ? "" : " <span class=\"minor\">\(t(.htmlRegistryImported))</span>"))
        out += fact(.htmlRegistryDataDate, t(.htmlRegistryAge, r.builtAt, String(r.ageDays)))
        out += fact(.htmlRegistryRecords, "\(r.recordCount)")
        out += fact(.htmlRegistrySource, Self.escape(r.source))
        out += fact(.htmlRegistrySignature, signatureText(r))
        out += fact(.htmlRegistrySHA256, "<code class=\"hash\">\(Self.escape(r.sha256))</code>")
        return out + "</dl>\n</div>\n"
    }

    /// The signature state in words; the detail (a key fingerprint, a verification failure) is a
    /// fact from the run and stays as reported.
    func signatureText(_ r: ScanReport.RegistryUsed) -> String {
        let state: String
        switch r.signature {
        case "valid": state = t(.htmlSignatureValid)
        case "missing": state = t(.htmlSignatureMissing)
        case "invalid": state = t(.htmlSignatureInvalid)
        default: state = t(.htmlSignatureUnchecked)
        }
        return "\(state) <span class=\"minor\">(\(Self.escape(r.signatureNote.text(language))))</span>"
    }

    func policy(_ report: ScanReport) -> String {
        let p = report.policy
        var out = "<div class=\"facts-box\">\n<h3>\(t(.htmlPolicy))</h3>\n<dl class=\"facts\">\n"
        out += fact(.htmlPolicyFile, p.path.map { "<code>\(Self.path($0))</code>" } ?? t(.htmlPolicyDefault))
        out += fact(.htmlPolicyFailOn, p.failOn.map { "<span class=\"rule\">\($0.rawValue)</span>" }.joined(separator: " "))
        out += fact(.htmlPolicyExemptWithoutInternet, p.exemptWithoutInternet ? t(.htmlYes) : t(.htmlNo))
        out += fact(.htmlPolicyExemptions, "\(p.exemptions)")
        out += fact(.htmlPolicyWaivers, "\(p.waivers)")
        if let baseline = report.baseline { out += fact(.htmlPolicyBaseline, "<code>\(Self.path(baseline))</code>") }
        return out + "</dl>\n</div>\n"
    }

    func fact(_ term: MessageKey, _ html: String) -> String {
        "<div><dt>\(t(term))</dt><dd>\(html)</dd></div>\n"
    }

    /// The verdict as a badge: term and mark, so it reads without colour.
    func badge(_ verdict: Verdict) -> String {
        "<span class=\"badge badge-\(verdict.rawValue)\"><span aria-hidden=\"true\">\(verdict.mark)</span> \(term(verdict))</span>"
    }

    func labelText(_ app: AssessedApp) -> String {
        app.record.label.map { Self.escape($0) } ?? "<em>\(t(.htmlNoLabel))</em>"
    }

    func packageText(_ app: AssessedApp) -> String {
        app.record.package.map { "<code>\(Self.escape($0))</code>" } ?? "<em>\(t(.htmlUnreadable))</em>"
    }
}
