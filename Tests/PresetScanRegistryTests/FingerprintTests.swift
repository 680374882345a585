import Foundation
import GRDB
import Testing

@testable import PresetScanRegistry

/// Certificate fingerprints of every length (SPEC §3, revised 2026-12-06): `cert_md5` holds an MD5,
/// a SHA-1 (iOS filings) or a SHA-256 (HarmonyOS), told by its length; `cert_sha1` and
/// `cert_sha256` are columns of their own. Stored, looked up, counted, digested and diffed.
@Suite struct FingerprintTests {
    static let header = "filing_number,app_name,sponsor,platform,identifier,cert_md5,cert_sha1,cert_sha256\n"

    static func row(_ md5: String = "", _ sha1: String = "", _ sha256: String = "") -> String {
        "京ICP备2023012345号-1A,A,S,harmony,cn.example.a,\(md5),\(sha1),\(sha256)\n"
    }

    @Test(arguments: [
        (Fixture.md5A, Fixture.md5A, nil, nil),
        (Fixture.sha1A.uppercased(), nil, Fixture.sha1A, nil),
        (Fixture.sha256A, nil, nil, Fixture.sha256A),
        // Colons and upper case, as keytool and the AppGallery console print them.
        (stride(from: 0, to: 64, by: 2).map { i in Fixture.sha256B.dropFirst(i).prefix(2).uppercased() }.joined(separator: ":"),
         nil, nil, Fixture.sha256B),
    ] as [(String, String?, String?, String?)])
    func certMD5ColumnByLength(_ text: String, _ md5: String?, _ sha1: String?, _ sha256: String?) throws {
        let record = try #require(RecordsTests.records(try RecordsTests.rows(Self.header + Self.row(text))).first)
        #expect(record.certMD5 == md5)
        #expect(record.certSHA1 == sha1)
        #expect(record.certSHA256 == sha256)
    }

    @Test func ownColumnsAndTheirChineseNames() throws {
        let text = """
            服务备案号,APP名称,主办单位名称,平台,包名,签名SHA1,签名SHA256
            京ICP备2023012345号-1A,你好,示例,ios,cn.example.ios,\(Fixture.sha1A),\(Fixture.sha256A)

            """
        let record = try #require(RecordsTests.records(try RecordsTests.rows(text)).first)
        #expect(record.certSHA1 == Fixture.sha1A)
        #expect(record.certSHA256 == Fixture.sha256A)
        #expect(record.certMD5 == nil)
        let short = "服务备案号,APP名称,主办单位名称,包名,SHA1,SHA256,证书指纹\n京ICP备2023012345号-1A,A,S,cn.x,\(Fixture.sha1A),\(Fixture.sha256A),\(Fixture.md5A)\n"
        let both = try #require(RecordsTests.records(try RecordsTests.rows(short)).first)
        #expect([both.certMD5, both.certSHA1, both.certSHA256] == [Fixture.md5A, Fixture.sha1A, Fixture.sha256A])
    }

    @Test func jsonLinesCarryThemToo() throws {
        let text = """
            {"filing_number": "京ICP备2023012345号-1A", "app_name": "a", "sponsor": "b", "platform": "harmony", "identifier": "cn.example.h", "cert_sha256": "\(Fixture.sha256A)"}
            {"filing_number": "京ICP备2023012345号-1A", "app_name": "a", "sponsor": "b", "platform": "ios", "identifier": "cn.example.i", "签名MD5": "\(Fixture.sha1A)"}
            {"filing_number": "京ICP备2023012345号-1A", "app_name": "a", "sponsor": "b", "identifier": "cn.example.x", "cert_sha1": "\(Fixture.md5A)"}
            """
        let rows = try RecordsTests.rows(text, name: "r.jsonl")
        let records = RecordsTests.records(rows)
        #expect(records.map(\.certSHA256) == [Fixture.sha256A, nil])
        #expect(records.map(\.certSHA1) == [nil, Fixture.sha1A])
        #expect(RecordsTests.bad(rows).map(\.line) == [3])
        #expect(RecordsTests.bad(rows).first?.reason.contains("cert_sha1") == true)
    }

