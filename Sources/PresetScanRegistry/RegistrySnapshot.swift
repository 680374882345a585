import Foundation
import GRDB
import PresetScanCore
import PresetScanCrypto

/// How to open a snapshot: what to trust and what to refuse.
public struct SnapshotOpenOptions: Sendable {
    /// When set, `<snapshot>.sig` must exist and verify with this key, else the open fails.
    public var publicKey: Ed25519PublicKey?
    /// When set, a snapshot whose data date is more than this many days old is refused.
    public var maxAgeDays: Int?
    /// Run SQLite's `PRAGMA quick_check` over the whole file (seconds on millions of rows).
    public var checkIntegrity = false
    /// Today, for the snapshot's age.
    public var now = Date()

    public init(publicKey: Ed25519PublicKey? = nil, maxAgeDays: Int? = nil, checkIntegrity: Bool = false) {
        self.publicKey = publicKey
        self.maxAgeDays = maxAgeDays
        self.checkIntegrity = checkIntegrity
    }
}

/// What every report says about the snapshot it used (SPEC §3), and what `registry info` shows.
public struct SnapshotInfo: Sendable, Equatable {
    public var path: String
    /// Lower-case hex SHA-256 of the file.
    public var sha256: String
    public var schemaVersion: Int
    /// The data date (`YYYY-MM-DD`).
    public var builtAt: String
    /// Whole days from `builtAt` to the day the snapshot was opened (UTC).
    public var ageDays: Int
    public var source: String
    public var recordCount: Int
    /// SHA-256 over the normalised records, independent of SQLite's file layout.
    public var contentDigest: String
    public var filingCount: Int
    public var identifierCount: Int
    public var certificateCount: Int
    /// Identifier rows per platform.
    public var countsByPlatform: [String: Int]
    /// Filings per status.
    public var countsByStatus: [String: Int]
    public var signature: SignatureState
    /// Certificate rows holding an `md5`, `sha1`, `sha256`, `publicKey` (a row may hold several);
    /// empty for a schema 1 snapshot, which did not count them.
    public var countsByFingerprint: [String: Int] = [:]

    /// SPEC §3: past this age a snapshot is a warning in every report.
    public static let staleAfterDays = 30

    public var isStale: Bool { ageDays > Self.staleAfterDays }
}

/// A filing as the registry holds it.
public struct Filing: Sendable, Hashable, Codable {
    /// Canonical app filing number.
    public var number: String
    public var appName: String
    public var sponsor: String
    public var status: FilingStatus
    public var approvedOn: String?

    public init(number: String, appName: String, sponsor: String, status: FilingStatus, approvedOn: String? = nil) {
        self.number = number
        self.appName = appName
        self.sponsor = sponsor
        self.status = status
        self.approvedOn = approvedOn
    }
}

/// A filed certificate of an identifier: its fingerprints (MD5, SHA-1, SHA-256, as the sponsor
/// filed them, SPEC §3), its public key, or several of these.
public struct FiledCertificate: Sendable, Hashable, Codable, Comparable {
    public var md5: String?
    public var sha1: String?
    public var sha256: String?
    public var publicKey: String?

    public init(md5: String? = nil, sha1: String? = nil, sha256: String? = nil, publicKey: String? = nil) {
        self.md5 = md5
        self.sha1 = sha1
        self.sha256 = sha256
        self.publicKey = publicKey
    }

    /// The filed fingerprint of `algorithm`, if any.
    public func fingerprint(_ algorithm: FingerprintAlgorithm) -> String? {
        switch algorithm {
        case .md5: md5
        case .sha1: sha1
        case .sha256: sha256
        }
    }

    /// Names of `SnapshotInfo.countsByFingerprint`, in the order the builder tallies them.
    static let countKeys = ["md5", "sha1", "sha256", "publicKey"]

