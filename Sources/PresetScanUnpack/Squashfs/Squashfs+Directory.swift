import CSquashfs
import PresetScanCore

extension Squashfs {
    /// An inode as libsquashfs decodes it (`sqfs/inode.h` `sqfs_inode_generic_t`); freed with `sqfs_free`.
    /// Immutable once read, so readers on several threads may share it.
    final class Inode: @unchecked Sendable {
        enum Kind: Equatable { case directory, file, symlink, other }

        private let pointer: UnsafeMutablePointer<sqfs_inode_generic_t>

        init(taking pointer: UnsafeMutablePointer<sqfs_inode_generic_t>) { self.pointer = pointer }

        deinit { sqfs_free(pointer) }

        var kind: Kind {
            switch Int(pointer.pointee.base.type) {
            case Int(SQFS_INODE_DIR.rawValue), Int(SQFS_INODE_EXT_DIR.rawValue): .directory
            case Int(SQFS_INODE_FILE.rawValue), Int(SQFS_INODE_EXT_FILE.rawValue): .file
            case Int(SQFS_INODE_SLINK.rawValue), Int(SQFS_INODE_EXT_SLINK.rawValue): .symlink
            default: .other
            }
        }

        var number: UInt32 { pointer.pointee.base.inode_number }
        var uidIndex: UInt16 { pointer.pointee.base.uid_idx }

        /// Where the directory's listing starts in the directory table: (block, offset); a listing
        /// seen twice in one walk is a loop.
        var listing: (block: UInt32, offset: UInt16, size: UInt32)? {
            let d = pointer.pointee.data
            switch kind {
            case .directory where Int(pointer.pointee.base.type) == Int(SQFS_INODE_DIR.rawValue):
                return (d.dir.start_block, d.dir.offset, UInt32(d.dir.size))
            case .directory: return (d.dir_ext.start_block, d.dir_ext.offset, d.dir_ext.size)
            default: return nil
            }
        }

        /// `sqfs_inode_get_file_size`.
        var fileSize: UInt64 {
            var size: UInt64 = 0
            return sqfs_inode_get_file_size(pointer, &size) == 0 ? size : 0
        }

        /// `sqfs_inode_get_file_block_start`: absolute offset of the first data block.
        var blockStart: UInt64 {
            var start: UInt64 = 0
            return sqfs_inode_get_file_block_start(pointer, &start) == 0 ? start : 0
        }

        /// `sqfs_inode_get_frag_location`: fragment index and offset (index 0xFFFFFFFF: no fragment).
        var fragment: (index: UInt32, offset: UInt32) {
            var index: UInt32 = 0, offset: UInt32 = 0
            _ = sqfs_inode_get_frag_location(pointer, &index, &offset)
            return (index, offset)
        }

        /// Bytes of the payload after the fixed part (a file's block list, a symlink's target).
        var payloadBytes: Int { Int(pointer.pointee.payload_bytes_used) }

        /// The `extra` payload after the fixed part: block sizes of a file, the target of a symlink.
        private var extra: UnsafeRawBufferPointer {
            let used = Int(min(pointer.pointee.payload_bytes_used, pointer.pointee.payload_bytes_available))
            return UnsafeRawBufferPointer(start: UnsafeRawPointer(pointer) + MemoryLayout<sqfs_inode_generic_t>.size, count: used)
        }