    @Test func otherLengthsAndConflictsAreBadRows() throws {
        let text = Self.header
            + Self.row(String(Fixture.md5A.dropLast()))  // 31 digits
            + Self.row(Fixture.sha1A + "00")  // 42
            + Self.row(Fixture.sha256A + Fixture.sha256A + "0")  // 129: too long to be any fingerprint
            + Self.row("not-a-fingerprint")
            + Self.row("", Fixture.md5A)  // an MD5 in cert_sha1
            + Self.row("", "", Fixture.sha1A)  // a SHA-1 in cert_sha256
            + Self.row(Fixture.sha256A, "", Fixture.sha256B)  // two SHA-256s for one row
            + Self.row(Fixture.sha256A, "", Fixture.sha256A.uppercased())  // the same one twice: fine
        let rows = try RecordsTests.rows(text)
        let bad = RecordsTests.bad(rows)
        #expect(bad.map(\.line) == [2, 3, 4, 5, 6, 7, 8])
        #expect(bad[0].reason.contains("31 hex digits"))
        #expect(bad[0].reason.contains("32 (MD5), 40 (SHA-1) or 64 (SHA-256)"))
        #expect(bad[1].reason.contains("42 hex digits"))
        #expect(bad[2].reason.contains("cert_md5"))
        #expect(bad[3].reason.contains("not a hex fingerprint"))
        #expect(bad[4].reason.contains("cert_sha1") && bad[4].reason.contains("40 hex digits"))
        #expect(bad[5].reason.contains("cert_sha256") && bad[5].reason.contains("64 hex digits"))
        #expect(bad[6].reason.contains("differs from cert_sha256"))
        #expect(RecordsTests.records(rows).map(\.certSHA256) == [Fixture.sha256A])
    }

    @Test func storedLookedUpAndCounted() throws {
        let scratch = Scratch()
        let snapshot = try Fixture.open(try Fixture.snapshot(in: scratch, csv: Fixture.platformsCSV))
        #expect(snapshot.info.schemaVersion == SnapshotSchema.version)
        let harmony = try snapshot.lookup(identifier: "cn.example.hello", platform: .harmony)
        #expect(harmony.first?.identifiers.first?.certificates == [FiledCertificate(sha256: Fixture.sha256A)])
        let ios = try snapshot.lookup(identifier: "cn.example.hello", platform: .ios)
        #expect(ios.first?.identifiers.first?.certificates == [FiledCertificate(sha1: Fixture.sha1A)])
        #expect(try snapshot.lookup(identifier: "cn.example.hello").first?.identifiers.map(\.platform) == [.android, .harmony, .ios])

        #expect(try snapshot.lookup(certificateFingerprint: Fixture.sha256B.uppercased()).map(\.filing.number) == ["浙ICP备2021000002号-2A"])
        #expect(try snapshot.lookup(certificateFingerprint: Fixture.sha1A).first?.identifiers.map(\.platform) == [.ios])
        #expect(try snapshot.lookup(certificateFingerprint: Fixture.md5A).first?.identifiers.map(\.platform) == [.android])
        #expect(try snapshot.lookup(certificateFingerprint: String(repeating: "0", count: 64)).isEmpty)
        #expect(try snapshot.lookup(certificateFingerprint: "123").isEmpty)
        #expect(try snapshot.lookup(RegistryQuery(text: Fixture.sha1A)).count == 1)
        #expect(snapshot.info.countsByFingerprint == ["md5": 1, "sha1": 1, "sha256": 2])
        #expect(snapshot.info.countsByPlatform == ["android": 1, "harmony": 2, "ios": 1, "quickapp": 1])
        // The SHA indexes exist, so that a fingerprint lookup never scans the table.
        let indexes = try DatabaseQueue(path: snapshot.info.path).read {
            try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'certificates'")
        }
        #expect(Set(indexes).isSuperset(of: ["certificates_by_md5", "certificates_by_sha1", "certificates_by_sha256"]))
    }

