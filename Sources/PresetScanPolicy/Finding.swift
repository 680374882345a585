import PresetScanCore

/// One rule that fired, on an app or on the run (registry, policy, unreadable input).
public struct Finding: Codable, Sendable, Equatable, Comparable {
    public var rule: Rule
    public var severity: Rule.Severity
    /// The message in English: stable text for logs, sorting and tests (`content` renders it in any language).
    public var message: String
    /// The message as a catalogue key and its facts (SPEC §8); `text(_:)` renders it.
    public var content: Message
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
        _ rule: Rule, _ content: Message, location: Location?, subject: String? = nil, evidence: [String: String] = [:]
    ) {
        self.rule = rule
        self.severity = rule.defaultSeverity
        self.content = content
        self.message = content.text(.en)
        self.location = location
        self.evidence = evidence
        self.suppression = nil
        self.fails = false
        let key = evidence.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        self.fingerprint = "\(rule.rawValue)|\(subject ?? location?.description ?? "")|\(key)"
    }

    /// A finding whose text was made outside the catalogue: it reads the same in every language.
    public init(
        _ rule: Rule, _ message: String, location: Location?, subject: String? = nil, evidence: [String: String] = [:]
    ) {
        self.init(rule, Message(.findingVerbatim, message), location: location, subject: subject, evidence: evidence)
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
    /// The reason in English; `note` renders it in any language.
    public var reason: String
    public var note: Message

    public init(_ kind: Kind, _ note: Message) {
        self.kind = kind
        self.note = note
        self.reason = note.text(.en)
    }

    /// A reason made outside the catalogue: it reads the same in every language.
    public init(_ kind: Kind, _ reason: String) {
        self.init(kind, Message(.findingVerbatim, reason))
    }

    /// The reason for people in `language`.
    public func reason(_ language: Language) -> String { note.text(language) }
}

extension Suppression.Kind {
    /// The kind's name for people (`rawValue` stays the machine name).
    public var term: MessageKey {
        switch self {
        case .exemption: .suppressionKindExemption
        case .waiver: .suppressionKindWaiver
        case .baseline: .suppressionKindBaseline
        }
    }
}

extension Finding {
    /// The finding's message for people in `language`.
    public func text(_ language: Language) -> String { content.text(language) }
}
