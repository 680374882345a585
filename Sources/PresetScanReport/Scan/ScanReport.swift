import PresetScanApps
import PresetScanCore
import PresetScanPolicy
import PresetScanRegistry

/// Everything `presetscan scan` concluded: apps with verdicts, run findings, and what it used.
///
/// Apps are sorted by location, findings by rule: every reporter renders it deterministically.
public struct ScanReport: Sendable, Equatable {
    /// Version of the JSON report schema (`Samples/schema/scan-report.schema.json`).
    /// 2: packages of every platform (`kind`, `platform`, `build`, `profile`, `components` in each
    /// app), SHA-1/SHA-256 fingerprints in `registryMatch`, and the verdict precedence of SPEC §4
    /// (a matching filing is `filed` even where an exemption or waiver applies).
    /// 3: rules PS012–PS014, `verificationFailure` (why `verified` is false) and `filingSystemLinks`
    /// in each app, `inputHashes` (`scan --hash-inputs`; optional, absent unless asked for).
    public static let schemaVersion = 3

    /// The snapshot the scan used, as every report names it (SPEC §3).
    public struct RegistryUsed: Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var builtAt: String
        public var ageDays: Int
        public var recordCount: Int
        public var source: String
        /// `valid`, `unchecked`, `missing`, `invalid` (SignatureState.name).
        public var signature: String
        /// Whether `<snapshot>.sig` exists (when not checked), or the verifying key (when valid), in English.
        public var signatureDetail: String
        /// `signatureDetail` for people in any language.
        public var signatureNote: Message
        /// Set when the registry was given as CSV/JSONL and imported for this run.
        public var importedFrom: String?

        public init(info: SnapshotInfo, importedFrom: String? = nil) {
            path = importedFrom ?? info.path
            sha256 = info.sha256
            builtAt = info.builtAt
            ageDays = info.ageDays
            recordCount = info.recordCount
            source = info.source
            signature = info.signature.name
            switch info.signature {
            case let .unchecked(present): signatureNote = Message(present ? .registrySignaturePresent : .registryNotSigned)
            case let .valid(fingerprint): signatureNote = Message(.registrySignatureVerified, String(fingerprint.prefix(16)))
            case .missing: signatureNote = Message(.registrySignatureMissing)
            case let .invalid(failure): signatureNote = Message(.registrySignatureInvalid, "\(failure)")
            }
            signatureDetail = signatureNote.text(.en)
            self.importedFrom = importedFrom
        }
    }

    /// The policy in force, as reports show it.
    public struct PolicyUsed: Sendable, Equatable {
        public var path: String?
        public var version: Int
        public var failOn: [Rule]
        public var exemptWithoutInternet: Bool
        public var exemptions: Int
        public var waivers: Int

        public init(_ policy: Policy) {
            path = policy.path
            version = policy.version
            failOn = policy.failOn.sorted()
            exemptWithoutInternet = policy.exemptWithoutInternet
            exemptions = policy.exemptions.count
            waivers = policy.waivers.count
        }
    }

    /// How the run ends; the CLI maps it to SPEC §5's exit codes.
    public enum Outcome: String, Sendable, Equatable {
        /// Every app filed, exempt or waived, and the whole input read (exit 0).
        case pass
        /// A finding whose rule the policy fails on (exit 1).
        case fail
        /// Nothing fails, but the input was not read completely or held no app (exit 3).
        case incomplete
    }

    public var toolVersion: String
    public var inputs: [String]
    public var registry: RegistryUsed
    public var policy: PolicyUsed
    /// The baseline report given with `--baseline`.
    public var baseline: String?
    public var apps: [AssessedApp]
    /// Findings about the run rather than one app: PS007, PS009 of containers, PS010.
    public var findings: [Finding]
    /// Every diagnostic raised while unpacking (errors also appear as PS009 findings).
    public var diagnostics: [Diagnostic]
    /// Each input's size and SHA-256, when the scan was asked for them (`--hash-inputs`).
    public var inputHashes: [InputHash]?

    public init(
        toolVersion: String, inputs: [String], registry: RegistryUsed, policy: PolicyUsed, baseline: String?,
        apps: [AssessedApp], findings: [Finding], diagnostics: [Diagnostic], inputHashes: [InputHash]? = nil
    ) {
        self.toolVersion = toolVersion
        self.inputs = inputs
        self.registry = registry
        self.policy = policy
        self.baseline = baseline
        self.apps = apps.sorted { $0.record.location < $1.record.location }
        self.findings = findings.sorted()
        self.diagnostics = diagnostics
        self.inputHashes = inputHashes
    }

    /// Every finding: each app's, then the run's.
    public var allFindings: [Finding] { apps.flatMap(\.findings) + findings }

    public var failing: [Finding] { allFindings.filter(\.fails) }

    /// Some part of the input was not read (an unsuppressed PS009).
    public var isIncomplete: Bool { allFindings.contains { $0.rule == .PS009 && $0.suppression == nil } }

    public var outcome: Outcome {
        if !failing.isEmpty { return .fail }
        if isIncomplete || apps.isEmpty { return .incomplete }
        return .pass
    }

    /// Apps per verdict, every verdict present (zero included), in report order.
    public var verdictCounts: [(Verdict, Int)] {
        Verdict.allCases.sorted().map { verdict in (verdict, apps.count { $0.verdict == verdict }) }
    }

    /// One line for logs and report headers: "7 apps: 2 filed, 3 unfiled, …; 4 failing findings", in English.
    public var summaryLine: String { summaryLine(.en) }

    /// The summary line in `language`.
    public func summaryLine(_ language: Language) -> String {
        let l = language
        let counts = verdictCounts.filter { $0.1 > 0 }.map { l.text(.summaryVerdictCount, "\($0.1)", l.text($0.0.label)) }
        let warnings = allFindings.count { $0.severity == .warning && $0.suppression == nil }
        let suppressed = allFindings.count { $0.suppression != nil }
        let tail = l.list([
            l.count(failing.count, one: .summaryFailingOne, many: .summaryFailingMany),
            l.count(warnings, one: .summaryWarningsOne, many: .summaryWarningsMany),
            l.text(.summarySuppressed, "\(suppressed)"),
        ])
        let head = l.count(apps.count, one: .summaryAppsOne, many: .summaryAppsMany)
        return counts.isEmpty ? l.text(.summaryWithoutCounts, head, tail) : l.text(.summaryWithCounts, head, l.list(counts), tail)
    }
}