    @Test(arguments: [
        (Fixture.sha1A, "certSHA1"), (Fixture.sha256A, "certSHA256"), (Fixture.md5A.uppercased(), "certMD5"),
        (String(Fixture.sha1A.dropLast()), "identifier"),
    ])
    func queryKinds(_ text: String, _ kind: String) {
        #expect(RegistryQuery(text: text).kind == kind)
    }

    @Test func theDigestCoversTheNewColumns() throws {
        let scratch = Scratch()
        let a = try Fixture.open(try Fixture.snapshot(in: scratch, name: "a.sqlite", csv: Fixture.platformsCSV))
        let otherSHA = Fixture.platformsCSV.replacingOccurrences(of: Fixture.sha256B, with: String(repeating: "1", count: 64))
        let b = try Fixture.open(try Fixture.snapshot(in: scratch, name: "b.sqlite", csv: otherSHA))
        #expect(a.info.contentDigest != b.info.contentDigest)
        // The same fingerprint given in cert_md5 or in cert_sha256 is the same record.
        let moved = Fixture.platformsCSV.replacingOccurrences(of: ",,,\(Fixture.sha256B),", with: ",\(Fixture.sha256B),,,")
        let c = try Fixture.open(try Fixture.snapshot(in: scratch, name: "c.sqlite", csv: moved))
        #expect(a.info.contentDigest == c.info.contentDigest)
    }

    @Test func duplicateRowsAreFoundWithTheNewColumns() throws {
        let scratch = Scratch()
        let lines = Fixture.platformsCSV.split(separator: "\n").map(String.init)
        // The HarmonyOS row again (a duplicate), and a second SHA-256 for cn.example.harmony (a new certificate).
        let csv = Fixture.platformsCSV + lines[2] + "\n" + lines[4].replacingOccurrences(of: Fixture.sha256B, with: Fixture.sha256A) + "\n"
        let summary = try Fixture.builder.build(records: [scratch.write("r.csv", csv)], to: scratch.path("s.sqlite"))
        #expect(summary.duplicateRows == 1)
        #expect(summary.certificateCount == 5)
        let harmony = try Fixture.open(scratch.path("s.sqlite")).lookup(identifier: "cn.example.harmony", platform: .harmony)
        #expect(harmony.first?.identifiers.first?.certificates.compactMap(\.sha256) == [Fixture.sha256A, Fixture.sha256B])
    }

    @Test func diffNamesEachFingerprint() throws {
        let scratch = Scratch()
        let old = try Fixture.open(try Fixture.snapshot(in: scratch, name: "old.sqlite", csv: Fixture.platformsCSV))
        let newCSV = Fixture.platformsCSV.replacingOccurrences(of: Fixture.sha256B, with: Fixture.sha256A)
        let new = try Fixture.open(try Fixture.snapshot(in: scratch, name: "new.sqlite", csv: newCSV))
        let diff = try SnapshotDiff(old: old, new: new)
        let change = try #require(diff.appsChanged.first)
        #expect(change.certificatesAdded == ["harmony:cn.example.harmony sha256:\(Fixture.sha256A)"])
        #expect(change.certificatesRemoved == ["harmony:cn.example.harmony sha256:\(Fixture.sha256B)"])
    }

    // MARK: Schema versions

