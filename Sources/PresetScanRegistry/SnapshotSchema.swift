/// The SQLite layout of a snapshot, and the version readers check before trusting it.
enum SnapshotSchema {
    /// Bumped whenever a reader of the previous version would misread a new snapshot.
    /// 2 (2026-12-06): `certificates.cert_sha1` and `cert_sha256` (SPEC §3 revised); the content digest
    /// covers them.
    static let version = 2

    /// The oldest version this build opens. A version 1 snapshot has no SHA-1/SHA-256 columns, and
    /// its records could not carry such fingerprints (`cert_md5` then took 32 hex digits only), so
    /// reading it as version 2 with those columns empty loses nothing.
    static let oldestReadable = 1

    /// The certificate columns a query selects, in `FiledCertificate` order: md5, sha1, sha256, public key.
    static func certificateColumns(version: Int, table: String = "") -> String {
        let prefix = table.isEmpty ? "" : table + "."
        return version >= 2
            ? "\(prefix)cert_md5, \(prefix)cert_sha1, \(prefix)cert_sha256, \(prefix)public_key"
            : "\(prefix)cert_md5, NULL, NULL, \(prefix)public_key"
    }

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
            cert_sha1 TEXT,
            cert_sha256 TEXT,
            public_key TEXT);
        """

    /// Indexes, created after the rows: one sorted pass each instead of a B-tree update per insert.
    static let indexes = """
        CREATE UNIQUE INDEX filings_by_number ON filings(filing_number);
        CREATE INDEX identifiers_by_identifier ON identifiers(identifier, platform);
        CREATE INDEX identifiers_by_filing ON identifiers(filing_id);
        CREATE INDEX certificates_by_md5 ON certificates(cert_md5) WHERE cert_md5 IS NOT NULL;
        CREATE INDEX certificates_by_sha1 ON certificates(cert_sha1) WHERE cert_sha1 IS NOT NULL;
        CREATE INDEX certificates_by_sha256 ON certificates(cert_sha256) WHERE cert_sha256 IS NOT NULL;
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
        /// Certificate rows per fingerprint kind (`md5`, `sha1`, `sha256`, `publicKey`); version 2 on.
        static let countsByFingerprint = "counts_by_fingerprint"
        static let generator = "generator"
    }
}
