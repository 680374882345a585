import PresetScanFiling

/// A column of the records a user imports (SPEC §3), with the header names accepted for it.
enum RecordColumn: Int, CaseIterable, Sendable {
    case filingNumber, appName, sponsor, platform, identifier, certMD5, certSHA1, certSHA256, publicKey, status, approvedOn

    /// The English name first, then the aliases; all compared after `RecordColumn.key(_:)`.
    var names: [String] {
        switch self {
        case .filingNumber: ["filing_number", "服务备案号", "备案号"]
        case .appName: ["app_name", "APP名称", "应用名称"]
        case .sponsor: ["sponsor", "主办单位名称", "主办单位"]
        case .platform: ["platform", "平台"]
        case .identifier: ["identifier", "包名", "Bundle ID", "bundle_id", "package"]
        case .certMD5: ["cert_md5", "签名MD5", "签名MD5值", "MD5", "证书指纹"]
        case .certSHA1: ["cert_sha1", "签名SHA1", "SHA1"]
        case .certSHA256: ["cert_sha256", "签名SHA256", "SHA256"]
        case .publicKey: ["public_key", "公钥", "平台公钥"]
        case .status: ["status", "状态"]
        case .approvedOn: ["approved_on", "审核日期", "审核通过日期"]
        }
    }

    var name: String { names[0] }

    var isRequired: Bool {
        switch self {
        case .filingNumber, .appName, .sponsor, .identifier: true
        default: false
        }
    }

    private static let byKey: [String: RecordColumn] = {
        var out: [String: RecordColumn] = [:]
        for column in allCases {
            for name in column.names { out[key(name)] = column }
        }
        return out
    }()

    /// The column a header (or JSON key) names: trimmed, case-insensitive, a stray BOM ignored.
    static func named(_ header: String) -> RecordColumn? {
        byKey[key(header)]
    }

    private static func key(_ name: String) -> String {
        String(name.unicodeScalars.filter { $0 != "\u{FEFF}" }).trimmingWhitespace().lowercased()
    }
}

/// Turns one row's raw field values into a validated, normalised record, or the reason it is bad.
struct RecordNormalizer {
    let filingNumbers: FilingNumberValidator
    /// Recent raw filing-number texts and their canonical form: rows of one filing repeat the text,
    /// and parsing is the costliest step of an import.
    private var canonicalCache: [String: String] = [:]

    static let maxIdentifierBytes = 255
    static let maxPublicKeyBytes = 16 * 1024
    static let maxTextBytes = 4096

    init(filingNumbers: FilingNumberValidator) {
        self.filingNumbers = filingNumbers
    }