    public static func < (a: FiledCertificate, b: FiledCertificate) -> Bool {
        (a.md5 ?? "", a.sha1 ?? "", a.sha256 ?? "", a.publicKey ?? "") < (b.md5 ?? "", b.sha1 ?? "", b.sha256 ?? "", b.publicKey ?? "")
    }
}

/// An identifier filed under a filing, with the certificates filed for it.
public struct FiledIdentifier: Sendable, Hashable, Codable {
    public var platform: Platform
    public var identifier: String
    /// Empty when the registry has no certificate data for it.
    public var certificates: [FiledCertificate]

    public init(platform: Platform, identifier: String, certificates: [FiledCertificate] = []) {
        self.platform = platform
        self.identifier = identifier
        self.certificates = certificates
    }
}

/// A filing and the identifiers of it that a lookup matched (all of them for a lookup by number).
public struct FilingMatch: Sendable, Hashable, Codable {
    public var filing: Filing
    public var identifiers: [FiledIdentifier]

    public init(filing: Filing, identifiers: [FiledIdentifier]) {
        self.filing = filing
        self.identifiers = identifiers
    }
}

/// An opened, read-only snapshot. Safe to share between threads; lookups run in parallel.
public final class RegistrySnapshot: Sendable {
    public let info: SnapshotInfo
    let pool: DatabasePool

    /// Concurrent readers; lookups beyond this wait for a free connection.
    static let maxReaders = max(4, ProcessInfo.processInfo.activeProcessorCount)

    /// Opens the snapshot at `path`, checking in order: a whole SQLite file, the signature (when a
    /// key is given, before SQLite reads anything), the schema, the metadata, and the age.
    public init(path: String, options: SnapshotOpenOptions = SnapshotOpenOptions()) throws(RegistryError) {
        try SQLiteHeader.check(path: path)
        let sha256 = try FileDigest.sha256(path: path)
        let signature: SignatureState
        if let key = options.publicKey {
            signature = SnapshotSignature.verify(snapshot: path, digest: sha256, key: key)
            switch signature {
            case .missing: throw .signatureMissing(path: path)
            case let .invalid(failure): throw .signatureInvalid(path: path, reason: failure)
            case .valid, .unchecked: break
            }
        } else {
            signature = .unchecked(signaturePresent: FileManager.default.fileExists(atPath: SnapshotSignature.path(for: path)))
        }

        var configuration = Configuration()
        configuration.readonly = true
        configuration.maximumReaderCount = Self.maxReaders
        configuration.label = "presetscan.registry"
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw Self.openError(error, path: path)
        }
        let metadata: [String: String]
        do {
            metadata = try pool.read { db in
                let tables = try String.fetchSet(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                let missing = SnapshotSchema.requiredTables.filter { !tables.contains($0) }
                guard missing.isEmpty else {
                    throw RegistryError.notASnapshot(path: path, detail: "no table \(missing.joined(separator: ", "))")
                }
                var out: [String: String] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT key, value FROM metadata LIMIT 1000") {
                    if let key: String = row[0], let value: String = row[1] { out[key] = value }
                }
                if options.checkIntegrity {
                    let result = try String.fetchAll(db, sql: "PRAGMA quick_check(5)")
                    guard result == ["ok"] else {
                        throw RegistryError.snapshotCorrupt(path: path, detail: result.joined(separator: "; "))
                    }
                }
                return out
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw Self.openError(error, path: path)
        }

        guard let versionText = metadata[SnapshotSchema.Key.schemaVersion], let version = Int(versionText) else {
            throw .notASnapshot(path: path, detail: "no schema_version in metadata")
        }
        guard version <= SnapshotSchema.version else {
            throw .newerSchema(path: path, found: version, supported: SnapshotSchema.version)
        }
        guard version >= SnapshotSchema.oldestReadable else {
            throw .notASnapshot(path: path, detail: "schema_version \(version); this presetscan reads \(SnapshotSchema.oldestReadable) to \(SnapshotSchema.version)")
        }
        guard let builtText = metadata[SnapshotSchema.Key.builtAt], let builtAt = RegistryDate(text: builtText) else {
            throw .notASnapshot(path: path, detail: "no valid built_at in metadata")
        }
        let today = RegistryDate(secondsSinceEpoch: options.now.timeIntervalSince1970)
        let age = max(0, today.daysSinceEpoch - builtAt.daysSinceEpoch)
        if let maxAge = options.maxAgeDays, age > maxAge {
            throw .tooOld(path: path, ageDays: age, maxAgeDays: maxAge)
        }
        func count(_ key: String) -> Int { metadata[key].flatMap { Int($0) } ?? 0 }
        info = SnapshotInfo(
            path: path, sha256: sha256, schemaVersion: version, builtAt: builtAt.text, ageDays: age,
            source: metadata[SnapshotSchema.Key.source] ?? "", recordCount: count(SnapshotSchema.Key.recordCount),
            contentDigest: metadata[SnapshotSchema.Key.contentDigest] ?? "",
            filingCount: count(SnapshotSchema.Key.filingCount), identifierCount: count(SnapshotSchema.Key.identifierCount),
            certificateCount: count(SnapshotSchema.Key.certificateCount),
            countsByPlatform: Self.counts(metadata[SnapshotSchema.Key.countsByPlatform]),
            countsByStatus: Self.counts(metadata[SnapshotSchema.Key.countsByStatus]),
            signature: signature, countsByFingerprint: Self.counts(metadata[SnapshotSchema.Key.countsByFingerprint]))
        self.pool = pool
    }

