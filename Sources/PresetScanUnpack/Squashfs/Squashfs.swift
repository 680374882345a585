import CSquashfs
import PresetScanCore

/// Namespace for squashfs 4.0 images, read through libsquashfs (squashfs-tools-ng 1.2, `sqfs/*.h`).
///
/// Every C handle lives in a small wrapper class that frees it in `deinit` and keeps alive what the
/// library keeps a pointer to (the file, the superblock, the compressor); no C type leaves the module.
public enum Squashfs {
    /// Directories nested deeper than this are not entered (hostile images nest without end).
    public static let maxDirectoryDepth = 256
    /// Largest block list kept for one file (16M blocks: 2 TiB at 128 KiB blocks, 64 GiB at 4 KiB).
    public static let maxBlockListBytes = 64 << 20
    /// Longest symlink target decoded (Linux `PATH_MAX`); a longer one is corrupt.
    public static let maxSymlinkTarget: UInt32 = 4096
    /// Largest total of block lists kept for the entries of one directory listing.
    public static let maxListingPayloadBytes = 256 << 20
    /// Largest fragment table loaded (entries of 16 bytes); mksquashfs writes one per few files.
    public static let maxFragmentEntries: UInt32 = 4 << 20

    /// The superblock (`sqfs/super.h` `sqfs_super_t`), 96 bytes little-endian at byte 0, as libsquashfs
    /// read and checked it (magic, version 4.0, block size and its log).
    public struct Superblock: Sendable, Equatable {
        public static let size: UInt64 = 96

        public var inodeCount: UInt32
        public var modificationTime: UInt32
        public var blockSize: UInt32
        public var fragmentEntryCount: UInt32
        /// `SQFS_COMPRESSOR`: 1 gzip, 2 lzma, 3 lzo, 4 xz, 5 lz4, 6 zstd.
        public var compressionID: UInt16
        public var flags: UInt16
        public var idCount: UInt16
        public var rootInodeRef: UInt64
        public var bytesUsed: UInt64
        public var idTableStart: UInt64
        public var xattrIDTableStart: UInt64
        public var inodeTableStart: UInt64
        public var directoryTableStart: UInt64
        public var fragmentTableStart: UInt64
        public var exportTableStart: UInt64

        /// `SQFS_FLAG_COMPRESSOR_OPTIONS`: compressor options follow the superblock.
        public static let flagCompressorOptions: UInt16 = 0x0400
        /// `SQFS_FLAG_NO_FRAGMENTS`.
        public static let flagNoFragments: UInt16 = 0x0010

        init(_ s: sqfs_super_t) {
            inodeCount = s.inode_count
            modificationTime = s.modification_time
            blockSize = s.block_size
            fragmentEntryCount = s.fragment_entry_count
            compressionID = s.compression_id
            flags = s.flags
            idCount = s.id_count
            rootInodeRef = s.root_inode_ref
            bytesUsed = s.bytes_used
            idTableStart = s.id_table_start
            xattrIDTableStart = s.xattr_id_table_start
            inodeTableStart = s.inode_table_start
            directoryTableStart = s.directory_table_start
            fragmentTableStart = s.fragment_table_start
            exportTableStart = s.export_table_start
        }

        /// The compressor's name as libsquashfs spells it, or `id N` for one it does not know.
        public var compressorName: String { Squashfs.compressorName(compressionID) }
    }

    static func compressorName(_ id: UInt16) -> String {
        guard let name = sqfs_compressor_name_from_id(SQFS_COMPRESSOR(rawValue: numericCast(id))) else { return "id \(id)" }
        return String(cString: name)
    }

    /// A libsquashfs call that returned an `SQFS_ERROR` code (`sqfs/error.h`).
    public struct LibraryError: Error, CustomStringConvertible, Equatable {
        /// The negative `SQFS_ERROR` value.
        public var code: Int32
        /// What was being done, for the message ("reading the root inode").
        public var operation: String

        public var description: String { "\(operation): \(Self.name(code))" }

        /// The stable diagnostic code a container reports for this error.
        public var containerCode: String {
            switch code {
            case SQFS_ERROR_COMPRESSOR.rawValue: "squashfs.bad-block"
            case SQFS_ERROR_IO.rawValue: "squashfs.io"
            case SQFS_ERROR_OUT_OF_BOUNDS.rawValue: "squashfs.out-of-bounds"
            case SQFS_ERROR_ALLOC.rawValue: "squashfs.out-of-memory"
            case SFQS_ERROR_SUPER_MAGIC.rawValue, SFQS_ERROR_SUPER_VERSION.rawValue, SQFS_ERROR_SUPER_BLOCK_SIZE.rawValue:
                "squashfs.bad-superblock"
            case SQFS_ERROR_UNSUPPORTED.rawValue: "squashfs.unsupported"
            default: "squashfs.corrupted"
            }
        }

        static func name(_ code: Int32) -> String {
            switch code {
            case SQFS_ERROR_ALLOC.rawValue: "out of memory"
            case SQFS_ERROR_IO.rawValue: "I/O error"
            case SQFS_ERROR_COMPRESSOR.rawValue: "a compressed block does not decompress"
            case SQFS_ERROR_INTERNAL.rawValue: "internal library error"
            case SQFS_ERROR_CORRUPTED.rawValue: "corrupted data"
            case SQFS_ERROR_UNSUPPORTED.rawValue: "unsupported feature"
            case SQFS_ERROR_OVERFLOW.rawValue: "a size overflows"
            case SQFS_ERROR_OUT_OF_BOUNDS.rawValue: "a location lies outside the image or its table"
            case SFQS_ERROR_SUPER_MAGIC.rawValue: "bad superblock magic"
            case SFQS_ERROR_SUPER_VERSION.rawValue: "squashfs version is not 4.0"
            case SQFS_ERROR_SUPER_BLOCK_SIZE.rawValue: "invalid block size"
            case SQFS_ERROR_NOT_DIR.rawValue: "not a directory"
            case SQFS_ERROR_NO_ENTRY.rawValue: "no such entry"
            case SQFS_ERROR_LINK_LOOP.rawValue: "link loop"
            case SQFS_ERROR_NOT_FILE.rawValue: "not a regular file"
            case SQFS_ERROR_ARG_INVALID.rawValue: "invalid argument"
            case SQFS_ERROR_SEQUENCE.rawValue: "calls out of sequence"
            default: "error \(code)"
            }
        }

        /// Throws when `result` is negative (libsquashfs returns 0 or a positive count on success).
        @discardableResult
        static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws -> Int32 {
            guard result >= 0 else { throw LibraryError(code: result, operation: operation()) }
            return result
        }

        var asContainerError: ContainerError { ContainerError(containerCode, "squashfs: \(description)") }
    }
}
