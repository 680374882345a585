import Foundation
import PresetScanApps
import PresetScanCore
import PresetScanPolicy

/// One row per app package for spreadsheets: RFC 4180 (CRLF records, fields quoted when they hold a
/// comma, quote or line break, quotes doubled), UTF-8 with a byte-order mark so Excel reads the
/// Chinese names right. Multi-valued cells are space-separated (hashes, rule ids once each) or
/// `; `-separated (text).
///
/// Labels, names and sponsors come from hostile packages and registries: a cell that a spreadsheet
/// would take for a formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`
/// (OWASP "CSV injection"). Other C0 control characters are dropped.
public struct CSVScanReporter: ScanReporter {
    public static let format = "csv"

    static let columns = [
        "location", "identifier", "platform", "kind", "version", "build", "label", "verdict", "filing_number", "app_name", "sponsor",
        "status", "cert_md5", "cert_sha1", "cert_sha256", "filed_cert_md5", "filed_cert_sha1", "filed_cert_sha256",
        "embedded_filing_numbers", "findings", "failing", "suppressed",
    ]

    /// Column names are machine keys; cell texts for people (suppression reasons) follow its language.
    public var options: ScanRenderOptions

    public init(options: ScanRenderOptions = ScanRenderOptions()) { self.options = options }

    /// With `--hash-inputs`, after the others: the input each app was found in, its size and SHA-256
    /// (a folder's: of its manifest). Columns rather than a comment line, which CSV readers would
    /// take for the header.
    static let inputColumns = ["input", "input_size", "input_sha256"]

    public func render(_ report: ScanReport) throws -> String {
        let hashed = report.inputHashes != nil
        var out = "\u{FEFF}" + Self.row(Self.columns + (hashed ? Self.inputColumns : []))
        for app in report.apps {
            var cells = cells(app)
            if hashed {
                let inputs = report.inputHashes(for: app.record.location)
                cells += [inputs.map(\.path).joined(separator: " "), inputs.map { "\($0.size)" }.joined(separator: " "),
                          inputs.map(\.sha256).joined(separator: " ")]
            }
            out += Self.row(cells)
        }
        return out
    }

    private func cells(_ app: AssessedApp) -> [String] {
        let record = app.record
        let match = app.match
        let embedded = record.filingNumbers.filter { $0.kind == .app }.map { $0.valid ? $0.canonical : $0.raw }
        let suppressed = app.findings.compactMap { finding in
            finding.suppression.map { options.language.text(.csvSuppressed, finding.rule.rawValue, options.language.text($0.kind.term), $0.reason(options.language)) }
        }
        return [
            record.location.description,
            record.package ?? "",
            record.platform.rawValue,
            record.kind,
            record.versionName ?? "",
            record.build ?? "",
            record.label ?? "",
            app.verdict.rawValue,
            match?.filingNumber ?? "",
            match?.appName ?? "",
            match?.sponsor ?? "",
            match?.status.rawValue ?? "",
            app.signerFingerprints(.md5).joined(separator: " "),
            app.signerFingerprints(.sha1).joined(separator: " "),
            app.signerFingerprints(.sha256).joined(separator: " "),
            (match?.filedCertificateMD5s ?? []).joined(separator: " "),
            (match?.filedCertificateSHA1s ?? []).joined(separator: " "),
            (match?.filedCertificateSHA256s ?? []).joined(separator: " "),
            embedded.joined(separator: " "),
            Set(app.findings.map(\.rule)).sorted().map(\.rawValue).joined(separator: " "),
            Set(app.findings.filter(\.fails).map(\.rule)).sorted().map(\.rawValue).joined(separator: " "),
            suppressed.joined(separator: "; "),
        ]
    }

    static func row(_ cells: [String]) -> String {
        cells.map(field).joined(separator: ",") + "\r\n"
    }

    /// One field: neutralised against formula injection, then quoted if RFC 4180 needs it.
    static func field(_ value: String) -> String {
        var value = String(String.UnicodeScalarView(value.unicodeScalars.filter { $0.value >= 0x20 || $0 == "\t" || $0 == "\n" || $0 == "\r" }))
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
