import PresetScanCrypto

/// Why a snapshot could not be built, opened, verified or read.
public enum RegistryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A records file or key file could not be read; `detail` is the system's reason.
    case unreadableInput(path: String, detail: String)
    /// A records file is neither CSV with a usable header nor JSON Lines (missing required columns, ...).
    case invalidRecordsFile(path: String, reason: String)
    /// Rows were rejected and `--skip-bad-rows` was not given; the first few, and how many in all.
    case badRows([BadRow], total: Int)
    /// Every row was rejected or the inputs were empty: a snapshot with no record is never written.
    case noRecords
    /// A build argument is invalid (`built_at` not a date, ...).
    case invalidArgument(String)
    /// Writing the snapshot failed; nothing was left at the destination.
    case writeFailed(path: String, detail: String)
    /// The file does not exist or cannot be opened.
    case snapshotUnreadable(path: String, detail: String)
    /// The file is not an SQLite database, is truncated, or fails SQLite's integrity check.
    case snapshotCorrupt(path: String, detail: String)
    /// The file is SQLite but not a presetscan snapshot (tables or metadata missing).
    case notASnapshot(path: String, detail: String)
    /// Written by a newer presetscan; reading it could silently misread records.
    case newerSchema(path: String, found: Int, supported: Int)
    /// A key was given but `<snapshot>.sig` does not exist.
    case signatureMissing(path: String)
    /// The signature file is malformed, does not verify, or was made by another key.
    case signatureInvalid(path: String, reason: SignatureFailure)
    /// The snapshot's data date is older than the allowed maximum age.
    case tooOld(path: String, ageDays: Int, maxAgeDays: Int)
    /// SQLite failed while reading a snapshot that opened fine.
    case queryFailed(detail: String)

    public var description: String {
        switch self {
        case let .unreadableInput(path, detail): "cannot read \(path): \(detail)"
        case let .invalidRecordsFile(path, reason): "\(path): \(reason)"
        case let .badRows(rows, total):
            (["\(total) bad row\(total == 1 ? "" : "s") (use --skip-bad-rows to import the rest):"]
                + rows.map { "  \($0)" } + (total > rows.count ? ["  ... and \(total - rows.count) more"] : []))
                .joined(separator: "\n")
        case .noRecords: "no record to import"
        case let .invalidArgument(text): text
        case let .writeFailed(path, detail): "cannot write \(path): \(detail)"
        case let .snapshotUnreadable(path, detail): "cannot open snapshot \(path): \(detail)"
        case let .snapshotCorrupt(path, detail): "snapshot \(path) is corrupt: \(detail)"
        case let .notASnapshot(path, detail): "\(path) is not a presetscan registry snapshot: \(detail)"
        case let .newerSchema(path, found, supported):
            "snapshot \(path) has schema version \(found); this presetscan reads up to \(supported) — upgrade presetscan"
        case let .signatureMissing(path): "snapshot \(path) has no signature (\(path).sig)"
        case let .signatureInvalid(path, reason): "signature of \(path) does not verify: \(reason)"
        case let .tooOld(path, age, max): "snapshot \(path) is \(age) days old, more than the allowed \(max)"
        case let .queryFailed(detail): "registry query failed: \(detail)"
        }
    }
}
