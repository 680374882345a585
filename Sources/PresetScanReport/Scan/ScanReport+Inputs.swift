import PresetScanCore

extension ScanReport {
    /// What one input was when it was scanned (`scan --hash-inputs`), so that a report filed as
    /// evidence names the exact image: a file's size and SHA-256; for a folder, its regular files'
    /// total size and count, and the SHA-256 of its manifest (`InputHash.manifest`).
    public struct InputHash: Sendable, Equatable, Encodable {
        public enum Kind: String, Sendable, Equatable, Encodable {
            case file, folder
        }

        /// The input as given on the command line.
        public var path: String
        public var kind: Kind
        /// Bytes: the file's, or the sum of the folder's regular files.
        public var size: UInt64
        /// Lower-case hex SHA-256 of the file, or of the folder's manifest.
        public var sha256: String
        /// Regular files under a folder (nil for a file).
        public var files: Int?

        public init(path: String, kind: Kind, size: UInt64, sha256: String, files: Int? = nil) {
            self.path = path
            self.kind = kind
            self.size = size
            self.sha256 = sha256
            self.files = files
        }

        /// A folder's manifest: one `relative-path⇥size⇥sha256` line (LF-terminated) per regular
        /// file under it, symbolic links not followed, sorted by the paths' UTF-8 bytes (as
        /// `LC_ALL=C sort` does), so anyone can rebuild it with `find`, `stat` and `sha256sum`.
        /// A file that cannot be read has `-` for its SHA-256.
        public static func manifestLine(path: String, size: UInt64, sha256: String?) -> String {
            "\(path)\t\(size)\t\(sha256 ?? "-")\n"
        }
    }

    /// The input hashes that belong to `location`: the input it was found in (one per piece of a
    /// joined sparse image, `a.img+b.img`), for reports that show them per app.
    public func inputHashes(for location: Location) -> [InputHash] {
        guard let hashes = inputHashes, let outer = location.parts.first else { return [] }
        let pieces = outer.split(separator: "+").map(String.init)
        return hashes.filter { hash in
            outer == hash.path || pieces.contains(hash.path) || (hash.kind == .folder && outer.hasPrefix(hash.path.hasSuffix("/") ? hash.path : hash.path + "/"))
        }
    }
}
