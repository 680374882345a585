/// The SQLite layout of a snapshot, and the version readers check before trusting it.
enum SnapshotSchema {
    /// Bumped whenever a reader of the previous version would misread a new snapshot.
    static let version = 1

    /// Tables, created before the rows are inserted.
    static let tables = """
        CREATE TABLE metadata (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
        CREATE TABLE filings (
            id INTEGER PRIMARY KEY,
            filing_number TEXT NOT NULL,
            app_name TEXT NOT NULL,
            sponsor TEXT NOT NULL,
            status TEXT NOT NULL,
            approved_on TEXT);
        CREATE TABLE identifiers (
            id INTEGER PRIMARY KEY,
            filing_id INTEGER NOT NULL REFERENCES filings(id),
            platform TEXT NOT NULL,
            identifier TEXT NOT NULL);
        CREATE TABLE certificates (
            identifier_id INTEGER NOT NULL REFERENCES identifiers(id),
            cert_md5 TEXT,
            public_key TEXT);
        """

    /// Indexes, created after the rows: one sorted pass each instead of a B-tree update per insert.
    static let indexes = """
        CREATE UNIQUE INDEX filings_by_number ON filings(filing_number);
        CREATE INDEX identifiers_by_identifier ON identifiers(identifier, platform);
        CREATE INDEX identifiers_by_filing ON identifiers(filing_id);
        CREATE INDEX certificates_by_md5 ON certificates(cert_md5) WHERE cert_md5 IS NOT NULL;
        CREATE INDEX certificates_by_identifier ON certificates(identifier_id);
        """

    static let requiredTables = ["metadata", "filings", "identifiers", "certificates"]

    /// Metadata keys.
    enum Key {
        static let schemaVersion = "schema_version"
        static let builtAt = "built_at"
        static let source = "source"
        static let recordCount = "record_count"
        static let contentDigest = "content_digest"
        static let filingCount = "filing_count"
        static let identifierCount = "identifier_count"
        static let certificateCount = "certificate_count"
        static let countsByPlatform = "counts_by_platform"
        static let countsByStatus = "counts_by_status"
        static let generator = "generator"
    }
}