    /// A snapshot as presetscan wrote it before fingerprint columns (schema 1), from the first rows of `Fixture.csv`.
    static func schemaOneSnapshot(in scratch: Scratch) throws -> String {
        let path = scratch.path("v1.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE metadata (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                CREATE TABLE filings (id INTEGER PRIMARY KEY, filing_number TEXT NOT NULL, app_name TEXT NOT NULL,
                    sponsor TEXT NOT NULL, status TEXT NOT NULL, approved_on TEXT);
                CREATE TABLE identifiers (id INTEGER PRIMARY KEY, filing_id INTEGER NOT NULL REFERENCES filings(id),
                    platform TEXT NOT NULL, identifier TEXT NOT NULL);
                CREATE TABLE certificates (identifier_id INTEGER NOT NULL REFERENCES identifiers(id), cert_md5 TEXT, public_key TEXT);
                CREATE UNIQUE INDEX filings_by_number ON filings(filing_number);
                CREATE INDEX identifiers_by_identifier ON identifiers(identifier, platform);
                CREATE INDEX certificates_by_md5 ON certificates(cert_md5) WHERE cert_md5 IS NOT NULL;
                INSERT INTO filings VALUES (1, '京ICP备2023012345号-1A', 'Hello', '示例科技', 'active', '2026-10-12');
                INSERT INTO filings VALUES (2, '粤ICP备2024054321号-2A', 'Offline', '深圳示例', 'active', '2026-09-30');
                INSERT INTO identifiers VALUES (1, 1, 'android', 'cn.example.hello');
                INSERT INTO identifiers VALUES (2, 2, 'android', 'cn.example.offline');
                INSERT INTO certificates VALUES (1, '\(Fixture.md5A)', NULL);
                INSERT INTO certificates VALUES (2, '\(Fixture.md5B)', NULL);
                INSERT INTO metadata VALUES ('schema_version', '1'), ('built_at', '2026-10-12'), ('source', 'v1'),
                    ('record_count', '2'), ('content_digest', '\(String(repeating: "0", count: 64))'), ('filing_count', '2'),
                    ('identifier_count', '2'), ('certificate_count', '2'), ('counts_by_platform', '{"android":2}'),
                    ('counts_by_status', '{"active":2}');
                """)
        }
        try queue.close()
        return path
    }

    /// Decided: a schema 1 snapshot still opens. Its `cert_md5` could only hold MD5s, so it has no
    /// SHA-1/SHA-256 to lose; lookups read it with those columns empty.
    @Test func schemaOneSnapshotsStillOpen() throws {
        let scratch = Scratch()
        let old = try Fixture.open(try Self.schemaOneSnapshot(in: scratch))
        #expect(old.info.schemaVersion == 1)
        #expect(old.info.countsByFingerprint.isEmpty)
        let hello = try old.lookup(identifier: "cn.example.hello", platform: .android)
        #expect(hello.first?.identifiers.first?.certificates == [FiledCertificate(md5: Fixture.md5A)])
        #expect(try old.lookup(certificateMD5: Fixture.md5B).map(\.filing.number) == ["粤ICP备2024054321号-2A"])
        #expect(try old.lookup(certificateFingerprint: Fixture.sha256A).isEmpty)
        #expect(try old.lookup(certificateFingerprint: Fixture.sha1A).isEmpty)
        // And compares with a current one.
        let new = try Fixture.open(try Fixture.snapshot(in: scratch))
        let diff = try SnapshotDiff(old: old, new: new)
        #expect(diff.added.map(\.number) == ["沪ICP备2022000001号-3A"])
        #expect(diff.appsChanged.map(\.filing.number) == ["京ICP备2023012345号-1A"])
        #expect(try SnapshotDiff(old: new, new: old).removed.map(\.number) == ["沪ICP备2022000001号-3A"])
    }

    @Test func schemaZeroIsRefused() throws {
        let scratch = Scratch()
        let path = try Self.schemaOneSnapshot(in: scratch)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "UPDATE metadata SET value = '0' WHERE key = 'schema_version'") }
        try queue.close()
        #expect {
            try Fixture.open(path)
        } throws: { error in
            guard case let .notASnapshot(_, detail) = error as? RegistryError else { return false }
            return detail.contains("reads 1 to \(SnapshotSchema.version)")
        }
    }
}
