import PresetScanCore

/// One verdict per app package (SPEC §4).
public enum Verdict: String, CaseIterable, Codable, Sendable, Comparable {
    case filed
    case unfiled
    case certificateMismatch = "certificate-mismatch"
    case filingNotActive = "filing-not-active"
    case exempt
    case waived

    /// Report order: the verdicts that need action first.
    public var rank: Int {
        switch self {
        case .unfiled: 0
        case .certificateMismatch: 1
        case .filingNotActive: 2
        case .waived: 3
        case .exempt: 4
        case .filed: 5
        }
    }

    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
}

extension Verdict {
    /// The verdict's fixed term for people (SPEC §8); `rawValue` stays the machine name.
    public var term: MessageKey {
        switch self {
        case .filed: .termFiled
        case .unfiled: .termUnfiled
        case .certificateMismatch: .termCertificateMismatch
        case .filingNotActive: .termFilingNotActive
        case .exempt: .termExempt
        case .waived: .termWaived
        }
    }
}

extension Verdict {
    /// The verdict as report headings and summaries name it: the machine name in English
    /// (`certificate-mismatch`), the fixed term in Chinese.
    public var label: MessageKey {
        switch self {
        case .filed: .verdictFiled
        case .unfiled: .verdictUnfiled
        case .certificateMismatch: .verdictCertificateMismatch
        case .filingNotActive: .verdictFilingNotActive
        case .exempt: .verdictExempt
        case .waived: .verdictWaived
        }
    }
}
