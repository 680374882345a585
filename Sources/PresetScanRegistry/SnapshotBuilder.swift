import Foundation
import GRDB
import PresetScanCore
import PresetScanCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `SnapshotBuilder.build` wrote.
public struct BuildSummary: Sendable, Codable {
    public var path: String
    /// Rows read that were valid, exact duplicates included.
    public var rowsImported: Int
    /// Valid rows that repeated an earlier row exactly (stored once).
    public var duplicateRows: Int
    /// Records stored: `rowsImported - duplicateRows`.
    public var recordCount: Int
    public var filingCount: Int
    public var identifierCount: Int
    public var certificateCount: Int
    /// The first bad rows (all of them up to `SnapshotBuilder.maxReportedBadRows`).
    public var badRows: [BadRow]
    public var badRowCount: Int
    public var builtAt: String
    public var source: String
    public var sha256: String
}

/// Imports records files (SPEC §3) into a new snapshot file, atomically.
///
/// The snapshot is written to a temporary file in the destination's folder and renamed over the
/// destination only when every step succeeded, so a failed build leaves no file behind and an
/// existing snapshot at the destination untouched.
public struct SnapshotBuilder: Sendable {
    /// The data date; defaults to the newest `approved_on`, else today (UTC).
    public var builtAt: RegistryDate?
    /// Free text naming where the records came from; defaults to the input file names.
    public var source: String?
    /// Import the good rows when some are bad, instead of failing.
    public var skipBadRows = false
    /// Bad rows kept in the summary or error; the rest are only counted.
    public var maxReportedBadRows = 50
    /// The year filing numbers may not be newer than; fixed for reproducible tests.
    public var currentYear: Int?
    /// Today, for the default `builtAt`.
    public var now = Date()

    public init() {}

    /// Reads every records file in order and writes the snapshot to `destination`.
    public func build(records paths: [String], to destination: String) throws(RegistryError) -> BuildSummary {
        guard !paths.isEmpty else { throw .invalidArgument("no records file given") }
        let validator = currentYear.map { FilingNumberValidator(currentYear: $0) } ?? FilingNumberValidator()
        // Opened before any write so that a missing file or a bad header fails fast.
        var files: [RecordsFile] = []
        for path in paths { files.append(try RecordsFile(path: path, filingNumbers: validator)) }

        let temporary = try TemporaryFile(nextTo: destination)
        do {
            var summary = try write(files, to: temporary.path)
            try temporary.commit(to: destination)
            summary.path = destination
            summary.sha256 = try FileDigest.sha256(path: destination)
            return summary
        } catch {
            temporary.discard()
            throw error
        }
    }

