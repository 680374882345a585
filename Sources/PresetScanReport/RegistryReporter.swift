import Foundation
import PresetScanCore

/// Renders the registry commands' documents as a table for a person or as JSON.
public struct RegistryReporter: Sendable {
    public var format: RegistryFormat
    /// The language of the table's labels and notes; JSON never changes with it.
    public var language: Language

    public init(format: RegistryFormat, language: Language = .en) {
        self.format = format
        self.language = language
    }

    public func render(_ report: RegistryInfoReport) throws -> String {
        if format == .json { return try json(report) }
        let l = language
        let labels: [MessageKey] = [
            .regSchema, .regBuiltAt, .regSource, .regRecords, .regFilings, .regIdentifiers, .regCertificates, .regPlatforms,
            .regStatuses, .regFingerprints, .regContent, .regSignature,
        ]
        let width = max(12, labels.map { l.text($0).displayWidth }.max() ?? 0)
        var out = "\(report.path)\n"
        func row(_ key: String, _ value: String) { out += "  " + key.padded(toWidth: width) + " " + value + "\n" }
        func row(_ key: MessageKey, _ value: String) { row(l.text(key), value) }
        row("sha256", report.sha256)
        row(.regSchema, String(report.schemaVersion))
        let age: MessageKey = report.stale ? .regAgeStale : report.ageDays == 1 ? .regAgeOne : .regAge
        row(.regBuiltAt, l.text(age, report.builtAt, "\(report.ageDays)"))
        row(.regSource, report.source)
        row(.regRecords, String(report.recordCount))
        row(.regFilings, String(report.filings))
        row(.regIdentifiers, String(report.identifiers))
        row(.regCertificates, String(report.certificates))
        row(.regPlatforms, Self.counts(report.countsByPlatform))
        row(.regStatuses, Self.counts(report.countsByStatus))
        row(.regFingerprints, Self.counts(report.countsByFingerprint))
        row(.regContent, report.contentDigest)
        row(.regSignature, report.signatureDetail)
        return out
    }

    public func render(_ report: RegistryLookupReport) throws -> String {
        if format == .json { return try json(report) }
        var out = ""
        for query in report.queries {
            let kind = "\(query.kind)"
            out += query.matches.isEmpty
                ? language.text(.regNotInRegistry, query.query, kind)
                : language.text(query.matches.count == 1 ? .regFilingFound : .regFilingsFound, query.query, kind, "\(query.matches.count)")
            out += "\n"
            for match in query.matches { out += filing(match, indent: "  ") }
        }
        return out
    }

    public func render(_ report: RegistryDiffReport) throws -> String {
        if format == .json { return try json(report) }
        var out = "\(report.old) -> \(report.new)\n"
        if report.added.isEmpty, report.removed.isEmpty, report.statusChanged.isEmpty, report.appsChanged.isEmpty {
            return out + language.text(.regNoChanges) + "\n"
        }
        func ref(_ f: RegistryDiffReport.FilingRef) -> String { "\(f.filingNumber)  \(f.appName)  (\(f.sponsor))" }
        let l = language
        for f in report.added { out += l.text(.regAdded, ref(f), f.status) + "\n" }
        for f in report.removed { out += l.text(.regRemoved, ref(f)) + "\n" }
        for c in report.statusChanged { out += l.text(.regStatusChanged, ref(c.filing), c.from, c.to) + "\n" }
        for c in report.appsChanged {
            out += l.text(.regChanged, ref(c.filing)) + "\n"
            for i in c.identifiersAdded { out += l.text(.regIdentifierAdded, i) + "\n" }
            for i in c.identifiersRemoved { out += l.text(.regIdentifierRemoved, i) + "\n" }
            for i in c.certificatesAdded { out += l.text(.regCertificateAdded, i) + "\n" }
            for i in c.certificatesRemoved { out += l.text(.regCertificateRemoved, i) + "\n" }
        }
        return out
    }

    private func filing(_ f: RegistryFilingView, indent: String) -> String {
        var out = "\(indent)\(f.filingNumber)  \(f.appName)  (\(f.sponsor))  \(f.status)"
        if let approved = f.approvedOn { out += language.text(.regApproved, approved) }
        out += "\n"
        for i in f.identifiers {
            out += "\(indent)  \(i.platform) \(i.identifier)\n"
            for md5 in i.certMD5s { out += "\(indent)    md5 \(md5)\n" }
            for sha1 in i.certSHA1s { out += "\(indent)    sha1 \(sha1)\n" }
            for sha256 in i.certSHA256s { out += "\(indent)    sha256 \(sha256)\n" }
            for key in i.publicKeys { out += "\(indent)    key \(key.count > 64 ? String(key.prefix(61)) + "..." : key)\n" }
            if i.certMD5s.isEmpty, i.certSHA1s.isEmpty, i.certSHA256s.isEmpty, i.publicKeys.isEmpty { out += "\(indent)    " + language.text(.regNoCertificate) + "\n" }
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
