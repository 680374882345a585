import Foundation

/// Renders the registry commands' documents as a table for a person or as JSON.
public struct RegistryReporter: Sendable {
    public var format: RegistryFormat

    public init(format: RegistryFormat) {
        self.format = format
    }

    public func render(_ report: RegistryInfoReport) throws -> String {
        if format == .json { return try json(report) }
        var out = "\(report.path)\n"
        func row(_ key: String, _ value: String) { out += "  " + key.padding(12) + " " + value + "\n" }
        row("sha256", report.sha256)
        row("schema", String(report.schemaVersion))
        row("built_at", "\(report.builtAt) (\(report.ageDays) day\(report.ageDays == 1 ? "" : "s") old\(report.stale ? ", STALE: over 30 days" : ""))")
        row("source", report.source)
        row("records", String(report.recordCount))
        row("filings", String(report.filings))
        row("identifiers", String(report.identifiers))
        row("certificates", String(report.certificates))
        row("platforms", Self.counts(report.countsByPlatform))
        row("statuses", Self.counts(report.countsByStatus))
        row("fingerprints", Self.counts(report.countsByFingerprint))
        row("content", report.contentDigest)
        row("signature", report.signatureDetail)
        return out
    }

    public func render(_ report: RegistryLookupReport) throws -> String {
        if format == .json { return try json(report) }
        var out = ""
        for query in report.queries {
            out += "\(query.query) (\(query.kind)): "
            out += query.matches.isEmpty ? "not in the registry\n" : "\(query.matches.count) filing\(query.matches.count == 1 ? "" : "s")\n"
            for filing in query.matches { out += Self.filing(filing, indent: "  ") }
        }
        return out
    }

    public func render(_ report: RegistryDiffReport) throws -> String {
        if format == .json { return try json(report) }
        var out = "\(report.old) -> \(report.new)\n"
        if report.added.isEmpty, report.removed.isEmpty, report.statusChanged.isEmpty, report.appsChanged.isEmpty {
            return out + "  no changes\n"
        }
        func ref(_ f: RegistryDiffReport.FilingRef) -> String { "\(f.filingNumber)  \(f.appName)  (\(f.sponsor))" }
        for f in report.added { out += "  + added      \(ref(f)) [\(f.status)]\n" }
        for f in report.removed { out += "  - removed    \(ref(f))\n" }
        for c in report.statusChanged { out += "  ! status     \(ref(c.filing)): \(c.from) -> \(c.to)\n" }
        for c in report.appsChanged {
            out += "  ~ changed    \(ref(c.filing))\n"
            for i in c.identifiersAdded { out += "      + identifier  \(i)\n" }
            for i in c.identifiersRemoved { out += "      - identifier  \(i)\n" }
            for i in c.certificatesAdded { out += "      + certificate \(i)\n" }
            for i in c.certificatesRemoved { out += "      - certificate \(i)\n" }
        }
        return out
    }

    private static func filing(_ f: RegistryFilingView, indent: String) -> String {
        var out = "\(indent)\(f.filingNumber)  \(f.appName)  (\(f.sponsor))  \(f.status)"
        if let approved = f.approvedOn { out += "  approved \(approved)" }
        out += "\n"
        for i in f.identifiers {
            out += "\(indent)  \(i.platform) \(i.identifier)\n"
            for md5 in i.certMD5s { out += "\(indent)    md5 \(md5)\n" }
            for sha1 in i.certSHA1s { out += "\(indent)    sha1 \(sha1)\n" }
            for sha256 in i.certSHA256s { out += "\(indent)    sha256 \(sha256)\n" }
            for key in i.publicKeys { out += "\(indent)    key \(key.count > 64 ? String(key.prefix(61)) + "..." : key)\n" }
            if i.certMD5s.isEmpty, i.certSHA1s.isEmpty, i.certSHA256s.isEmpty, i.publicKeys.isEmpty { out += "\(indent)    (no certificate data)\n" }
        }
        return out
    }

    private static func counts(_ counts: [String: Int]) -> String {
        counts.isEmpty ? "-" : counts.keys.sorted().map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: ", ")
    }

    private func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }
}
