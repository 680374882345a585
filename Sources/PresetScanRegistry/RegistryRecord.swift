@_exported import enum PresetScanCore.Platform
import PresetScanCore

extension Platform {
    /// Accepts the SPEC names in any case and the spellings seen in exports (`HarmonyOS`, `快应用`, ...).
    public init?(text: String) {
        let key = text.trimmingWhitespace().lowercased()
        switch key {
        case "android", "安卓": self = .android
        case "ios", "苹果": self = .ios
        case "harmony", "harmonyos", "鸿蒙": self = .harmony
        case "quickapp", "quick_app", "快应用": self = .quickapp
        case "miniprogram", "mini_program", "小程序": self = .miniprogram
        default: return nil
        }
    }

    /// The platform whose SPEC name `text` is, byte for byte (the common case in exports); nil
    /// otherwise, then `init?(text:)` decides. Compares UTF-8 bytes: no trimming, case folding or
    /// Unicode-aware comparison per row.
    static func exactly(_ text: String) -> Platform? {
        let utf8 = text.utf8
        for platform in allCases where utf8.elementsEqual(platform.rawValue.utf8) { return platform }
        return nil
    }
}

/// A filing's state in the registry (SPEC §3 `status`).
public enum FilingStatus: String, Sendable, Codable, CaseIterable, Comparable {
    case active, cancelled, revoked

    /// Accepts the SPEC names in any case and the Chinese ones (`正常`, `已注销`, `已撤销`).
    public init?(text: String) {
        switch text.trimmingWhitespace().lowercased() {
        case "active", "正常", "有效": self = .active
        case "cancelled", "canceled", "已注销", "注销": self = .cancelled
        case "revoked", "已撤销", "撤销", "已吊销": self = .revoked
        default: return nil
        }
    }

    public static func < (a: FilingStatus, b: FilingStatus) -> Bool { a.rawValue < b.rawValue }

    /// Exact spellings `init?(text:)` accepts, compared byte for byte by `exactly(_:)`.
    private static let exactSpellings: [([UInt8], FilingStatus)] = [
        (Array("正常".utf8), .active), (Array("active".utf8), .active),
        (Array("已注销".utf8), .cancelled), (Array("cancelled".utf8), .cancelled),
        (Array("已撤销".utf8), .revoked), (Array("revoked".utf8), .revoked),
    ]

    /// The status `text` spells exactly (`正常`, `active`, ...); nil otherwise, then `init?(text:)`
    /// decides. Byte comparison: Chinese text would otherwise be compared with Unicode normalisation.
    static func exactly(_ text: String) -> FilingStatus? {
        let utf8 = text.utf8
        for (spelling, status) in exactSpellings where utf8.elementsEqual(spelling) { return status }
        return nil
    }
}

/// One imported row, validated and normalised: a (filing, platform, identifier, certificate) tuple.
public struct RegistryRecord: Sendable, Hashable {
    /// Canonical app filing number (SPEC §2).
    public var filingNumber: String
    public var appName: String
    public var sponsor: String
    public var platform: Platform
    /// Package name or bundle id, only surrounding whitespace removed (package names are case-sensitive).
    public var identifier: String
    /// Certificate fingerprints, lower-case hex without separators; `nil` when the row has none.
    /// `cert_md5` holds whichever its length says (SPEC §3): 32 digits MD5, 40 SHA-1, 64 SHA-256.
    public var certMD5: String?
    public var certSHA1: String?
    public var certSHA256: String?
    /// Lower-case hex RSA modulus, or base64 SubjectPublicKeyInfo without PEM armour or whitespace.
    public var publicKey: String?
    public var status: FilingStatus
    /// `YYYY-MM-DD`.
    public var approvedOn: String?

    public init(
        filingNumber: String, appName: String, sponsor: String, platform: Platform = .android, identifier: String,
        certMD5: String? = nil, certSHA1: String? = nil, certSHA256: String? = nil, publicKey: String? = nil,
        status: FilingStatus = .active, approvedOn: String? = nil
    ) {
        self.filingNumber = filingNumber
        self.appName = appName
        self.sponsor = sponsor
        self.platform = platform
        self.identifier = identifier
        self.certMD5 = certMD5
        self.certSHA1 = certSHA1
        self.certSHA256 = certSHA256
        self.publicKey = publicKey
        self.status = status
        self.approvedOn = approvedOn
    }

    /// Whether the row files a certificate: a fingerprint or a public key.
    var hasCertificate: Bool { certMD5 != nil || certSHA1 != nil || certSHA256 != nil || publicKey != nil }
}

/// A row that could not be imported: where it is and why.
public struct BadRow: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    /// 1-based line where the row starts (a quoted CSV field may span lines).
    public var line: Int
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file):\(line): \(reason)" }
}

extension String {
    /// Without leading and trailing Unicode whitespace (including the full-width space exports contain).
    func trimmingWhitespace() -> String {
        // Fast path for the common case, a field that starts and ends with a visible ASCII character.
        if let a = utf8.first, let z = utf8.last, a > 0x20, a < 0x7f, z > 0x20, z < 0x7f { return self }
        let scalars = unicodeScalars
        if let a = scalars.first, let z = scalars.last, !Self.isWhitespace(a), !Self.isWhitespace(z) { return self }
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }

    /// `properties.isWhitespace`, answered without the Unicode property tables for the scalars
    /// fields nearly always start and end with: visible ASCII and everything above U+3000 (the last
    /// White_Space character, the ideographic space), CJK included, are not whitespace.
    private static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if (v > 0x20 && v < 0x7F) || v > 0x3000 { return false }
        return scalar.properties.isWhitespace
    }
}
