import PresetScanCore

/// The rules of SPEC §4. Ids are stable: SARIF `ruleId`, JUnit names, waiver and policy keys.
public enum Rule: String, CaseIterable, Codable, Sendable, Comparable {
    case PS001, PS002, PS003, PS004, PS005, PS006, PS007, PS008, PS009, PS010, PS011, PS012, PS013, PS014

    /// Severity of a finding (SPEC §4 "default severity").
    public enum Severity: String, Codable, Sendable, Comparable {
        case error, warning

        public static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    public static func < (a: Rule, b: Rule) -> Bool { a.rawValue < b.rawValue }

    public var id: String { rawValue }

    /// The rule's stable name (SPEC §4).
    public var name: String {
        switch self {
        case .PS001: "unfiled-app"
        case .PS002: "certificate-mismatch"
        case .PS003: "filing-not-active"
        case .PS004: "displayed-number-mismatch"
        case .PS005: "malformed-filing-number"
        case .PS006: "unknown-filing-number"
        case .PS007: "registry-stale"
        case .PS008: "unsigned-app"
        case .PS009: "incomplete-scan"
        case .PS010: "waiver-expired"
        case .PS011: "signature-invalid"
        case .PS012: "filed-name-mismatch"
        case .PS013: "filing-number-not-shown"
        case .PS014: "no-filing-system-link"
        }
    }

    public var defaultSeverity: Severity {
        switch self {
        case .PS001, .PS002, .PS003, .PS009, .PS011: .error
        case .PS004, .PS005, .PS006, .PS007, .PS008, .PS010, .PS012, .PS013, .PS014: .warning
        }
    }

    /// One line: when the rule fires (English; README's rule table shows it).
    public var summary: String { summary(.en) }

    /// What to do about it (English).
    public var remedy: String { remedy(.en) }

    /// `summary` in `language`.
    public func summary(_ language: Language) -> String { texts.summary.template(language) }

    /// `remedy` in `language`.
    public func remedy(_ language: Language) -> String { texts.remedy.template(language) }

    /// A short title for people: the stable `name` in English, a Chinese title in Chinese.
    public func title(_ language: Language) -> String { texts.title.template(language) }

    private var texts: (title: MessageKey, summary: MessageKey, remedy: MessageKey) {
        switch self {
        case .PS001: (.rulePS001Title, .rulePS001Summary, .rulePS001Remedy)
        case .PS002: (.rulePS002Title, .rulePS002Summary, .rulePS002Remedy)
        case .PS003: (.rulePS003Title, .rulePS003Summary, .rulePS003Remedy)
        case .PS004: (.rulePS004Title, .rulePS004Summary, .rulePS004Remedy)
        case .PS005: (.rulePS005Title, .rulePS005Summary, .rulePS005Remedy)
        case .PS006: (.rulePS006Title, .rulePS006Summary, .rulePS006Remedy)
        case .PS007: (.rulePS007Title, .rulePS007Summary, .rulePS007Remedy)
        case .PS008: (.rulePS008Title, .rulePS008Summary, .rulePS008Remedy)
        case .PS009: (.rulePS009Title, .rulePS009Summary, .rulePS009Remedy)
        case .PS010: (.rulePS010Title, .rulePS010Summary, .rulePS010Remedy)
        case .PS011: (.rulePS011Title, .rulePS011Summary, .rulePS011Remedy)
        case .PS012: (.rulePS012Title, .rulePS012Summary, .rulePS012Remedy)
        case .PS013: (.rulePS013Title, .rulePS013Summary, .rulePS013Remedy)
        case .PS014: (.rulePS014Title, .rulePS014Summary, .rulePS014Remedy)
        }
    }
}

extension Rule.Severity {
    /// The severity's name for people (`rawValue` stays the machine name).
    public var term: MessageKey {
        switch self {
        case .error: .severityError
        case .warning: .severityWarning
        }
    }
}
