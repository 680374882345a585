import PresetScanApps
import PresetScanCore

/// One line per package (location, kind, platform, package, versionCode, build, size, app filing
/// numbers[, sha256]), each followed by indented lines for its signing profile and components, then
/// the diagnostics.
public struct TableListReporter: ListReporter {
    public static let format = "table"

    /// The language of the headers and notes; the rows' facts never change with it.
    public var language: Language

    public init(language: Language = .en) { self.language = language }

    public func render(_ report: ListReport) throws -> String {
        let l = language
        let hashed = report.packages.contains { $0.sha256 != nil }
        let headers: [MessageKey] = [.listLocation, .listKind, .listPlatform, .listPackage, .listVersionCode, .listBuild, .listSize, .listFiling]
            + (hashed ? [.listSHA256] : [])
        var rows: [[String]] = [headers.map { l.text($0) }]
        // Lines printed under each package row (profile, components), not aligned as columns.
        var details: [[String]] = [[]]
        let detailLabels = [l.text(.listProfile), l.text(.listComponent)]
        let detailWidth = (detailLabels.map(\.displayWidth).max() ?? 0) + 1
        for p in report.packages {
            let r = p.record
            // Valid app filing numbers only; look-alikes and malformed ones are in the JSON.
            let filings = r.filingNumbers.filter { $0.kind == .app && $0.valid }.map(\.canonical)
            rows.append([r.location.description, r.kind, r.platform.rawValue, r.package ?? "-", r.versionCode.map(String.init) ?? "-",
                         r.build ?? "-", String(r.size), filings.isEmpty ? "-" : filings.joined(separator: ",")]
                        + (hashed ? [p.sha256 ?? "-"] : []))
            var lines: [String] = []
            if let profile = r.profile { lines.append(detailLabels[0].padded(toWidth: detailWidth) + " " + Self.describe(profile, l)) }
            for c in r.components {
                lines.append(detailLabels[1].padded(toWidth: detailWidth) + " \(c.role) \(c.path)" + (c.package.map { " \($0)" } ?? ""))
            }
            details.append(lines)
        }
        // Columns line up by terminal columns: Chinese headers, labels and paths take two per character.
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.displayWidth) } }
        var out = ""
        for (row, lines) in zip(rows, details) {
            let cells = row.enumerated().map { i, cell in i == row.count - 1 ? cell : cell.padded(toWidth: widths[i]) }
            out += cells.joined(separator: "  ") + "\n"
            for line in lines { out += "  " + line + "\n" }
        }
        out += "\n" + l.count(report.packages.count, one: .listFoundOne, many: .listFoundMany) + "\n"
        let packageErrors = report.packages.flatMap(\.record.errors)
        let all = report.diagnostics + packageErrors
        if !all.isEmpty {
            out += "\n" + l.text(.listDiagnostics) + "\n"
            for d in all { out += Self.describe(d, l) + "\n" }
        }
        if report.isIncomplete { out += "\n" + l.text(.listIncomplete) + "\n" }
        return out
    }

    /// `location: error [code] message`, the severity in `language` (the code and the parser's detail as they are).
    static func describe(_ d: Diagnostic, _ language: Language) -> String {
        let severity: MessageKey = switch d.severity {
        case .info: .diagnosticInfo
        case .warning: .severityWarning
        case .error: .severityError
        }
        return language.text(.listDiagnostic, d.location.map { "\($0): " } ?? "", language.text(severity), d.code, d.message)
    }

    /// `release, bundle cn.x, app id cn.x_BHG…, team 5J6K… (Example Ltd)`.
    static func describe(_ p: SigningProfile, _ l: Language = .en) -> String {
        let team = [p.teamIdentifier, p.teamName.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        let parts = [p.type, p.bundleName.map { l.text(.listProfileBundle, $0) }, p.appIdentifier.map { l.text(.listProfileAppId, $0) },
                     team.isEmpty ? nil : l.text(.listProfileTeam, team)].compactMap { $0 }
        return parts.isEmpty ? p.source : parts.joined(separator: l.text(.listSeparator))
    }
}