        /// The file's block size words (bit 24: stored uncompressed; low 24 bits: bytes on disk, 0 for
        /// a sparse block; `sqfs/block.h`), as `sqfs_inode_get_file_block_count` counts them.
        var blockSizeWords: UnsafeBufferPointer<UInt32> {
            guard kind == .file else { return UnsafeBufferPointer(start: nil, count: 0) }
            let raw = extra
            // The payload follows a struct of 8-byte alignment, so it is aligned for UInt32.
            return UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt32.self), count: raw.count / 4)
        }

        /// Bytes the file's data blocks take on disk (block-size words: bit 24 = stored, low 24 bits =
        /// size; `sqfs/block.h`), or nil on overflow.
        var dataBytesOnDisk: UInt64? {
            guard kind == .file else { return 0 }
            var total: UInt64 = 0
            let words = extra.count / 4
            for i in 0..<words {
                let word = extra.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
                let (sum, overflow) = total.addingReportingOverflow(UInt64(word & 0x00ff_ffff))
                guard !overflow else { return nil }
                total = sum
            }
            return total
        }

        /// A symlink's target, at most 4096 bytes of it.
        var symlinkTarget: String {
            guard kind == .symlink else { return "" }
            let size = Int(min(pointer.pointee.data.slink.target_size, 4096))
            return String(decoding: extra.prefix(size), as: UTF8.self)
        }

        func withPointer<R>(_ body: (UnsafePointer<sqfs_inode_generic_t>) throws -> R) rethrows -> R {
            try body(pointer)
        }
    }

    /// One directory entry and its inode (or why the inode could not be read).
    struct DirectoryEntry {
        var name: [UInt8]
        var inode: Result<Inode, LibraryError>
    }

    /// An `sqfs_dir_reader_t` (`sqfs/dir_reader.h`): reads inodes and directory listings from the
    /// inode and directory tables. Stateful: one listing at a time, on one thread.
    final class DirectoryReader: @unchecked Sendable {
        let handle: OpaquePointer
        private let file: SourceFile
        private let superblock: SuperblockHandle
        private let compressor: Compressor

        /// `sqfs_dir_reader_create` without `.`/`..` entries.
        init(file: SourceFile, superblock: SuperblockHandle, compressor: Compressor) throws {
            guard let reader = sqfs_dir_reader_create(superblock.pointer, compressor.handle, file.handle, 0) else {
                throw LibraryError(code: SQFS_ERROR_CORRUPTED.rawValue,
                                   operation: "opening the inode and directory tables (table offsets out of order or past the end)")
            }
            handle = reader
            self.file = file
            self.superblock = superblock
            self.compressor = compressor
        }

        deinit { sqfs_destroy(UnsafeMutableRawPointer(handle)) }

        /// `sqfs_dir_reader_get_root_inode`.
        func rootInode() throws -> Inode {
            var out: UnsafeMutablePointer<sqfs_inode_generic_t>?
            try LibraryError.check(sqfs_dir_reader_get_root_inode(handle, &out), "reading the root inode")
            guard let out else { throw LibraryError(code: SQFS_ERROR_INTERNAL.rawValue, operation: "reading the root inode") }
            return Inode(taking: out)
        }

        /// The entries of `directory` (`sqfs_dir_reader_open_dir`, then `_read` and `_get_inode` per
        /// entry), at most `limit + 1` of them so a caller can tell the limit was passed. A listing that
        /// breaks off midway gives the entries before the break and the error.
        func entries(of directory: Inode, limit: Int) -> (entries: [DirectoryEntry], error: LibraryError?) {
            var entries: [DirectoryEntry] = []
            var retained = 0
            let opened = directory.withPointer { sqfs_dir_reader_open_dir(handle, $0, 0) }
            guard opened == 0 else { return ([], LibraryError(code: opened, operation: "opening directory inode \(directory.number)")) }
            while entries.count <= limit {
                var entry: OpaquePointer?
                let result = sqfs_dir_reader_read(handle, &entry)
                if result > 0 { break }
                guard result == 0, let entry else {
                    return (entries, LibraryError(code: result < 0 ? result : SQFS_ERROR_INTERNAL.rawValue,
                                                  operation: "reading directory inode \(directory.number)"))
                }
                // `sqfs_dir_entry_t` (`sqfs/dir.h`, not in the shim, so opaque here): u16 offset,
                // s16 inode_diff, u16 type, u16 size (name length - 1) in host order, then the name.
                let raw = UnsafeRawPointer(entry)
                let length = Int(raw.loadUnaligned(fromByteOffset: 6, as: UInt16.self)) + 1
                let name = Array(UnsafeRawBufferPointer(start: raw + 8, count: length))
                sqfs_free(UnsafeMutableRawPointer(entry))
                var inode: UnsafeMutablePointer<sqfs_inode_generic_t>?
                let got = sqfs_dir_reader_get_inode(handle, &inode)
                if got == 0, let inode {
                    let read = Inode(taking: inode)
                    // A hostile size makes a block list of gigabytes out of well-compressed metadata:
                    // what one listing keeps in memory is bounded.
                    if read.payloadBytes > Squashfs.maxBlockListBytes || retained > Squashfs.maxListingPayloadBytes - read.payloadBytes {
                        entries.append(DirectoryEntry(name: name, inode: .failure(LibraryError(code: SQFS_ERROR_OVERFLOW.rawValue,
                            operation: "inode \(read.number) lists \(read.payloadBytes / 4) blocks (file size \(read.fileSize)), more than this reader keeps"))))
                        continue
                    }
                    retained += read.payloadBytes
                    entries.append(DirectoryEntry(name: name, inode: .success(read)))
                } else {
                    entries.append(DirectoryEntry(name: name, inode: .failure(LibraryError(
                        code: got < 0 ? got : SQFS_ERROR_INTERNAL.rawValue, operation: "reading the inode"))))
                }
            }
            return (entries, nil)
        }
    }
}
