import GRDB

/// What changed between two snapshots: what a maker must re-check when a new one arrives.
public struct SnapshotDiff: Sendable, Equatable, Codable {
    /// A filing whose status changed (most often to `cancelled` or `revoked`).
    public struct StatusChange: Sendable, Equatable, Codable {
        public var filing: Filing
        public var from: FilingStatus
        public var to: FilingStatus
    }

    /// A filing present in both whose identifiers or certificates differ.
    public struct AppsChange: Sendable, Equatable, Codable {
        public var filing: Filing
        /// `platform:identifier`, sorted.
        public var identifiersAdded: [String]
        public var identifiersRemoved: [String]
        /// `platform:identifier md5:<hex>` (also `sha1:`, `sha256:`), one per filed fingerprint, sorted.
        public var certificatesAdded: [String]
        public var certificatesRemoved: [String]
    }

    /// Filings only in the new snapshot.
    public var added: [Filing] = []
    /// Filings only in the old snapshot (dropped from the registry).
    public var removed: [Filing] = []
    public var statusChanged: [StatusChange] = []
    public var appsChanged: [AppsChange] = []

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && statusChanged.isEmpty && appsChanged.isEmpty }

    /// Compares two opened snapshots filing by filing, streaming both in filing-number order.
    public init(old: RegistrySnapshot, new: RegistrySnapshot) throws(RegistryError) {
        var diff = SnapshotDiff()
        // One connection with the new snapshot attached: GRDB forbids nesting reads of two databases,
        // and two cursors on one connection stream both sides without loading either.
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: old.info.path, configuration: configuration)
            try queue.inDatabase { db in
                try db.execute(sql: "ATTACH DATABASE ? AS newer", arguments: [new.info.path])
                var left = try FilingGroups(db, schema: "main", version: old.info.schemaVersion)
                var right = try FilingGroups(db, schema: "newer", version: new.info.schemaVersion)
                var a = try left.next()
                var b = try right.next()
                while a != nil || b != nil {
                    if let x = a, b == nil || x.filing.number < b?.filing.number ?? "" {
                        diff.removed.append(x.filing)
                        a = try left.next()
                    } else if let y = b, a == nil || y.filing.number < a?.filing.number ?? "" {
                        diff.added.append(y.filing)
                        b = try right.next()
                    } else if let x = a, let y = b {
                        diff.compare(x, y)
                        a = try left.next()
                        b = try right.next()
                    }
                }
            }
            try queue.close()
        } catch {
            throw .queryFailed(detail: "\(error)")
        }
        self = diff
    }

    private init() {}

    private mutating func compare(_ old: FilingGroup, _ new: FilingGroup) {
        if old.filing.status != new.filing.status {
            statusChanged.append(StatusChange(filing: new.filing, from: old.filing.status, to: new.filing.status))
        }
        let change = AppsChange(
            filing: new.filing,
            identifiersAdded: new.identifiers.subtracting(old.identifiers).sorted(),
            identifiersRemoved: old.identifiers.subtracting(new.identifiers).sorted(),
            certificatesAdded: new.certificates.subtracting(old.certificates).sorted(),
            certificatesRemoved: old.certificates.subtracting(new.certificates).sorted())
        if !(change.identifiersAdded.isEmpty && change.identifiersRemoved.isEmpty && change.certificatesAdded.isEmpty
            && change.certificatesRemoved.isEmpty)
        {
            appsChanged.append(change)
        }
    }
}

/// One filing with its identifiers and certificate fingerprints as comparable strings.
private struct FilingGroup {
    var filing: Filing
    var identifiers: Set<String> = []
    var certificates: Set<String> = []
}

/// Filings of one snapshot in filing-number order, each gathered from its consecutive join rows.
private struct FilingGroups {
    private let rows: RowCursor
    private var pending: Row?

    /// `schema` is `main` or the name a snapshot is attached under; `version` its schema version.
    init(_ db: Database, schema: String, version: Int) throws {
        rows = try Row.fetchCursor(db, sql: """
            SELECT f.filing_number, f.app_name, f.sponsor, f.status, f.approved_on, i.platform, i.identifier,
                \(SnapshotSchema.certificateColumns(version: version, table: "c"))
            FROM \(schema).filings f
            LEFT JOIN \(schema).identifiers i ON i.filing_id = f.id
            LEFT JOIN \(schema).certificates c ON c.identifier_id = i.id
            ORDER BY f.filing_number
            """)
        pending = try rows.next()?.copy()
    }

    mutating func next() throws -> FilingGroup? {
        guard let first = pending, let number: String = first[0] else { return nil }
        let status = (first[3] as String?).flatMap(FilingStatus.init(rawValue:)) ?? .active
        var group = FilingGroup(
            filing: Filing(number: number, appName: first[1] ?? "", sponsor: first[2] ?? "", status: status, approvedOn: first[4]))
        var row: Row? = first
        while let current = row, current[0] as String? == number {
            if let platform: String = current[5], let identifier: String = current[6] {
                group.identifiers.insert("\(platform):\(identifier)")
                for (offset, algorithm) in FingerprintAlgorithm.allCases.enumerated() {
                    if let hex: String = current[7 + offset] {
                        group.certificates.insert("\(platform):\(identifier) \(algorithm.rawValue):\(hex)")
                    }
                }
            }
            row = try rows.next()?.copy()
        }
        pending = row
        return group
    }
}