extension AssessedApp {
    /// The certificate fingerprints reports show for this app: the algorithms the registry filed
    /// for it, else the one filings of its platform carry (SPEC §3: MD5 for Android, SHA-1 for iOS,
    /// SHA-256 for HarmonyOS and the others).
    var shownAlgorithms: [FingerprintAlgorithm] {
        if let filed = match?.filedAlgorithms, !filed.isEmpty { return filed }
        switch platform {
        case .android: return [.md5]
        case .ios: return [.sha1]
        case .harmony, .quickapp, .miniprogram: return [.sha256]
        }
    }

    /// The signers' digests of `algorithm`, each once, in signer order.
    func signerFingerprints(_ algorithm: FingerprintAlgorithm) -> [String] {
        var out: [String] = []
        for signer in record.signers where !out.contains(signer.fingerprint(algorithm)) { out.append(signer.fingerprint(algorithm)) }
        return out
    }

    /// `2.1 (45)`: the version name with the iOS build number, when there is one.
    var versionText: String? {
        switch (record.versionName, record.build) {
        case let (name?, build?): "\(name) (\(build))"
        case let (name?, nil): name
        case let (nil, build?): "(\(build))"
        case (nil, nil): nil
        }
    }
}

/// Renders a `ScanReport` in one format (SPEC §5). One conforming type per format, each in its own file.
public protocol ScanReporter: Sendable {
    static var format: String { get }
    /// Presentation: the language of every text for people, colours.
    var options: ScanRenderOptions { get }
    func render(_ report: ScanReport) throws -> String
}

/// Options that change presentation only, never content.
public struct ScanRenderOptions: Sendable {
    /// ANSI colours in the table (a terminal without `NO_COLOR`, or `--color always`).
    public var color: Bool
    /// The language of every text for people (SPEC §8); machine fields never change with it.
    public var language: Language

    public init(color: Bool = false, language: Language = .en) {
        self.color = color
        self.language = language
    }
}

extension Finding {
    /// `PS001 error unfiled-app: …` in English; `PS001 错误 未备案应用：…` in Chinese.
    func line(_ language: Language) -> String {
        language.text(.scanFindingLine, rule.rawValue, language.text(severity.term), rule.title(language), text(language))
    }
}
