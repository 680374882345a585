import PresetScanApps
import PresetScanCore

/// One line per package (location, kind, platform, package, versionCode, build, size, app filing
/// numbers[, sha256]), each followed by indented lines for its signing profile and components, then
/// the diagnostics.
public struct TableListReporter: ListReporter {
    public static let format = "table"

    public init() {}

    public func render(_ report: ListReport) throws -> String {
        let hashed = report.packages.contains { $0.sha256 != nil }
        var rows: [[String]] = [["LOCATION", "KIND", "PLATFORM", "PACKAGE", "VERSIONCODE", "BUILD", "SIZE", "FILING"]
            + (hashed ? ["SHA256"] : [])]
        // Lines printed under each package row (profile, components), not aligned as columns.
        var details: [[String]] = [[]]
        for p in report.packages {
            let r = p.record
            // Valid app filing numbers only; look-alikes and malformed ones are in the JSON.
            let filings = r.filingNumbers.filter { $0.kind == .app && $0.valid }.map(\.canonical)
            rows.append([r.location.description, r.kind, r.platform.rawValue, r.package ?? "-", r.versionCode.map(String.init) ?? "-",
                         r.build ?? "-", String(r.size), filings.isEmpty ? "-" : filings.joined(separator: ",")]
                        + (hashed ? [p.sha256 ?? "-"] : []))
            var lines: [String] = []
            if let profile = r.profile { lines.append("profile    " + Self.describe(profile)) }
            for c in r.components {
                lines.append("component  \(c.role) \(c.path)" + (c.package.map { " \($0)" } ?? ""))
            }
            details.append(lines)
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for (row, lines) in zip(rows, details) {
            let cells = row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padding(widths[i]) }
            out += cells.joined(separator: "  ") + "\n"
            for line in lines { out += "  " + line + "\n" }
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

    /// `release, bundle cn.x, app id cn.x_BHG…, team 5J6K… (Example Ltd)`.
    static func describe(_ p: SigningProfile) -> String {
        let team = [p.teamIdentifier, p.teamName.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        let parts = [p.type, p.bundleName.map { "bundle \($0)" }, p.appIdentifier.map { "app id \($0)" },
                     team.isEmpty ? nil : "team \(team)"].compactMap { $0 }
        return parts.isEmpty ? p.source : parts.joined(separator: ", ")
    }
}
