#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PresetScanCore
import PresetScanCrypto
import PresetScanReport

/// Sizes and SHA-256 of the inputs as given (`scan --hash-inputs`), for reports that must show
/// later which image was scanned.
///
/// Each input file is read once, front to back in 1 MiB pieces, one file at a time and before the
/// scan starts: hashing never competes with the scan's own parallel reads for the disk.
public enum InputHasher {
    /// One entry per input that exists, in input order. An input that cannot be opened gets none
    /// (the scan reports it and exits 2).
    public static func hash(inputs: [String]) -> [ScanReport.InputHash] {
        inputs.compactMap { path in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
            return isDirectory.boolValue ? hashFolder(path) : hashFile(path)
        }
    }

    static func hashFile(_ path: String) -> ScanReport.InputHash? {
        guard let (size, sha256) = digest(path) else { return nil }
        return ScanReport.InputHash(path: path, kind: .file, size: size, sha256: sha256)
    }

    /// The folder's manifest (`ScanReport.InputHash.manifestLine`) and its SHA-256.
    static func hashFolder(_ path: String) -> ScanReport.InputHash {
        let files = regularFiles(under: path).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let manifest = SHA256Stream()
        var total: UInt64 = 0
        for relative in files {
            let full = path.hasSuffix("/") ? path + relative : path + "/" + relative
            let hashed = digest(full)
            let size = hashed?.size ?? fileSize(full)
            total += size
            manifest.update(Array(ScanReport.InputHash.manifestLine(path: relative, size: size, sha256: hashed?.sha256).utf8))
        }
        return ScanReport.InputHash(path: path, kind: .folder, size: total, sha256: manifest.finish().hexString, files: files.count)
    }

    /// Size and lower-case hex SHA-256 of a file, reading it once.
    static func digest(_ path: String) -> (size: UInt64, sha256: String)? {
        guard let source = try? FileByteSource(path: path), let digest = try? Digest.sha256(of: source) else { return nil }
        return (source.size, digest.hexString)
    }

    private static func fileSize(_ path: String) -> UInt64 {
        var st = stat()
        return lstat(path, &st) == 0 ? UInt64(st.st_size) : 0
    }

    /// Paths relative to `root` of every regular file under it; symbolic links are not followed
    /// (as `find ROOT -type f` lists them).
    static func regularFiles(under root: String) -> [String] {
        var out: [String] = []
        var pending = [""]
        while let relative = pending.popLast() {
            let folder = relative.isEmpty ? root : (root.hasSuffix("/") ? root : root + "/") + relative
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { continue }
            for name in names {
                let child = relative.isEmpty ? name : relative + "/" + name
                var st = stat()
                guard lstat(folder + "/" + name, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR: pending.append(child)
                case S_IFREG: out.append(child)
                default: break
                }
            }
        }
        return out
    }
}