    /// `values` is indexed by `RecordColumn.rawValue`; nil or blank means absent.
    mutating func record(_ values: [String?]) -> Result<RegistryRecord, RowRejection> {
        func value(_ column: RecordColumn) -> String? {
            guard let raw = values[column.rawValue] else { return nil }
            let text = raw.trimmingWhitespace()
            return text.isEmpty ? nil : text
        }
        for column in RecordColumn.allCases where column.isRequired && value(column) == nil {
            return .failure(RowRejection("\(column.name) is empty"))
        }
        guard let filingText = value(.filingNumber), let appName = value(.appName), let sponsor = value(.sponsor),
              let identifier = value(.identifier)
        else { return .failure(RowRejection("a required field is empty")) }

        let filingNumber: String
        if FilingNumber.isCanonicalAppFiling(filingText, currentYear: filingNumbers.currentYear) {
            // Already canonical (as exports nearly always are): its own canonical form, no parse, no cache.
            filingNumber = filingText
        } else if let hit = canonicalCache[filingText] {
            filingNumber = hit
        } else {
            switch filingNumbers.canonical(filingText) {
            case let .success(canonical): filingNumber = canonical
            case let .failure(rejection): return .failure(RowRejection(rejection.description))
            }
            if canonicalCache.count >= 4096 { canonicalCache.removeAll(keepingCapacity: true) }
            canonicalCache[filingText] = filingNumber
        }
        guard appName.utf8.count <= Self.maxTextBytes, sponsor.utf8.count <= Self.maxTextBytes else {
            return .failure(RowRejection("app_name or sponsor is longer than \(Self.maxTextBytes) bytes"))
        }

        var platform = Platform.android
        if let text = value(.platform) {
            guard let known = Platform.exactly(text) ?? Platform(text: text) else {
                return .failure(RowRejection("platform \"\(text)\" is not one of \(Platform.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            platform = known
        }
        if let problem = Self.identifierProblem(identifier) { return .failure(RowRejection(problem)) }

        var fingerprints = Fingerprints()
        if let text = value(.certMD5) {
            guard let hex = Self.normalizedHex(text) else {
                return .failure(RowRejection("cert_md5 \"\(text.prefix(80))\" is not a hex fingerprint (32, 40 or 64 hex digits)"))
            }
            guard let algorithm = FingerprintAlgorithm(hexDigits: hex.utf8.count) else {
                return .failure(RowRejection(
                    "cert_md5 \"\(text.prefix(80))\" has \(hex.utf8.count) hex digits; a certificate fingerprint has 32 (MD5), 40 (SHA-1) or 64 (SHA-256)"))
            }
            fingerprints[algorithm] = hex
        }
        if let rejection = Self.addFingerprint(value(.certSHA1), column: .certSHA1, algorithm: .sha1, to: &fingerprints)
            ?? Self.addFingerprint(value(.certSHA256), column: .certSHA256, algorithm: .sha256, to: &fingerprints)
        {
            return .failure(rejection)
        }
        var publicKey: String?
        if let text = value(.publicKey) {
            guard let key = Self.normalizedPublicKey(text) else {
                return .failure(RowRejection("public_key is neither a hex RSA modulus nor a base64/PEM public key"))
            }
            publicKey = key
        }
        var status = FilingStatus.active
        if let text = value(.status) {
            guard let known = FilingStatus.exactly(text) ?? FilingStatus(text: text) else {
                return .failure(RowRejection("status \"\(text)\" is not active (正常), cancelled (已注销) or revoked (已撤销)"))
            }
            status = known
        }
        var approvedOn: String?
        if let text = value(.approvedOn) {
            guard let date = RegistryDate(text: text) else {
                return .failure(RowRejection("approved_on \"\(text.prefix(40))\" is not a YYYY-MM-DD date"))
            }
            // A valid date written `YYYY-MM-DD` is its own canonical text.
            approvedOn = RegistryDate.isCanonicalText(text) ? text : date.text
        }
        return .success(RegistryRecord(
            filingNumber: filingNumber, appName: appName, sponsor: sponsor, platform: platform, identifier: identifier,
            certMD5: fingerprints.md5, certSHA1: fingerprints.sha1, certSHA256: fingerprints.sha256, publicKey: publicKey,
            status: status, approvedOn: approvedOn))
    }

    /// Adds the fingerprint of a `cert_sha1`/`cert_sha256` field, or says why the row is bad.
    private static func addFingerprint(
        _ text: String?, column: RecordColumn, algorithm: FingerprintAlgorithm, to fingerprints: inout Fingerprints
    ) -> RowRejection? {
        guard let text else { return nil }
        guard let hex = normalizedHex(text), hex.utf8.count == algorithm.hexDigits else {
            return RowRejection("\(column.name) \"\(text.prefix(80))\" is not \(algorithm.hexDigits) hex digits")
        }
        if let fromMD5Column = fingerprints[algorithm], fromMD5Column != hex {
            return RowRejection("cert_md5 holds a \(algorithm.name) (\(fromMD5Column)) that differs from \(column.name) (\(hex))")
        }
        fingerprints[algorithm] = hex
        return nil
    }

    /// Why `identifier` cannot be a package name or bundle id (whitespace or control characters inside, too long).
    static func identifierProblem(_ identifier: String) -> String? {
        // Fast path: visible ASCII only, as nearly every package name is.
        if identifier.utf8.count <= maxIdentifierBytes, identifier.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) { return nil }
        if identifier.utf8.count > maxIdentifierBytes { return "identifier is longer than \(maxIdentifierBytes) bytes" }
        if identifier.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f }) {
            return "identifier \"\(identifier)\" contains whitespace or control characters"
        }
        return nil
    }

