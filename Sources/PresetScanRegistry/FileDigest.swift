import PresetScanCore
import PresetScanCrypto

/// SHA-256 of whole files, as snapshots are named and signed by it.
enum FileDigest {
    /// Lower-case hex SHA-256 of the file at `path`.
    static func sha256(path: String) throws(RegistryError) -> String {
        do {
            return try Digest.sha256(of: FileByteSource(path: path)).hexString
        } catch {
            throw .snapshotUnreadable(path: path, detail: "\(error)")
        }
    }
}
