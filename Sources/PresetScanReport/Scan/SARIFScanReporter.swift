import Foundation
import PresetScanApps
import PresetScanCore
import PresetScanPolicy

/// SARIF 2.1.0 log (OASIS "Static Analysis Results Interchange Format" 2.1.0, errata 01) for
/// code-scanning dashboards: one run, one reporting descriptor per rule PS001–PS014, one result per finding.
///
/// A SARIF location is a file, so `physicalLocation` names the outermost input file (`Location.parts[0]`)
/// and the full nested location (`update.zip!/payload.bin!/system!/…/Foo.apk`) is kept in
/// `logicalLocations[].fullyQualifiedName` and in the location's properties.
/// Suppressed findings stay in the log: level `note`, with an `external` suppression naming the reason
/// (§3.34) and their real severity in the result's properties.
public struct SARIFScanReporter: ScanReporter {
    public static let format = "sarif"
    static let schema = "https://json.schemastore.org/sarif-2.1.0.json"
    /// Key of `result.partialFingerprints` (§3.27.17): the finding fingerprint that `--baseline` uses.
    static let fingerprintKey = "presetscanFindingFingerprint/v1"

    /// Message texts and rule descriptions follow its language; `ruleId`, levels and properties never do.
    public var options: ScanRenderOptions

    public init(options: ScanRenderOptions = ScanRenderOptions()) { self.options = options }