    private func write(_ files: [RecordsFile], to path: String) throws(RegistryError) -> BuildSummary {
        var configuration = Configuration()
        configuration.label = "presetscan.registry.build"
        // Ids are assigned here and always reference rows already written; GRDB's default foreign-key
        // enforcement would add a parent lookup to each of millions of inserts.
        configuration.foreignKeysEnabled = false
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw .writeFailed(path: path, detail: "\(error)")
        }
        var state = ImportState(maxReportedBadRows: maxReportedBadRows)
        do {
            try queue.writeWithoutTransaction { db in
                // A temporary file that is deleted on any failure needs neither a journal nor fsyncs.
                // Sorter spill files on disk (temp_store=FILE, SQLite unlinks them at once): with
                // in-memory temp files SQLite sorts on one thread, with files it merges on all cores.
                try db.execute(sql: "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA temp_store=FILE")
                // A 1 GiB page cache for the inserts; the index builds below shrink it again.
                try db.execute(sql: "PRAGMA cache_size=-1048576; PRAGMA threads=\(ProcessInfo.processInfo.activeProcessorCount)")
                try db.inTransaction {
                    try db.execute(sql: SnapshotSchema.tables)
                    var inserter = try Inserter(db)
                    let pipeline = RowPipeline(files: files)
                    pipeline.start()
                    defer { pipeline.cancel() }
                    batches: while let batch = try pipeline.next() {
                        for row in batch.rows {
                            switch row {
                            case let .record(record, line): try state.add(record, line: line, file: batch.file, into: &inserter)
                            case let .bad(bad): state.reject(bad)
                            }
                            if state.badRowCount > 0, !skipBadRows, state.badRows.count >= maxReportedBadRows { break batches }
                        }
                    }
                    if state.badRowCount > 0, !skipBadRows { throw RegistryError.badRows(state.badRows, total: state.badRowCount) }
                    try inserter.flush()
                    guard state.recordCount > 0 else { throw RegistryError.noRecords }
                    // A small sorter budget makes each CREATE INDEX sort in runs merged by worker
                    // threads: 5 M rows index in 13 s on 2 cores instead of 20 s on one (SQLite 3.40).
                    try db.execute(sql: "PRAGMA cache_size=-16384")
                    try db.execute(sql: SnapshotSchema.indexes)
                    let digest = state.finishDigest().hexString
                    try writeMetadata(db, state: state, digest: digest, files: files)
                    return .commit
                }
            }
            try queue.close()
        } catch let error as RegistryError {
            try? queue.close()
            throw error
        } catch {
            try? queue.close()
            throw .writeFailed(path: path, detail: "\(error)")
        }
        return BuildSummary(
            path: path, rowsImported: state.rowsImported, duplicateRows: state.duplicateRows, recordCount: state.recordCount,
            filingCount: state.filingCount, identifierCount: state.identifierCount,
            certificateCount: state.certificateCount, badRows: state.badRows, badRowCount: state.badRowCount,
            builtAt: dataDate(state).text, source: sourceText(files), sha256: "")
    }

    private func dataDate(_ state: ImportState) -> RegistryDate {
        builtAt ?? state.newestApproval ?? RegistryDate(secondsSinceEpoch: now.timeIntervalSince1970)
    }

    private func sourceText(_ files: [RecordsFile]) -> String {
        source ?? files.map { URL(fileURLWithPath: $0.path).lastPathComponent }.joined(separator: ", ")
    }

    private func writeMetadata(_ db: Database, state: ImportState, digest: String, files: [RecordsFile]) throws {
        func json(_ counts: [String: Int]) -> String {
            "{" + counts.keys.sorted().map { "\"\($0)\":\(counts[$0] ?? 0)" }.joined(separator: ",") + "}"
        }
        let values: [(String, String)] = [
            (SnapshotSchema.Key.schemaVersion, String(SnapshotSchema.version)),
            (SnapshotSchema.Key.builtAt, dataDate(state).text),
            (SnapshotSchema.Key.source, sourceText(files)),
            (SnapshotSchema.Key.recordCount, String(state.recordCount)),
            (SnapshotSchema.Key.contentDigest, digest),
            (SnapshotSchema.Key.filingCount, String(state.filingCount)),
            (SnapshotSchema.Key.identifierCount, String(state.identifierCount)),
            (SnapshotSchema.Key.certificateCount, String(state.certificateCount)),
            (SnapshotSchema.Key.countsByPlatform, json(state.platformCounts)),
            (SnapshotSchema.Key.countsByStatus, json(state.statusCounts)),
            (SnapshotSchema.Key.countsByFingerprint, json(state.fingerprintCounts)),
            (SnapshotSchema.Key.generator, "presetscan registry build"),
        ]
        let insert = try db.makeStatement(sql: "INSERT INTO metadata (key, value) VALUES (?, ?)")
        for (key, value) in values { try insert.execute(arguments: [key, value]) }
    }
}

/// The prepared insert statements of a build.
private struct Inserter {
    let filing: BulkInsert
    let identifier: BulkInsert
    let certificate: BulkInsert

    init(_ db: Database) throws {
        filing = try BulkInsert(
            db, table: "filings", columns: ["id", "filing_number", "app_name", "sponsor", "status", "approved_on"])
        identifier = try BulkInsert(db, table: "identifiers", columns: ["id", "filing_id", "platform", "identifier"])
        certificate = try BulkInsert(
            db, table: "certificates", columns: ["identifier_id", "cert_md5", "cert_sha1", "cert_sha256", "public_key"])
    }

    /// Writes the rows still buffered; before the indexes are built.
    func flush() throws(BulkInsertError) {
        try filing.flush()
        try identifier.flush()
        try certificate.flush()
    }
}