    private static func counts(_ json: String?) -> [String: Int] {
        guard let json, let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else {
            return [:]
        }
        return object.compactMapValues { ($0 as? NSNumber)?.intValue }
    }

    private static func openError(_ error: any Error, path: String) -> RegistryError {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT, .SQLITE_FORMAT:
                return .snapshotCorrupt(path: path, detail: error.message ?? "\(error.resultCode)")
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
                return .snapshotUnreadable(path: path, detail: error.message ?? "\(error.resultCode)")
            default:
                return .snapshotCorrupt(path: path, detail: error.message ?? "\(error)")
            }
        }
        return .snapshotUnreadable(path: path, detail: "\(error)")
    }

    // MARK: Lookups

    /// Filings under which `identifier` is filed, on `platform` (any platform when nil).
    public func lookup(identifier: String, platform: Platform? = nil) throws(RegistryError) -> [FilingMatch] {
        let key = identifier.trimmingWhitespace()
        return try query { db in
            let sql = """
                SELECT i.id, i.platform, i.identifier, f.filing_number, f.app_name, f.sponsor, f.status, f.approved_on
                FROM identifiers i JOIN filings f ON f.id = i.filing_id
                WHERE i.identifier = ?\(platform == nil ? "" : " AND i.platform = ?")
                """
            var arguments: StatementArguments = [key]
            if let platform { arguments += [platform.rawValue] }
            return try matches(db, rows: Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments))
        }
    }

    /// Identifiers filed with the certificate of this MD5 (any case, colons allowed), with their filings.
    public func lookup(certificateMD5 text: String) throws(RegistryError) -> [FilingMatch] {
        guard let md5 = RecordNormalizer.normalizedMD5(text) else { return [] }
        return try lookup(fingerprint: md5, algorithm: .md5)
    }

    /// Identifiers filed with a certificate of this fingerprint; its length says the algorithm
    /// (32 hex digits MD5, 40 SHA-1, 64 SHA-256; any case, colons allowed). Empty for anything else.
    public func lookup(certificateFingerprint text: String) throws(RegistryError) -> [FilingMatch] {
        guard let hex = RecordNormalizer.normalizedHex(text), let algorithm = FingerprintAlgorithm(hexDigits: hex.utf8.count) else {
            return []
        }
        return try lookup(fingerprint: hex, algorithm: algorithm)
    }

    private func lookup(fingerprint: String, algorithm: FingerprintAlgorithm) throws(RegistryError) -> [FilingMatch] {
        // A schema 1 snapshot has MD5s only.
        guard algorithm == .md5 || info.schemaVersion >= 2 else { return [] }
        let column = "cert_\(algorithm.rawValue)"
        return try query { db in
            let sql = """
                SELECT i.id, i.platform, i.identifier, f.filing_number, f.app_name, f.sponsor, f.status, f.approved_on
                FROM certificates c JOIN identifiers i ON i.id = c.identifier_id JOIN filings f ON f.id = i.filing_id
                WHERE c.\(column) = ?
                """
            return try matches(db, rows: Row.fetchAll(db.cachedStatement(sql: sql), arguments: [fingerprint]))
        }
    }

    /// The filing with this number (canonicalised first) and every identifier filed under it.
    public func lookup(filingNumber text: String) throws(RegistryError) -> FilingMatch? {
        guard case let .success(number) = FilingNumberValidator().canonical(text) else { return nil }
        return try query { db in
            let sql = """
                SELECT i.id, i.platform, i.identifier, f.filing_number, f.app_name, f.sponsor, f.status, f.approved_on
                FROM filings f LEFT JOIN identifiers i ON i.filing_id = f.id
                WHERE f.filing_number = ?
                """
            return try matches(db, rows: Row.fetchAll(db.cachedStatement(sql: sql), arguments: [number])).first
        }
    }

    /// Runs a read on a pooled connection, mapping SQLite failures to `RegistryError.queryFailed`.
    func query<T>(_ body: (Database) throws -> T) throws(RegistryError) -> T {
        do {
            return try pool.read(body)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .queryFailed(detail: "\(error)")
        }
    }

    /// Groups rows of (identifier id, platform, identifier, filing columns) by filing, adding certificates.
    private func matches(_ db: Database, rows: [Row]) throws -> [FilingMatch] {
        var order: [String] = []
        var byNumber: [String: FilingMatch] = [:]
        let certificates = try db.cachedStatement(
            sql: "SELECT \(SnapshotSchema.certificateColumns(version: info.schemaVersion)) FROM certificates WHERE identifier_id = ?")
        for row in rows {
            guard let number: String = row[3] else { continue }
            if byNumber[number] == nil {
                let status = (row[6] as String?).flatMap(FilingStatus.init(rawValue:)) ?? .active
                byNumber[number] = FilingMatch(
                    filing: Filing(number: number, appName: row[4] ?? "", sponsor: row[5] ?? "", status: status, approvedOn: row[7]),
                    identifiers: [])
                order.append(number)
            }
            guard let id: Int64 = row[0], let platformText: String = row[1], let platform = Platform(rawValue: platformText),
                  let identifier: String = row[2]
            else { continue }
            let certs = try Row.fetchAll(certificates, arguments: [id])
                .map { FiledCertificate(md5: $0[0], sha1: $0[1], sha256: $0[2], publicKey: $0[3]) }.sorted()
            byNumber[number]?.identifiers.append(FiledIdentifier(platform: platform, identifier: identifier, certificates: certs))
        }
        return order.compactMap { byNumber[$0] }.map { match in
            var sorted = match
            sorted.identifiers.sort { ($0.platform, $0.identifier) < ($1.platform, $1.identifier) }
            return sorted
        }.sorted { $0.filing.number < $1.filing.number }
    }
}