    public func render(_ report: ScanReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(Log(report, language: options.language)), as: UTF8.self) + "\n"
    }

    /// `sarifLog` (§3.13).
    struct Log: Encodable {
        var schema = SARIFScanReporter.schema
        var version = "2.1.0"
        var runs: [Run]

        enum CodingKeys: String, CodingKey {
            case schema = "$schema", version, runs
        }

        init(_ report: ScanReport, language: Language) {
            runs = [Run(report, language: language)]
        }
    }

    /// `run` (§3.14).
    struct Run: Encodable {
        var tool: Tool
        var results: [Result]
        var columnKind = "unicodeCodePoints"
        /// The inputs with their hashes, only with `--hash-inputs`.
        var artifacts: [Artifact]?
        var properties: RunProperties

        init(_ report: ScanReport, language: Language) {
            artifacts = report.inputHashes?.map(Artifact.init)
            tool = Tool(driver: Driver(version: report.toolVersion, rules: Rule.allCases.sorted().map { ReportingDescriptor($0, language) }))
            results = report.apps.flatMap { app in app.findings.map { Result($0, app: app, language: language) } }
                + report.findings.map { Result($0, app: nil, language: language) }
            properties = RunProperties(report, language: language)
        }
    }

    struct Tool: Encodable { var driver: Driver }

    /// `toolComponent` (§3.19): the driver and its rules, in rule id order so `ruleIndex` is stable.
    struct Driver: Encodable {
        var name = "presetscan"
        var version: String
        var rules: [ReportingDescriptor]
    }

    /// `reportingDescriptor` (§3.49) of one rule.
    struct ReportingDescriptor: Encodable {
        var id: String
        var name: String
        var shortDescription: Message
        var fullDescription: Message
        var help: Message
        var defaultConfiguration: Configuration
        var properties: Properties

        struct Configuration: Encodable { var level: String }
        struct Properties: Encodable { var severity: String }

        init(_ rule: Rule, _ language: Language) {
            id = rule.rawValue
            name = rule.name
            shortDescription = Message(text: rule.summary(language))
            fullDescription = Message(text: language.text(
                .sarifDefaultSeverity, rule.summary(language), language.text(rule.defaultSeverity.term)))
            help = Message(text: rule.remedy(language))
            defaultConfiguration = Configuration(level: SARIFScanReporter.level(rule.defaultSeverity))
            properties = Properties(severity: rule.defaultSeverity.rawValue)
        }
    }

    struct Message: Encodable { var text: String }

    /// `result` (§3.27).
    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Message
        var locations: [ResultLocation]
        var partialFingerprints: [String: String]
        var suppressions: [SuppressionObject]?
        var properties: Properties

        struct Properties: Encodable {
            var rule: String
            var severity: String
            var fails: Bool
            var evidence: [String: String]
            var fingerprint: String
            /// Set on findings about one app package.
            var app: AppFacts?
        }

        struct AppFacts: Encodable {
            var identifier: String?
            var versionName: String?
            /// iOS `CFBundleVersion`.
            var build: String?
            var label: String?
            var verdict: String
            var platform: String
            /// The package kind (SPEC §7): `apk`, `hap`, `ipa`, `rpk`, ...
            var kind: String
            var filingNumber: String?
        }

        init(_ finding: Finding, app: AssessedApp?, language: Language) {
            ruleId = finding.rule.rawValue
            ruleIndex = Rule.allCases.sorted().firstIndex(of: finding.rule) ?? 0
            level = finding.suppression == nil ? SARIFScanReporter.level(finding.severity) : "note"
            message = Message(text: finding.text(language))
            locations = (finding.location ?? app?.record.location).map { [ResultLocation($0)] } ?? []
            partialFingerprints = [SARIFScanReporter.fingerprintKey: finding.fingerprint]
            suppressions = finding.suppression.map { [SuppressionObject($0, language: language)] }
            properties = Properties(
                rule: finding.rule.name, severity: finding.severity.rawValue, fails: finding.fails, evidence: finding.evidence,
                fingerprint: finding.fingerprint,
                app: app.map {
                    AppFacts(identifier: $0.record.package, versionName: $0.record.versionName, build: $0.record.build,
                             label: $0.record.label, verdict: $0.verdict.rawValue, platform: $0.platform.rawValue,
                             kind: $0.record.kind, filingNumber: $0.match?.filingNumber)
                })
        }
    }

    /// `location` (§3.28): the outer file as the physical location, the nested path as a logical one.
    struct ResultLocation: Encodable {
        var physicalLocation: PhysicalLocation
        var logicalLocations: [LogicalLocation]
        var properties: Properties

        struct PhysicalLocation: Encodable { var artifactLocation: ArtifactLocation }
        struct ArtifactLocation: Encodable { var uri: String }
        /// `logicalLocation` (§3.33); `resource` is the closest of its kinds to "a file inside a container".
        struct LogicalLocation: Encodable {
            var name: String
            var fullyQualifiedName: String
            var kind = "resource"
        }
        struct Properties: Encodable {
            var location: String
            var nestedParts: [String]
        }

        init(_ location: Location) {
            let outer = location.parts.first ?? ""
            physicalLocation = PhysicalLocation(artifactLocation: ArtifactLocation(uri: SARIFScanReporter.uri(path: outer)))
            logicalLocations = [LogicalLocation(name: location.parts.last ?? "", fullyQualifiedName: location.description)]
            properties = Properties(location: location.description, nestedParts: location.parts)
        }
    }

    /// `suppression` (§3.35): exemptions, waivers and the baseline live outside the scanned input.
    struct SuppressionObject: Encodable {
        var kind = "external"
        var status = "accepted"
        var justification: String
        var properties: Properties

        struct Properties: Encodable { var presetscanKind: String }

        init(_ suppression: Suppression, language: Language) {
            justification = suppression.reason(language)
            properties = Properties(presetscanKind: suppression.kind.rawValue)
        }
    }

    /// `artifact` (§3.24) of one input, with its length and SHA-256 (§3.24.11 `hashes`). A folder
    /// has no bytes of its own: it is a `directory` whose manifest SHA-256, file count and total
    /// size are properties (the manifest is described in the JSON report schema).
    struct Artifact: Encodable {
        var location: ResultLocation.ArtifactLocation
        var roles: [String]
        var length: UInt64?
        var hashes: [String: String]?
        var properties: Properties

        struct Properties: Encodable {
            var kind: String
            var size: UInt64
            var files: Int?
            var manifestSha256: String?
        }

        init(_ input: ScanReport.InputHash) {
            switch input.kind {
            case .file:
                location = ResultLocation.ArtifactLocation(uri: SARIFScanReporter.uri(path: input.path))
                roles = ["analysisTarget"]
                length = input.size
                hashes = ["sha-256": input.sha256]
                properties = Properties(kind: input.kind.rawValue, size: input.size)
            case .folder:
                let path = input.path.hasSuffix("/") ? input.path : input.path + "/"
                location = ResultLocation.ArtifactLocation(uri: SARIFScanReporter.uri(path: path))
                roles = ["analysisTarget", "directory"]
                properties = Properties(kind: input.kind.rawValue, size: input.size, files: input.files, manifestSha256: input.sha256)
            }
        }
    }

    /// Run-level facts: the registry snapshot and policy the verdicts depend on, and the outcome.
    struct RunProperties: Encodable {
        var inputs: [String]
        var registry: JSONScanReporter.Registry
        var policy: JSONScanReporter.PolicyDTO
        var baseline: String?
        var verdicts: [String: Int]
        var result: String
        var summary: String

        init(_ report: ScanReport, language: Language) {
            let document = JSONScanReporter.Document(report, language: language)
            inputs = report.inputs
            registry = document.registry
            policy = document.policy
            baseline = report.baseline
            verdicts = document.summary.verdicts
            result = report.outcome.rawValue
            summary = report.summaryLine(language)
        }
    }

    /// SARIF levels (§3.27.10) for presetscan severities.
    static func level(_ severity: Rule.Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        }
    }

    /// A file path as a URI reference (RFC 3986): absolute paths become `file://` URIs, relative ones
    /// stay relative; everything but unreserved characters and `/` is percent-encoded (as UTF-8).
    static func uri(path: String) -> String {
        var out = path.hasPrefix("/") ? "file://" : ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF")
                out += "%\(hex[Int(byte >> 4)])\(hex[Int(byte & 0x0F)])"
            }
        }
        return out
    }
}