/// Everything a build accumulates while rows stream in.
private struct ImportState {
    /// Filing number -> filing index (id - 1).
    private var filings = ByteKeyTable()
    /// Per filing index: the file (index into `files`) and line that introduced it, and a hash of
    /// its filing-level fields (app_name, sponsor, status, approved_on).
    private var filingFile: [Int32] = []
    private var filingLine: [Int] = []
    private var filingFields: [UInt64] = []
    private var files: [String] = []
    /// Identifier rows, exactly, the same way as certificates: a filing's first (platform,
    /// identifier) is kept with the filing (`firstIdentifier...`, key bytes in `identifierArena`);
    /// further ones go to `moreIdentifiers` as (filing id, platform, identifier) -> identifier
    /// index (id - 1). The same identifier under two filings is two rows.
    private var firstIdentifierStart: [Int] = []
    /// Per filing index: the length of its first identifier's key bytes, -1 while it has none.
    private var firstIdentifierLength: [Int32] = []
    private var firstIdentifierIndex: [UInt32] = []
    private var identifierArena: [UInt8] = []
    private var moreIdentifiers = ByteKeyTable()
    private(set) var identifierCount = 0
    /// Certificate rows, exactly: an identifier's first certificate is kept with the identifier
    /// (`firstCertificate...`, its key bytes in `certificateArena`), appended in order instead of
    /// hashed into a table of millions; only further certificates of an identifier, which are rare,
    /// go to `moreCertificates` as (identifier id, key bytes).
    private var firstCertificateStart: [Int] = []
    /// Per identifier index: the length of its first certificate's key bytes, -1 while it has none.
    private var firstCertificateLength: [Int32] = []
    private var certificateArena: [UInt8] = []
    private var firstCertificates = 0
    private var moreCertificates = ByteKeyTable()
    private var key = KeyBuilder()
    /// Seed of the filing-fields hash, random per build like the tables'.
    private let fieldsSeed: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next()
    }()

    var filingCount: Int { filings.count }
    var certificateCount: Int { firstCertificates + moreCertificates.count }
    let maxReportedBadRows: Int
    var rowsImported = 0
    var duplicateRows = 0
    var recordCount: Int { rowsImported - duplicateRows }
    var badRows: [BadRow] = []
    var badRowCount = 0
    /// The newest `approved_on` of the filings, canonical text.
    var newestApprovalText: String?
    var newestApproval: RegistryDate? { newestApprovalText.flatMap(RegistryDate.init(text:)) }
    private var platformTally = [Int](repeating: 0, count: Platform.allCases.count)
    private var statusTally = [Int](repeating: 0, count: FilingStatus.allCases.count)
    /// Identifier rows by platform name (platforms with none left out).
    var platformCounts: [String: Int] { Self.counts(platformTally, names: Platform.allCases.map(\.rawValue)) }
    /// Filings by status name (statuses with none left out).
    var statusCounts: [String: Int] { Self.counts(statusTally, names: FilingStatus.allCases.map(\.rawValue)) }
    /// Certificate rows holding an MD5, a SHA-1, a SHA-256, a public key.
    private var fingerprintTally = [0, 0, 0, 0]
    /// Certificate rows by what they hold (kinds with none left out); a row may count under several.
    var fingerprintCounts: [String: Int] { Self.counts(fingerprintTally, names: FiledCertificate.countKeys) }

    private static func counts(_ tally: [Int], names: [String]) -> [String: Int] {
        var out: [String: Int] = [:]
        for (name, count) in zip(names, tally) where count > 0 { out[name] = count }
        return out
    }
    let digest = SHA256Stream()
    private var digestBuffer: [UInt8] = []

    init(maxReportedBadRows: Int) {
        self.maxReportedBadRows = maxReportedBadRows
    }

    mutating func reject(_ bad: BadRow) {
        badRowCount += 1
        if badRows.count < maxReportedBadRows { badRows.append(bad) }
    }

    /// Whether `bytes` are the key bytes of the first identifier of filing `index`.
    private func isFirstIdentifier(_ index: Int, _ bytes: ArraySlice<UInt8>) -> Bool {
        let start = firstIdentifierStart[index]
        let length = Int(firstIdentifierLength[index])
        guard length == bytes.count else { return false }
        return identifierArena[start..<start + length].elementsEqual(bytes)
    }

    /// Whether `bytes` are the key bytes of the first certificate of identifier `index`.
    private func isFirstCertificate(_ index: Int, _ bytes: ArraySlice<UInt8>) -> Bool {
        let start = firstCertificateStart[index]
        let length = Int(firstCertificateLength[index])
        guard length == bytes.count else { return false }
        return certificateArena[start..<start + length].elementsEqual(bytes)
    }

    private mutating func fileIndex(_ file: String) -> Int32 {
        if let last = files.last, last == file { return Int32(files.count - 1) }
        if let known = files.firstIndex(of: file) { return Int32(known) }
        files.append(file)
        return Int32(files.count - 1)
    }

    mutating func add(_ record: RegistryRecord, line: Int, file: String, into inserter: inout Inserter) throws(BulkInsertError) {
        key.reset()
        key.append(lengthPrefixed: record.appName)
        key.append(lengthPrefixed: record.sponsor)
        key.append(UInt8(record.status.tallyIndex))
        key.append(UInt8(record.approvedOn == nil ? 0 : 1))
        key.append(last: record.approvedOn ?? "")
        let seed = fieldsSeed
        let fields = key.bytes.withUnsafeBytes { ByteKeyTable.hash($0, seed: seed) }

        let filingID: Int64
        let newFilingIndex = UInt32(truncatingIfNeeded: filings.count)
        var filingNumber = record.filingNumber
        let knownFiling = filingNumber.withUTF8 { filings.valueOrInsert(UnsafeRawBufferPointer($0)) { newFilingIndex } }
        if let known = knownFiling {
            let index = Int(known)
            guard filingFields[index] == fields else {
                reject(BadRow(
                    file: file, line: line,
                    reason: "filing \(record.filingNumber) has a different app_name, sponsor, status or approved_on than at \(files[Int(filingFile[index])]):\(filingLine[index])"))
                return
            }
            filingID = Int64(index) + 1
        } else {
            filingID = Int64(newFilingIndex) + 1
            filingFile.append(fileIndex(file))
            filingLine.append(line)
            filingFields.append(fields)
            firstIdentifierStart.append(0)
            firstIdentifierLength.append(-1)
            firstIdentifierIndex.append(0)
            inserter.filing.bind(1, filingID)
            inserter.filing.bind(2, record.filingNumber)
            inserter.filing.bind(3, record.appName)
            inserter.filing.bind(4, record.sponsor)
            inserter.filing.bind(5, record.status.rawValue)
            inserter.filing.bind(6, record.approvedOn)
            try inserter.filing.step()
            statusTally[record.status.tallyIndex] += 1
            // `approvedOn` is a valid `YYYY-MM-DD`, so byte order is date order.
            if let approved = record.approvedOn,
               newestApprovalText.map({ $0.utf8.lexicographicallyPrecedes(approved.utf8) }) ?? true {
                newestApprovalText = approved
            }
        }
        rowsImported += 1

        key.reset()
        key.append(filingID)
        key.append(UInt8(record.platform.tallyIndex))
        key.append(last: record.identifier)
        var isNew = false
        let identifierID: Int64
        let newIdentifierIndex = UInt32(truncatingIfNeeded: identifierCount)
        let filingIndex = Int(filingID - 1)
        let knownIdentifier: UInt32?
        if firstIdentifierLength[filingIndex] < 0 {
            firstIdentifierStart[filingIndex] = identifierArena.count
            firstIdentifierLength[filingIndex] = Int32(key.bytes.count - 8)
            firstIdentifierIndex[filingIndex] = newIdentifierIndex
            identifierArena.append(contentsOf: key.bytes[8...])
            knownIdentifier = nil
        } else if isFirstIdentifier(filingIndex, key.bytes[8...]) {
            knownIdentifier = firstIdentifierIndex[filingIndex]
        } else {
            knownIdentifier = key.bytes.withUnsafeBytes { moreIdentifiers.valueOrInsert($0) { newIdentifierIndex } }
        }
        if let known = knownIdentifier {
            identifierID = Int64(known) + 1
        } else {
            identifierID = Int64(newIdentifierIndex) + 1
            identifierCount += 1
            inserter.identifier.bind(1, identifierID)
            inserter.identifier.bind(2, filingID)
            inserter.identifier.bind(3, record.platform.rawValue)
            inserter.identifier.bind(4, record.identifier)
            try inserter.identifier.step()
            platformTally[record.platform.tallyIndex] += 1
            firstCertificateStart.append(0)
            firstCertificateLength.append(-1)
            isNew = true
        }
        if record.hasCertificate {
            // The identifier id (8 bytes), then the certificate's own key bytes: which fields it has,
            // the fingerprints present (their lengths are fixed by their algorithm: 32, 40, 64 hex
            // digits, so no length prefix), then the public key.
            key.reset()
            key.append(identifierID)
            key.append(UInt8((record.certMD5 == nil ? 0 : 1) | (record.publicKey == nil ? 0 : 2)
                | (record.certSHA1 == nil ? 0 : 4) | (record.certSHA256 == nil ? 0 : 8)))
            if let md5 = record.certMD5 { key.append(last: md5) }
            if let sha1 = record.certSHA1 { key.append(last: sha1) }
            if let sha256 = record.certSHA256 { key.append(last: sha256) }
            key.append(last: record.publicKey ?? "")
            let index = Int(identifierID - 1)
            let isNewCertificate: Bool
            if firstCertificateLength[index] < 0 {
                firstCertificateStart[index] = certificateArena.count
                firstCertificateLength[index] = Int32(key.bytes.count - 8)
                certificateArena.append(contentsOf: key.bytes[8...])
                firstCertificates += 1
                isNewCertificate = true
            } else if isFirstCertificate(index, key.bytes[8...]) {
                isNewCertificate = false
            } else {
                isNewCertificate = key.bytes.withUnsafeBytes { moreCertificates.valueOrInsert($0) { 0 } } == nil
            }
            if isNewCertificate {
                inserter.certificate.bind(1, identifierID)
                inserter.certificate.bind(2, record.certMD5)
                inserter.certificate.bind(3, record.certSHA1)
                inserter.certificate.bind(4, record.certSHA256)
                inserter.certificate.bind(5, record.publicKey)
                try inserter.certificate.step()
                if record.certMD5 != nil { fingerprintTally[0] += 1 }
                if record.certSHA1 != nil { fingerprintTally[1] += 1 }
                if record.certSHA256 != nil { fingerprintTally[2] += 1 }
                if record.publicKey != nil { fingerprintTally[3] += 1 }
                isNew = true
            }
        }
        guard isNew else {
            duplicateRows += 1
            return
        }
        appendToDigest(record)
    }

    /// Feeds one record, fields separated by U+001F, to the content digest (schema 2: the SHA-1 and
    /// SHA-256 fields follow the MD5).
    private mutating func appendToDigest(_ record: RegistryRecord) {
        func field(_ text: String, last: Bool = false) {
            digestBuffer.append(contentsOf: text.utf8)
            digestBuffer.append(last ? 0x0A : 0x1F)
        }
        field(record.filingNumber)
        field(record.appName)
        field(record.sponsor)
        field(record.platform.rawValue)
        field(record.identifier)
        field(record.certMD5 ?? "")
        field(record.certSHA1 ?? "")
        field(record.certSHA256 ?? "")
        field(record.publicKey ?? "")
        field(record.status.rawValue)
        field(record.approvedOn ?? "", last: true)
        if digestBuffer.count >= 1 << 16 { flushDigest() }
    }

    private mutating func flushDigest() {
        digest.update(digestBuffer)
        digestBuffer.removeAll(keepingCapacity: true)
    }

    /// The content digest is final once this is called.
    mutating func finishDigest() -> [UInt8] {
        flushDigest()
        return digest.finish()
    }
}