    /// Lower-case hex without separators (`:`, `-`, spaces), or nil if that is not 16 bytes of hex.
    static func normalizedMD5(_ text: String) -> String? {
        guard let hex = normalizedHex(text), hex.utf8.count == 32 else { return nil }
        return hex
    }

    /// A fingerprint as lower-case hex without separators (`:`, `-`, spaces), or nil if it holds
    /// anything else or more than 128 digits (twice the longest fingerprint, SHA-256: the caller names
    /// the length of anything that long).
    static func normalizedHex(_ text: String) -> String? {
        // Fast path: already lower-case hex of a fingerprint's length, its own normal form.
        let count = text.utf8.count
        if count == 32 || count == 40 || count == 64,
           text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) {
            return text
        }
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"): out.append(b)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): out.append(b + 0x20)
            case UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: " "), UInt8(ascii: "\t"): continue
            default: return nil
            }
            if out.count > 128 { return nil }
        }
        return out.isEmpty ? nil : String(decoding: out, as: UTF8.self)
    }

    /// A hex modulus as lower-case hex (separators removed); a PEM or base64 key as bare base64.
    static func normalizedPublicKey(_ text: String) -> String? {
        guard text.utf8.count <= maxPublicKeyBytes else { return nil }
        var body = text
        if text.contains("-----BEGIN") {
            body = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" })
                .filter { !$0.hasPrefix("-----") }.joined()
        }
        let compact = body.utf8.filter { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
        guard !compact.isEmpty else { return nil }
        let hexBody = compact.filter { $0 != UInt8(ascii: ":") }
        if hexBody.allSatisfy({ isHex($0) }) && !text.contains("-----BEGIN") {
            return String(decoding: hexBody.map { $0 >= 0x41 && $0 <= 0x46 ? $0 + 0x20 : $0 }, as: UTF8.self)
        }
        let base64 = compact.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "=")
        }
        return base64 ? String(decoding: compact, as: UTF8.self) : nil
    }

    private static func isHex(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b)
    }

    private static func isAlphanumeric(_ b: UInt8) -> Bool {
        (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b)
    }
}

/// Why a row was rejected, without its location (the reader adds file and line).
struct RowRejection: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

/// The digest a certificate fingerprint is, told by its length (SPEC §3 `cert_md5`).
public enum FingerprintAlgorithm: String, Sendable, Codable, CaseIterable, Comparable {
    case md5, sha1, sha256

    public init?(hexDigits: Int) {
        switch hexDigits {
        case 32: self = .md5
        case 40: self = .sha1
        case 64: self = .sha256
        default: return nil
        }
    }

    public var hexDigits: Int {
        switch self {
        case .md5: 32
        case .sha1: 40
        case .sha256: 64
        }
    }

    /// `MD5`, `SHA-1`, `SHA-256`: as people write them.
    public var name: String {
        switch self {
        case .md5: "MD5"
        case .sha1: "SHA-1"
        case .sha256: "SHA-256"
        }
    }

    public static func < (a: FingerprintAlgorithm, b: FingerprintAlgorithm) -> Bool { a.hexDigits < b.hexDigits }
}

/// One row's fingerprints by algorithm.
struct Fingerprints {
    var md5: String?
    var sha1: String?
    var sha256: String?

    subscript(algorithm: FingerprintAlgorithm) -> String? {
        get {
            switch algorithm {
            case .md5: md5
            case .sha1: sha1
            case .sha256: sha256
            }
        }
        set {
            switch algorithm {
            case .md5: md5 = newValue
            case .sha1: sha1 = newValue
            case .sha256: sha256 = newValue
            }
        }
    }
}
