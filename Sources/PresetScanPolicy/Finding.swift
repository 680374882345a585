import PresetScanCore

/// One rule that fired, on an app or on the run (registry, policy, unreadable input).
public struct Finding: Codable, Sendable, Equatable, Comparable {
    public var rule: Rule
    public var severity: Rule.Severity
    public var message: String
    /// Where: the package, the container part that failed, or the policy file.
    public var location: Location?
    /// Facts behind the finding, for reports and baselines: `filingNumber`, `certMD5`, `source`, ...
    public var evidence: [String: String]
    /// Set when a policy exemption, a waiver or the baseline keeps the finding from failing.
    public var suppression: Suppression?
    /// Whether this finding fails the build: its rule is in the policy's `failOn` and nothing suppresses it.
    public var fails: Bool
    /// Stable identity across builds, for `--baseline`: rule, app identifier (or location) and evidence.
    public var fingerprint: String

    public init(
        _ rule: Rule, _ message: String, location: Location?, subject: String? = nil, evidence: [String: String] = [:]
    ) {
        self.rule = rule
        self.severity = rule.defaultSeverity
        self.message = message
        self.location = location
        self.evidence = evidence
        self.suppression = nil
        self.fails = false
        let key = evidence.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        self.fingerprint = "\(rule.rawValue)|\(subject ?? location?.description ?? "")|\(key)"
    }

    public static func < (a: Finding, b: Finding) -> Bool {
        (a.rule, a.location?.description ?? "", a.message) < (b.rule, b.location?.description ?? "", b.message)
    }
}

/// Why a finding does not fail the build; it stays visible in every report.
public struct Suppression: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable {
        /// A policy exemption (by identifier pattern, or `exemptWithoutInternet`).
        case exemption
        /// A policy waiver that has not expired.
        case waiver
        /// The same finding is in the baseline report (`--baseline`): known, not new.
        case baseline
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }
}

extension Finding {
    /// The finding's message for people in `language`.
    // TODO(issue 13, language helper): render from a catalogue `Message`; English only until then.
    public func text(_ language: Language) -> String { message }
}

extension Rule {
    /// `summary` in `language`.
    // TODO(issue 13, language helper): from the catalogue.
    public func summary(_ language: Language) -> String { summary }

    /// `remedy` in `language`.
    // TODO(issue 13, language helper): from the catalogue.
    public func remedy(_ language: Language) -> String { remedy }
}
