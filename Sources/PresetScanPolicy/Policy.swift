import PresetScanRegistry

/// The policy file of SPEC §4: which rules fail the build, exemptions and waivers.
public struct Policy: Sendable, Equatable {
    /// The only policy format version this build reads.
    public static let supportedVersion = 1

    public var version: Int
    /// Rules whose unsuppressed findings fail the build (exit 1).
    public var failOn: Set<Rule>
    /// Apps that request no network permission get the verdict `exempt`.
    public var exemptWithoutInternet: Bool
    public var exemptions: [Exemption]
    public var waivers: [Waiver]
    /// The file it was read from (nil: the built-in default).
    public var path: String?

    /// The default policy: PS001, PS002 and PS003 fail the build.
    ///
    /// PS009 is an error too, but an incomplete scan has its own exit code (3, or 0 with
    /// `--allow-incomplete`); a policy that lists PS009 in `failOn` makes it exit 1 instead.
    public static let defaultFailOn: Set<Rule> = [.PS001, .PS002, .PS003, .PS011]

    public init(
        version: Int = Policy.supportedVersion, failOn: Set<Rule> = Policy.defaultFailOn,
        exemptWithoutInternet: Bool = false, exemptions: [Exemption] = [], waivers: [Waiver] = [], path: String? = nil
    ) {
        self.version = version
        self.failOn = failOn
        self.exemptWithoutInternet = exemptWithoutInternet
        self.exemptions = exemptions
        self.waivers = waivers
        self.path = path
    }

    /// The first exemption that covers `identifier` on `platform`.
    public func exemption(for identifier: String, platform: Platform) -> Exemption? {
        exemptions.first { ($0.platform == nil || $0.platform == platform) && Glob.matches($0.identifier, identifier) }
    }
}

/// An exemption: apps whose identifier matches a glob (`*`, `?`) are `exempt`, for a reason.
public struct Exemption: Sendable, Equatable {
    public var identifier: String
    public var platform: Platform?
    public var reason: String
    /// Line in the policy file, for reports.
    public var line: Int

    public init(identifier: String, platform: Platform? = nil, reason: String, line: Int = 0) {
        self.identifier = identifier
        self.platform = platform
        self.reason = reason
        self.line = line
    }
}

/// A waiver: one identifier (optionally one signer) is `waived` until its expiry date.
public struct Waiver: Sendable, Equatable {
    public var identifier: String
    /// Lower-case hex SHA-256 of the signer certificate it is limited to.
    public var certSha256: String?
    public var reason: String
    public var owner: String
    /// Last day the waiver applies (inclusive).
    public var expires: RegistryDate
    public var line: Int

    public init(identifier: String, certSha256: String? = nil, reason: String, owner: String, expires: RegistryDate, line: Int = 0) {
        self.identifier = identifier
        self.certSha256 = certSha256
        self.reason = reason
        self.owner = owner
        self.expires = expires
        self.line = line
    }

    public func isExpired(today: RegistryDate) -> Bool { today > expires }
}

/// Shell-style globs on identifiers: `*` any run of characters, `?` one character.
public enum Glob {
    public static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern.unicodeScalars), t = Array(text.unicodeScalars)
        var pi = 0, ti = 0
        var star = -1, mark = 0
        // Iterative matcher with one backtrack point: linear in practice, never recursive.
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
