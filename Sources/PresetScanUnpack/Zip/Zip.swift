import PresetScanCore

/// Namespace for the ZIP structures of PKWARE APPNOTE.TXT, read the way Android's
/// libziparchive reads them: the last EOCD wins and the central directory is authoritative.
public enum Zip {
    /// End of central directory record (APPNOTE 4.3.16), signature 0x06054b50.
    public struct EndOfCentralDirectory: Sendable, Equatable {
        public static let signature: UInt32 = 0x0605_4b50
        public static let fixedSize = 22
        /// Largest comment, so the EOCD sits within the last 65557 bytes.
        public static let maxCommentLength = 0xffff

        public var offset: UInt64
        public var diskNumber: UInt16
        public var centralDirectoryDisk: UInt16
        public var entriesOnDisk: UInt64
        public var entries: UInt64
        public var centralDirectorySize: UInt64
        public var centralDirectoryOffset: UInt64
        public var commentLength: UInt16
        public var isZip64: Bool
    }

    /// Zip64 end of central directory locator (APPNOTE 4.3.15), signature 0x07064b50.
    static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    /// Zip64 end of central directory record (APPNOTE 4.3.14), signature 0x06064b50.
    static let zip64EndSignature: UInt32 = 0x0606_4b50

    /// Central directory file header (APPNOTE 4.3.12), signature 0x02014b50.
    public struct Entry: Sendable, Equatable {
        public static let signature: UInt32 = 0x0201_4b50
        public static let fixedSize = 46

        /// Raw name bytes decoded as UTF-8 (invalid sequences replaced).
        public var name: String
        public var nameBytes: [UInt8]
        public var versionMadeBy: UInt16
        public var flags: UInt16
        public var method: UInt16
        public var crc32: UInt32
        public var compressedSize: UInt64
        public var uncompressedSize: UInt64
        public var localHeaderOffset: UInt64
        public var externalAttributes: UInt32
        /// Offset of this entry's central directory header, for diagnostics.
        public var centralHeaderOffset: UInt64

        public var isDirectory: Bool { name.hasSuffix("/") }
        /// Bit 0 of the general purpose flags; Android ignores it, tools that honour it are fooled.
        public var claimsEncryption: Bool { flags & 1 != 0 }
        /// Unix mode from the external attributes when made on Unix.
        public var unixMode: UInt32? { versionMadeBy >> 8 == 3 ? externalAttributes >> 16 : nil }
        public var isSymlink: Bool { unixMode.map { $0 & 0o170000 == 0o120000 } ?? false }
    }

    /// Local file header (APPNOTE 4.3.7), signature 0x04034b50.
    public struct LocalHeader: Sendable, Equatable {
        public static let signature: UInt32 = 0x0403_4b50
        public static let fixedSize = 30
        public var nameLength: UInt16
        public var extraLength: UInt16
        public var method: UInt16
        public var nameBytes: [UInt8]
    }

    public static let methodStored: UInt16 = 0
    public static let methodDeflate: UInt16 = 8
}

/// Why a ZIP could not be read at all (per-entry problems are diagnostics instead).
public enum ZipError: Error, Equatable, CustomStringConvertible {
    /// No end-of-central-directory record in the last 64 KiB: not a ZIP.
    case notAZip
    /// Multi-disk archives are not produced by any Android tool and are refused by the platform.
    case spanned
    /// The central directory (or an entry header) is malformed.
    case malformed(ParseError)
    /// An entry's data cannot be read.
    case entry(name: String, reason: String)
    /// Reading the entry would exceed a limit (size, ratio).
    case limit(name: String, reason: String)

    public var description: String {
        switch self {
        case .notAZip: "not a ZIP archive (no end of central directory record)"
        case .spanned: "spanned (multi-disk) ZIP archives are not supported"
        case let .malformed(e): "malformed ZIP: \(e)"
        case let .entry(name, reason): "\(name): \(reason)"
        case let .limit(name, reason): "\(name): limit exceeded: \(reason)"
        }
    }
}
