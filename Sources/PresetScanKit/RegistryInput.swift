import Foundation
import PresetScanCore
import PresetScanCrypto
import PresetScanRegistry
import PresetScanReport

/// The registry a scan checks against: a snapshot, or a records file imported for the run (SPEC §5).
public struct RegistryInput: Sendable {
    public let snapshot: RegistrySnapshot
    /// What reports say about it.
    public let used: ScanReport.RegistryUsed
    /// Keeps the imported snapshot's folder alive; removed when the input is released.
    private let folder: TemporarySnapshotFolder?

    /// Opens `path`: an SQLite snapshot as it is; anything else is read as CSV or JSON Lines
    /// records and imported into a temporary snapshot that is removed afterwards. With a key, the
    /// file given (snapshot or records) must carry a valid `<file>.sig`.
    public init(path: String, options: SnapshotOpenOptions) throws(RegistryError) {
        if Self.isSQLite(path: path) {
            snapshot = try RegistrySnapshot(path: path, options: options)
            used = ScanReport.RegistryUsed(info: snapshot.info)
            folder = nil
            return
        }
        var signature = SignatureState.unchecked(signaturePresent: FileManager.default.fileExists(atPath: SnapshotSignature.path(for: path)))
        if let key = options.publicKey {
            signature = try SnapshotSignature.verify(file: path, key: key)
            switch signature {
            case .missing: throw .signatureMissing(path: path)
            case let .invalid(failure): throw .signatureInvalid(path: path, reason: failure)
            case .valid, .unchecked: break
            }
        }
        let folder = try TemporarySnapshotFolder()
        let destination = folder.path + "/registry.db"
        var builder = SnapshotBuilder()
        builder.now = options.now
        builder.source = "imported from \((path as NSString).lastPathComponent)"
        _ = try builder.build(records: [path], to: destination)
        var openOptions = options
        openOptions.publicKey = nil  // the records file's signature was checked above
        snapshot = try RegistrySnapshot(path: destination, options: openOptions)
        var info = snapshot.info
        info.signature = signature
        var used = ScanReport.RegistryUsed(info: info, importedFrom: path)
        // The records file is what the user has and can check, not the temporary snapshot.
        if let file = try? FileByteSource(path: path), let digest = try? Digest.sha256(of: file) { used.sha256 = digest.hexString }
        self.used = used
        self.folder = folder
    }

    /// SQLite files begin with "SQLite format 3\0" (sqlite.org/fileformat.html §1.3.1).
    static func isSQLite(path: String) -> Bool {
        guard let file = try? FileByteSource(path: path), file.size >= 16, let head = try? file.read(at: 0, count: 16) else {
            return false
        }
        return head == Array("SQLite format 3\u{0}".utf8)
    }
}

/// A private folder for an imported snapshot, removed in `deinit`.
final class TemporarySnapshotFolder: Sendable {
    let path: String

    init() throws(RegistryError) {
        let template = (NSTemporaryDirectory() as NSString).appendingPathComponent("presetscan-registry.XXXXXX")
        var bytes = Array(template.utf8CString)
        guard let made = mkdtemp(&bytes) else {
            throw .writeFailed(path: template, detail: "cannot create a temporary folder")
        }
        path = String(cString: made)
        TemporaryPaths.remember(path)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
        TemporaryPaths.forget(path)
    }
}