/// The SQLite file header (https://sqlite.org/fileformat.html §1.3), checked before SQLite opens the
/// file so that a foreign or truncated file is refused up front rather than half-read.
enum SQLiteHeader {
    static let magic = Array("SQLite format 3\0".utf8)

    static func check(path: String) throws(RegistryError) {
        let source: FileByteSource
        do {
            source = try FileByteSource(path: path)
        } catch {
            throw .snapshotUnreadable(path: path, detail: "\(error)")
        }
        guard source.size >= 100, let header = try? source.read(at: 0, count: 100) else {
            throw .snapshotCorrupt(path: path, detail: "not an SQLite database (\(source.size) bytes)")
        }
        guard Array(header[0..<16]) == magic else {
            throw .snapshotCorrupt(path: path, detail: "not an SQLite database (no SQLite header)")
        }
        func be32(_ at: Int) -> UInt64 { header[at..<at + 4].reduce(0) { $0 << 8 | UInt64($1) } }
        let rawPageSize = UInt64(header[16]) << 8 | UInt64(header[17])
        let pageSize: UInt64 = rawPageSize == 1 ? 65536 : rawPageSize
        guard pageSize >= 512, pageSize & (pageSize - 1) == 0 else {
            throw .snapshotCorrupt(path: path, detail: "invalid page size \(rawPageSize)")
        }
        // The in-header page count is valid when "version-valid-for" equals the change counter.
        let pageCount = be32(28)
        if pageCount > 0, be32(92) == be32(24) {
            let expected = pageCount * pageSize
            guard source.size == expected else {
                throw .snapshotCorrupt(
                    path: path, detail: "file is \(source.size) bytes, its header says \(expected) (truncated or padded)")
            }
        }
    }
}