/// A file created next to its destination, renamed over it on success and removed otherwise.
struct TemporaryFile {
    let path: String

    init(nextTo destination: String) throws(RegistryError) {
        let url = URL(fileURLWithPath: destination)
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw .writeFailed(path: destination, detail: "folder \(folder) does not exist")
        }
        var template = Array((folder + "/." + url.lastPathComponent + ".XXXXXX.tmp").utf8CString)
        var failure: Int32 = 0
        // An interrupted build (Ctrl-C) removes it rather than leave a half-written file behind:
        // made and remembered in one step, so the interrupt cannot fall between the two.
        let made = TemporaryPaths.create {
            let fd = template.withUnsafeMutableBufferPointer { buffer -> Int32 in
                guard let base = buffer.baseAddress else { return -1 }
                return mkstemps(base, 4)
            }
            guard fd >= 0 else {
                failure = errno
                return nil
            }
            // Snapshots are shared files; mkstemp's 0600 would hide them from other users of the machine.
            fchmod(fd, 0o644)
            close(fd)
            return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        guard let made else {
            throw .writeFailed(path: destination, detail: failure == 0 ? "interrupted" : String(cString: strerror(failure)))
        }
        path = made
    }

    func commit(to destination: String) throws(RegistryError) {
        guard rename(path, destination) == 0 else {
            throw .writeFailed(path: destination, detail: String(cString: strerror(errno)))
        }
        TemporaryPaths.forget(path)
    }

    func discard() {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
        TemporaryPaths.forget(path)
    }
}

extension Platform {
    /// Position in `allCases`, for per-row tallies kept in an array.
    var tallyIndex: Int {
        switch self {
        case .android: 0
        case .ios: 1
        case .harmony: 2
        case .quickapp: 3
        case .miniprogram: 4
        }
    }
}

extension FilingStatus {
    /// Position in `allCases`, for per-row tallies kept in an array.
    var tallyIndex: Int {
        switch self {
        case .active: 0
        case .cancelled: 1
        case .revoked: 2
        }
    }
}

