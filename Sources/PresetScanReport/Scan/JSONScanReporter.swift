import Foundation
import PresetScanApps
import PresetScanCore
import PresetScanPolicy

/// The versioned JSON report: the app records of `list`/`inspect` plus verdict, registry match and
/// findings, and the snapshot and policy used. Keys sorted, pretty-printed; read back by `--baseline`.
public struct JSONScanReporter: ScanReporter {
    public static let format = "json"
    /// Texts for people (`message`, `reason`, `signatureDetail`) follow its language; keys,
    /// verdicts, rules and fingerprints never do.
    public var options: ScanRenderOptions

    public init(options: ScanRenderOptions = ScanRenderOptions()) { self.options = options }

    public func render(_ report: ScanReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Document(report, language: options.language)), as: UTF8.self) + "\n"
    }

    /// Fingerprints of every finding in a JSON scan report, for `--baseline`.
    public static func fingerprints(in data: Data) throws -> Set<String> {
        let document = try JSONDecoder().decode(BaselineDocument.self, from: data)
        guard document.format == Document.formatName else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not a presetscan scan report (format \"\(document.format)\")"))
        }
        return Set((document.apps.flatMap(\.findings) + document.findings).map(\.fingerprint))
    }

    private struct BaselineDocument: Decodable {
        struct Item: Decodable { var fingerprint: String }
        struct App: Decodable { var findings: [Item] }
        var format: String
        var apps: [App]
        var findings: [Item]
    }

    struct Document: Encodable {
        static let formatName = "presetscan-scan-report"
        var format = Document.formatName
        var schemaVersion = ScanReport.schemaVersion
        var tool: Tool
        var inputs: [String]
        /// Only with `--hash-inputs`; absent otherwise.
        var inputHashes: [ScanReport.InputHash]?
        var registry: Registry
        var policy: PolicyDTO
        var baseline: String?
        var summary: Summary
        var apps: [App]
        var findings: [FindingDTO]
        var diagnostics: [Diagnostic]

        init(_ report: ScanReport, language: Language) {
            tool = Tool(name: "presetscan", version: report.toolVersion)
            inputs = report.inputs
            inputHashes = report.inputHashes
            let r = report.registry
            registry = Registry(path: r.path, sha256: r.sha256, builtAt: r.builtAt, ageDays: r.ageDays, recordCount: r.recordCount,
                                source: r.source, signature: r.signature, signatureDetail: r.signatureNote.text(language), importedFrom: r.importedFrom)
            let p = report.policy
            policy = PolicyDTO(path: p.path, version: p.version, failOn: p.failOn.map(\.rawValue), exemptWithoutInternet: p.exemptWithoutInternet,
                               exemptions: p.exemptions, waivers: p.waivers)
            baseline = report.baseline
            let all = report.allFindings
            summary = Summary(
                apps: report.apps.count,
                verdicts: Dictionary(uniqueKeysWithValues: report.verdictCounts.map { ($0.0.rawValue, $0.1) }),
                failing: all.count(where: \.fails), errors: all.count { $0.severity == .error && $0.suppression == nil },
                warnings: all.count { $0.severity == .warning && $0.suppression == nil },
                suppressed: all.count { $0.suppression != nil }, complete: !report.isIncomplete, result: report.outcome.rawValue)
            apps = report.apps.map { App(app: $0, language: language) }
            findings = report.findings.map { FindingDTO($0, language: language) }
            diagnostics = report.diagnostics
        }
    }

    struct Tool: Encodable { var name: String; var version: String }

    struct Registry: Encodable {
        var path: String
        var sha256: String
        var builtAt: String
        var ageDays: Int
        var recordCount: Int
        var source: String
        var signature: String
        var signatureDetail: String
        var importedFrom: String?
    }

    struct PolicyDTO: Encodable {
        var path: String?
        var version: Int
        var failOn: [String]
        var exemptWithoutInternet: Bool
        var exemptions: Int
        var waivers: Int
    }

    struct Summary: Encodable {
        var apps: Int
        var verdicts: [String: Int]
        var failing: Int
        var errors: Int
        var warnings: Int
        var suppressed: Int
        var complete: Bool
        /// `pass`, `fail` or `incomplete`.
        var result: String
    }

    /// An app record with its verdict: the record's own keys (`kind`, `platform`, `build`,
    /// `profile`, `components`, ...) plus `verdict`, `registryMatch`, `findings` and `sha256`.
    struct App: Encodable {
        var app: AssessedApp
        var language: Language

        enum Keys: String, CodingKey { case verdict, registryMatch, findings, sha256 }

        func encode(to encoder: any Encoder) throws {
            try app.record.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(app.verdict, forKey: .verdict)
            if let match = app.match {
                try container.encode(match, forKey: .registryMatch)
            } else {
                try container.encodeNil(forKey: .registryMatch)
            }
            try container.encode(app.findings.map { FindingDTO($0, language: language) }, forKey: .findings)
            if let sha256 = app.sha256 { try container.encode(sha256, forKey: .sha256) } else { try container.encodeNil(forKey: .sha256) }
        }
    }

    struct FindingDTO: Encodable {
        var ruleId: String
        var rule: String
        var severity: String
        var message: String
        var location: String?
        var evidence: [String: String]
        var suppression: SuppressionDTO?
        var fails: Bool
        var fingerprint: String

        struct SuppressionDTO: Encodable {
            var kind: String
            var reason: String
        }

        init(_ f: Finding, language: Language) {
            ruleId = f.rule.rawValue
            rule = f.rule.name
            severity = f.severity.rawValue
            message = f.text(language)
            location = f.location?.description
            evidence = f.evidence
            suppression = f.suppression.map { SuppressionDTO(kind: $0.kind.rawValue, reason: $0.reason(language)) }
            fails = f.fails
            fingerprint = f.fingerprint
        }

        func encode(to encoder: any Encoder) throws {
            enum K: String, CodingKey { case ruleId, rule, severity, message, location, evidence, suppression, fails, fingerprint }
            var c = encoder.container(keyedBy: K.self)
            try c.encode(ruleId, forKey: .ruleId)
            try c.encode(rule, forKey: .rule)
            try c.encode(severity, forKey: .severity)
            try c.encode(message, forKey: .message)
            try c.encode(location, forKey: .location)
            try c.encode(evidence, forKey: .evidence)
            try c.encode(suppression, forKey: .suppression)
            try c.encode(fails, forKey: .fails)
            try c.encode(fingerprint, forKey: .fingerprint)
        }
    }
}