/// A free-text lookup (`registry lookup`), read as the key it most plausibly is.
public enum RegistryQuery: Sendable, Equatable {
    case filingNumber(String)
    /// A certificate fingerprint, lower-case hex, of the algorithm its length says.
    case certificate(FingerprintAlgorithm, String)
    case identifier(String)

    /// An app filing number (in any of its written forms) first, then 32, 40 or 64 hex digits (a
    /// certificate MD5, SHA-1 or SHA-256), else an identifier.
    public init(text: String) {
        let trimmed = text.trimmingWhitespace()
        if case let .success(canonical) = FilingNumberValidator().canonical(trimmed) {
            self = .filingNumber(canonical)
        } else if let hex = RecordNormalizer.normalizedHex(trimmed), let algorithm = FingerprintAlgorithm(hexDigits: hex.utf8.count) {
            self = .certificate(algorithm, hex)
        } else {
            self = .identifier(trimmed)
        }
    }

    /// `filingNumber`, `certMD5`, `certSHA1`, `certSHA256` or `identifier`.
    public var kind: String {
        switch self {
        case .filingNumber: "filingNumber"
        case .certificate(.md5, _): "certMD5"
        case .certificate(.sha1, _): "certSHA1"
        case .certificate(.sha256, _): "certSHA256"
        case .identifier: "identifier"
        }
    }
}

extension RegistrySnapshot {
    /// The filings a query matches; `platform` narrows identifier queries.
    public func lookup(_ query: RegistryQuery, platform: Platform? = nil) throws(RegistryError) -> [FilingMatch] {
        switch query {
        case let .filingNumber(number): try lookup(filingNumber: number).map { [$0] } ?? []
        case let .certificate(algorithm, hex): try lookup(fingerprint: hex, algorithm: algorithm)
        case let .identifier(identifier): try lookup(identifier: identifier, platform: platform)
        }
    }
}

extension RegistrySnapshot {
    /// Up to `count` (platform, identifier) pairs spread evenly over the snapshot, for benchmarks and smoke tests.
    public func sampleIdentifiers(count: Int) throws(RegistryError) -> [(platform: Platform, identifier: String)] {
        guard count > 0, info.identifierCount > 0 else { return [] }
        let step = max(1, info.identifierCount / count)
        return try query { db in
            try Row.fetchAll(db, sql: "SELECT platform, identifier FROM identifiers WHERE id % ? = 0 LIMIT ?",
                             arguments: [step, count])
                .compactMap { row in
                    guard let text: String = row[0], let platform = Platform(rawValue: text), let id: String = row[1] else {
                        return nil
                    }
                    return (platform, id)
                }
        }
    }
}
