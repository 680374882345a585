import Foundation
import PresetScanCore
import PresetScanCrypto
import PresetScanRegistry
import PresetScanReport
import PresetScanUnpack

/// The registry a scan checks against: a snapshot, or a records file imported for the run (SPEC §5).
public struct RegistryInput: Sendable {
    public let snapshot: RegistrySnapshot
    /// What reports say about it.
    public let used: ScanReport.RegistryUsed
    /// Keeps the imported snapshot's folder alive; removed when the input is released.
    private let folder: TemporaryFolder?

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
        // The records file is what the user has and can check: its digest is what reports name
        // (not the temporary snapshot's) and what its signature covers.
        let digest: String
        do { digest = try Digest.sha256(of: try FileByteSource(path: path)).hexString } catch {
            throw .unreadableInput(path: path, detail: "\(error)")
        }
        var signature = SignatureState.unchecked(signaturePresent: FileManager.default.fileExists(atPath: SnapshotSignature.path(for: path)))
        if let key = options.publicKey {
            signature = SnapshotSignature.verify(snapshot: path, digest: digest, key: key)
            switch signature {
            case .missing: throw .signatureMissing(path: path)
            case let .invalid(failure): throw .signatureInvalid(path: path, reason: failure)
            case .valid, .unchecked: break
            }
        }
        let folder: TemporaryFolder
        do { folder = try TemporaryFolder() } catch {
            throw .writeFailed(path: path, detail: "cannot create a temporary folder for the import: \(error)")
        }
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
        info.sha256 = digest
        used = ScanReport.RegistryUsed(info: info, importedFrom: path)
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
