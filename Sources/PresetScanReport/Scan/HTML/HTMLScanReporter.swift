import PresetScanApps
import PresetScanCore
import PresetScanPolicy

/// One self-contained HTML page a QA lead prints and a regulator files (issue 13), in the report's
/// language: an overview first (outcome, a verdict chart, the failing apps, the registry and policy),
/// then the apps grouped by verdict as cards with their evidence folded, then the run findings and
/// diagnostics.
///
/// No external resource of any kind. The one inline script (filters) and the one style sheet are
/// allowed by their SHA-256 in the Content-Security-Policy, and nothing else is: a hostile label that
/// slipped through escaping still could not run or fetch anything. The page reads fully with
/// scripts off (the filter controls stay hidden) and prints with the evidence open.
/// Every text from input is escaped. Deterministic: no timestamps, no random nonce.
public struct HTMLScanReporter: ScanReporter {
    public static let format = "html"

    public var options: ScanRenderOptions

    public init(options: ScanRenderOptions = ScanRenderOptions()) { self.options = options }

    var language: Language { options.language }

    public func render(_ report: ScanReport) throws -> String {
        let outcome = Message(report.outcome.key).text(language)
        let title = Message(.htmlDocumentTitle, outcome).text(language)
        // Hash sources, not a nonce: a nonce must be unpredictable per response, which a
        // deterministic report (golden files, reproducible builds) cannot be; the script and style
        // are constants, so their hashes pin exactly them. OpenSSL is not linked here, hence the
        // small SHA-256 of HTMLDigest.
        let csp = "default-src 'none'; style-src '\(HTMLDigest.cspSource(Self.style))'; script-src '\(HTMLDigest.cspSource(Self.script))'; "
            + "img-src 'none'; form-action 'none'; base-uri 'none'"
        var out = """
            <!DOCTYPE html>
            <html lang="\(language.tag)">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(csp)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="presetscan \(Self.escape(report.toolVersion))">
            <title>\(Self.escape(title))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <main>

            """
        out += "<header class=\"page-head\">\n<h1>\(t(.htmlHeading))</h1>\n"
        out += "<p class=\"inputs\"><span class=\"k\">\(t(.htmlInputs))</span> "
            + report.inputs.map { "<code>\(Self.path($0))</code>" }.joined(separator: " ") + "</p>\n</header>\n"
        out += overview(report)
        out += filters(report)
        out += apps(report)
        out += runFindings(report)
        out += diagnostics(report)
        out += "<footer>\(t(.htmlFooter, report.toolVersion, String(ScanReport.schemaVersion)))</footer>\n"
        out += "</main>\n<script>\(Self.script)</script>\n</body>\n</html>\n"
        return out
    }

    // MARK: Text

    /// The catalogue text for `key` in the report's language, escaped (arguments are input).
    func t(_ key: MessageKey, _ arguments: String...) -> String {
        Self.escape(Message(key, arguments: arguments).text(language))
    }

    func term(_ verdict: Verdict) -> String { t(verdict.term) }
}

extension ScanReport.Outcome {
    var key: MessageKey {
        switch self {
        case .pass: .outcomePass
        case .fail: .outcomeFail
        case .incomplete: .outcomeIncomplete
        }
    }
}

extension Verdict {
    /// Needs action: fails unless something suppresses it.
    var needsAction: Bool { rank < Verdict.waived.rank }

    /// A shape beside the term, so the verdict reads without colour (greyscale print).
    var mark: String {
        switch self {
        case .unfiled, .certificateMismatch, .filingNotActive: "✕"
        case .waived, .exempt: "○"
        case .filed: "✓"
        }
    }
}
