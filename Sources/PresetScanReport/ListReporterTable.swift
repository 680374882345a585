import PresetScanApps
import PresetScanCore

/// One line per package (location, kind, package, versionCode, size, app filing numbers[, sha256]),
/// then the diagnostics.
public struct TableListReporter: ListReporter {
    public static let format = "table"

    public init() {}

    public func render(_ report: ListReport) throws -> String {
        let hashed = report.packages.contains { $0.sha256 != nil }
        var rows: [[String]] = [["LOCATION", "KIND", "PACKAGE", "VERSIONCODE", "SIZE", "FILING"] + (hashed ? ["SHA256"] : [])]
        for p in report.packages {
            let r = p.record
            // Valid app filing numbers only; look-alikes and malformed ones are in the JSON.
            let filings = r.filingNumbers.filter { $0.kind == .app && $0.valid }.map(\.canonical)
            rows.append([r.location.description, r.kind, r.package ?? "-", r.versionCode.map(String.init) ?? "-", String(r.size),
                         filings.isEmpty ? "-" : filings.joined(separator: ",")]
                        + (hashed ? [p.sha256 ?? "-"] : []))
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for row in rows {
            let cells = row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(widths[i]) }
            out += cells.joined(separator: "  ") + "\n"
        }
        out += "\n\(report.packages.count) app package\(report.packages.count == 1 ? "" : "s") found\n"
        let packageErrors = report.packages.flatMap(\.record.errors)
        let all = report.diagnostics + packageErrors
        if !all.isEmpty {
            out += "\nDIAGNOSTICS\n"
            for d in all { out += "\(d)\n" }
        }
        if report.isIncomplete { out += "\nincomplete (PS009): part of the input could not be read\n" }
        return out
    }
}
