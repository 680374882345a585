import PresetScanCore
import PresetScanPolicy

/// What is about the run rather than one app (registry, policy, unreadable parts), the unpacking
/// diagnostics, and the filter controls the script shows.
extension HTMLScanReporter {
    func runFindings(_ report: ScanReport) -> String {
        var out = "<section id=\"run-findings\">\n<h2>\(t(.htmlRunFindings)) <span class=\"count\">\(report.findings.count)</span></h2>\n"
        if report.findings.isEmpty { return out + "<p class=\"none\">\(t(.htmlRunFindingsNone))</p>\n</section>\n" }
        out += "<ul class=\"findings run\">\n"
        for item in report.findings { out += "<li>\(finding(item, withLocation: true, withRemedy: true))</li>\n" }
        return out + "</ul>\n</section>\n"
    }

    func diagnostics(_ report: ScanReport) -> String {
        guard !report.diagnostics.isEmpty else { return "" }
        var out = "<section id=\"diagnostics\">\n<h2>\(t(.htmlDiagnostics)) <span class=\"count\">\(report.diagnostics.count)</span></h2>\n"
        out += "<table class=\"diagnostics\">\n<thead><tr><th>\(t(.htmlColumnSeverity))</th><th>\(t(.htmlColumnCode))</th><th>\(t(.htmlColumnMessage))</th>"
            + "<th>\(t(.htmlColumnWhere))</th></tr></thead>\n<tbody>\n"
        for d in report.diagnostics {
            out += "<tr><td>\(severity(d.severity.rawValue))</td><td><code>\(Self.escape(d.code))</code></td><td>\(Self.escape(d.message))</td>"
                + "<td>\(d.location.map { "<code>\(Self.path($0.description))</code>" } ?? "")</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n</section>\n"
    }

    /// Hidden until the script runs: without scripts (or on paper) every app shows, unfiltered.
    func filters(_ report: ScanReport) -> String {
        guard !report.apps.isEmpty else { return "" }
        var out = "<div id=\"filters\" class=\"filters\" role=\"search\" hidden data-shown=\"\(t(.htmlFilterShown))\">\n"
        out += "<label>\(t(.htmlFilterVerdict)) <select id=\"filter-verdict\"><option value=\"\">\(t(.htmlFilterAll))</option>"
        for (verdict, count) in report.verdictCounts where count > 0 {
            out += "<option value=\"\(verdict.rawValue)\">\(term(verdict)) (\(count))</option>"
        }
        out += "</select></label>\n"
        out += "<label>\(t(.htmlFilterRule)) <select id=\"filter-rule\"><option value=\"\">\(t(.htmlFilterAll))</option>"
        for rule in Set(report.apps.flatMap { $0.findings.map(\.rule) }).sorted() {
            out += "<option value=\"\(rule.rawValue)\">\(rule.rawValue) \(rule.name)</option>"
        }
        out += "</select></label>\n"
        out += "<label class=\"search\">\(t(.htmlFilterSearch)) <input id=\"filter-text\" type=\"search\" autocomplete=\"off\" "
            + "placeholder=\"\(t(.htmlFilterSearchHint))\"></label>\n"
        out += "<output id=\"filter-count\" aria-live=\"polite\"></output>\n"
        return out + "</div>\n"
    }
}
