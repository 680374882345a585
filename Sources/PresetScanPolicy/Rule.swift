/// The rules of SPEC §4. Ids are stable: SARIF `ruleId`, JUnit names, waiver and policy keys.
public enum Rule: String, CaseIterable, Codable, Sendable, Comparable {
    case PS001, PS002, PS003, PS004, PS005, PS006, PS007, PS008, PS009, PS010, PS011

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
        }
    }

    public var defaultSeverity: Severity {
        switch self {
        case .PS001, .PS002, .PS003, .PS009, .PS011: .error
        case .PS004, .PS005, .PS006, .PS007, .PS008, .PS010: .warning
        }
    }

    /// One line: when the rule fires.
    public var summary: String {
        switch self {
        case .PS001: "No registry record for the app's identifier on its platform."
        case .PS002:
            "The identifier is filed on the app's platform, but none of its signer certificates matches a filed fingerprint (MD5, SHA-1 or SHA-256, by length) or public key (only when the registry has certificate data for it; an app with no readable signer then fails too)."
        case .PS003: "The filing that matches the app is cancelled or revoked."
        case .PS004: "The app displays an app filing number that differs from the one filed for its identifier."
        case .PS005: "Text that looks like an app filing number but breaks the grammar."
        case .PS006: "The app displays an app filing number that is not in the registry at all."
        case .PS007: "The registry snapshot is older than 30 days (`--max-registry-age` makes it exit 2)."
        case .PS008: "The app has no verifiable signer certificate, so its certificate cannot be checked."
        case .PS009:
            "Part of the input could not be read or is not supported (incremental OTA, encrypted, truncated, limit hit)."
        case .PS010: "A waiver in the policy file has passed its expiry date and no longer applies."
        case .PS011:
            "A signature block claims a certificate, but the signature does not verify over the package's content (tampered or counterfeit package; checked as apksigner does)."
        }
    }

    /// What to do about it.
    public var remedy: String {
        switch self {
        case .PS001:
            "Remove the app from the build, or have its sponsor complete the filing and use a registry snapshot that contains it."
        case .PS002:
            "Ship the build signed with the filed certificate, or have the sponsor update the filing's certificate fingerprint."
        case .PS003: "Remove the app: its filing is no longer valid. If it was re-filed, refresh the registry snapshot."
        case .PS004: "Make the app display its own filing number (the one filed for its package name)."
        case .PS005: "Correct the displayed text to the canonical form, e.g. 京ICP备2023012345号-1A."
        case .PS006: "Check the displayed number against the registry; refresh the snapshot if the filing is new."
        case .PS007: "Export a fresh registry snapshot; use --max-registry-age to refuse stale ones."
        case .PS008: "Sign the package (APK signature scheme v2 or later; HAP, iOS or quick-app signature) so its certificate can be checked."
        case .PS009:
            "Provide the full input (the base build for an incremental OTA, an unencrypted or untruncated image), or raise the limit that was hit."
        case .PS010: "Renew the waiver with a new expiry date, or resolve the finding it covered."
        case .PS011:
            "Ship the package exactly as its publisher signed it: a package changed after signing (injected code, a repackaged copy) must be rebuilt and signed again by its owner."
        }
    }
}
