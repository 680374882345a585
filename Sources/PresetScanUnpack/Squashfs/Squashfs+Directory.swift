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

    /// Reads inodes and directory listings from the inode and directory tables through two
    /// `sqfs_meta_reader_t` (`sqfs/meta_reader.h`), as `sqfs_dir_reader_t` does, but checks each
    /// inode's size fields before libsquashfs decodes it: `sqfs_meta_reader_read_inode` allocates a
    /// file's block list from its file size and a symlink's target from its target size, so one
    /// hostile field would otherwise ask for gigabytes. Stateful: one listing at a time, on one thread.
    final class DirectoryReader: @unchecked Sendable {
        private let inodeTable: OpaquePointer
        private let directoryTable: OpaquePointer
        private let file: SourceFile
        private let superblock: SuperblockHandle
        private let compressor: Compressor

        /// The same table bounds as `sqfs_dir_reader_create`: inodes up to the directory table,
        /// directories up to the first of the id, fragment and export tables.
        init(file: SourceFile, superblock: SuperblockHandle, compressor: Compressor) throws {
            let s = superblock.pointer.pointee
            let directoryEnd = min(s.id_table_start, s.fragment_table_start, s.export_table_start)
            guard let inodes = sqfs_meta_reader_create(file.handle, compressor.handle, s.inode_table_start, s.directory_table_start)
            else {
                throw LibraryError(code: SQFS_ERROR_ALLOC.rawValue, operation: "opening the inode table")
            }
            guard let directories = sqfs_meta_reader_create(file.handle, compressor.handle, s.directory_table_start, directoryEnd)
            else {
                sqfs_destroy(UnsafeMutableRawPointer(inodes))
                throw LibraryError(code: SQFS_ERROR_ALLOC.rawValue, operation: "opening the directory table")
            }
            inodeTable = inodes
            directoryTable = directories
            self.file = file
            self.superblock = superblock
            self.compressor = compressor
        }

        deinit {
            sqfs_destroy(UnsafeMutableRawPointer(inodeTable))
            sqfs_destroy(UnsafeMutableRawPointer(directoryTable))
        }

        /// The root inode, from the superblock's reference.
        func rootInode() throws -> Inode {
            try inode(at: superblock.pointer.pointee.root_inode_ref, retaining: 0)
        }

        /// The inode at `reference` (metadata block relative to the inode table << 16 | offset), after
        /// `InodeSizes` says what decoding it will allocate; `retained` is what the listing keeps already.
        func inode(at reference: UInt64, retaining retained: Int) throws -> Inode {
            let block = reference >> 16
            let offset = Int(reference & 0xffff)
            let sizes = try InodeSizes.read(inodeTable, at: block + superblock.pointer.pointee.inode_table_start, offset: offset,
                                            blockSize: superblock.value.blockSize)
            let where_ = "inode at block \(block) offset \(offset)"
            if let target = sizes.symlinkTarget, target > Squashfs.maxSymlinkTarget {
                throw LibraryError(code: SQFS_ERROR_OVERFLOW.rawValue,
                                   operation: "\(where_) is a symlink of \(target) bytes, longer than a path can be")
            }
            if let blocks = sizes.blockCount {
                let bytes = blocks.multipliedReportingOverflow(by: 4)
                if bytes.overflow || bytes.partialValue > UInt64(Squashfs.maxBlockListBytes)
                    || bytes.partialValue > UInt64(max(0, Squashfs.maxListingPayloadBytes - retained))
                {
                    throw LibraryError(code: SQFS_ERROR_OVERFLOW.rawValue,
                        operation: "\(where_) lists \(blocks) blocks (file size \(sizes.fileSize ?? 0)), more than this reader keeps")
                }
            }
            var out: UnsafeMutablePointer<sqfs_inode_generic_t>?
            try LibraryError.check(sqfs_meta_reader_read_inode(inodeTable, superblock.pointer, block, offset, &out), "reading the \(where_)")
            guard let out else { throw LibraryError(code: SQFS_ERROR_INTERNAL.rawValue, operation: "reading the \(where_)") }
            return Inode(taking: out)
        }

        /// The entries of `directory` (`sqfs_readdir_state_init`, then `sqfs_meta_reader_readdir` and
        /// the inode per entry), at most `limit + 1` of them so a caller can tell the limit was passed.
        /// A listing that breaks off midway gives the entries before the break and the error.
        func entries(of directory: Inode, limit: Int) -> (entries: [DirectoryEntry], error: LibraryError?) {
            var entries: [DirectoryEntry] = []
            var retained = 0
            var state = sqfs_readdir_state_t()
            let opened = directory.withPointer { sqfs_readdir_state_init(&state, superblock.pointer, $0) }
            guard opened == 0 else { return ([], LibraryError(code: opened, operation: "opening directory inode \(directory.number)")) }
            while entries.count <= limit {
                var entry: UnsafeMutablePointer<sqfs_dir_entry_t>?
                var reference: UInt64 = 0
                let result = sqfs_meta_reader_readdir(directoryTable, &state, &entry, nil, &reference)
                if result > 0 { break }
                guard result == 0, let entry else {
                    return (entries, LibraryError(code: result < 0 ? result : SQFS_ERROR_INTERNAL.rawValue,
                                                  operation: "reading directory inode \(directory.number)"))
                }
                // `size` is the name length - 1, in host order after decoding (`sqfs/dir.h`).
                let length = Int(entry.pointee.size) + 1
                let name = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(entry) + MemoryLayout<sqfs_dir_entry_t>.size,
                                                        count: length))
                sqfs_free(entry)
                do {
                    let read = try inode(at: reference, retaining: retained)
                    retained += read.payloadBytes
                    entries.append(DirectoryEntry(name: name, inode: .success(read)))
                } catch let error as LibraryError {
                    entries.append(DirectoryEntry(name: name, inode: .failure(error)))
                } catch {
                    entries.append(DirectoryEntry(name: name, inode: .failure(LibraryError(code: SQFS_ERROR_INTERNAL.rawValue,
                                                                                           operation: "\(error)"))))
                }
            }
            return (entries, nil)
        }
    }

    /// The size fields of an inode that decide what decoding it allocates (squashfs inode layouts,
    /// `sqfs/inode.h`, little-endian): read from the metadata before libsquashfs decodes the inode.
    struct InodeSizes {
        var fileSize: UInt64?
        /// Block-size words libsquashfs will allocate for a file.
        var blockCount: UInt64?
        var symlinkTarget: UInt32?

        /// Base inode (16 bytes) and the fixed fields after it, at `block`/`offset` of the inode table.
        static func read(_ table: OpaquePointer, at block: UInt64, offset: Int, blockSize: UInt32) throws -> InodeSizes {
            try LibraryError.check(sqfs_meta_reader_seek(table, block, offset), "seeking to the inode at \(block)+\(offset)")
            var base = [UInt8](repeating: 0, count: 16)
            try LibraryError.check(sqfs_meta_reader_read(table, &base, 16), "reading the inode at \(block)+\(offset)")
            let type = UInt16(base[0]) | UInt16(base[1]) << 8
            var sizes = InodeSizes()
            switch Int32(type) {
            case Int32(SQFS_INODE_FILE.rawValue):
                // blocks_start u32, fragment_index u32, fragment_offset u32, file_size u32
                let fields = try words(table, 16)
                sizes.fileSize = UInt64(ByteReader.u32le(fields, 12))
                sizes.blockCount = count(UInt64(ByteReader.u32le(fields, 12)), fragment: ByteReader.u32le(fields, 4), blockSize: blockSize)
            case Int32(SQFS_INODE_EXT_FILE.rawValue):
                // blocks_start u64, file_size u64, sparse u64, nlink u32, fragment_idx u32, ...
                let fields = try words(table, 32)
                let size = UInt64(ByteReader.u32le(fields, 8)) | UInt64(ByteReader.u32le(fields, 12)) << 32
                sizes.fileSize = size
                sizes.blockCount = count(size, fragment: ByteReader.u32le(fields, 28), blockSize: blockSize)
            case Int32(SQFS_INODE_SLINK.rawValue), Int32(SQFS_INODE_EXT_SLINK.rawValue):
                // nlink u32, target_size u32
                sizes.symlinkTarget = ByteReader.u32le(try words(table, 8), 4)
            default:
                break
            }
            return sizes
        }

        /// libsquashfs' count: whole blocks, plus the tail when it is not in a fragment.
        private static func count(_ size: UInt64, fragment: UInt32, blockSize: UInt32) -> UInt64 {
            guard blockSize > 0 else { return 0 }
            var blocks = size / UInt64(blockSize)
            if fragment == 0xffff_ffff && size % UInt64(blockSize) != 0 { blocks += 1 }
            return blocks
        }

        private static func words(_ table: OpaquePointer, _ count: Int) throws -> [UInt8] {
            var bytes = [UInt8](repeating: 0, count: count)
            try LibraryError.check(sqfs_meta_reader_read(table, &bytes, count), "reading an inode's fields")
            return bytes
        }
    }
}
