import CSquashfs
import PresetScanCore

extension Squashfs {
    /// A decompress-only `sqfs_compressor_t` (`sqfs/compressor.h`) for the superblock's compressor id.
    /// Stateful in the library (gzip keeps a `z_stream`): one per reader, never shared across threads.
    final class Compressor: @unchecked Sendable {
        let handle: UnsafeMutablePointer<sqfs_compressor_t>
        /// `SQFS_COMPRESSOR` id.
        let id: UInt16

        /// `sqfs_compressor_config_init` + `sqfs_compressor_create` with `SQFS_COMP_FLAG_UNCOMPRESS`.
        /// Throws `squashfs.unsupported-compressor` for an id the library does not have (lzo is never
        /// built into libsquashfs, an unknown id is never valid).
        init(id: UInt16, blockSize: UInt32) throws {
            self.id = id
            let unsupported = ContainerError("squashfs.unsupported-compressor",
                "squashfs compressor \(Squashfs.compressorName(id)) is not supported by libsquashfs; the image cannot be read")
            guard id >= UInt16(SQFS_COMP_MIN.rawValue), id <= UInt16(SQFS_COMP_MAX.rawValue) else { throw unsupported }
            var config = sqfs_compressor_config_t()
            let flags = UInt16(SQFS_COMP_FLAG_UNCOMPRESS.rawValue)
            let initResult = sqfs_compressor_config_init(&config, SQFS_COMPRESSOR(rawValue: numericCast(id)), Int(blockSize), flags)
            if initResult == SQFS_ERROR_UNSUPPORTED.rawValue { throw unsupported }
            try LibraryError.check(initResult, "configuring the \(Squashfs.compressorName(id)) decompressor")
            var out: UnsafeMutablePointer<sqfs_compressor_t>?
            let result = sqfs_compressor_create(&config, &out)
            if result == SQFS_ERROR_UNSUPPORTED.rawValue { throw unsupported }
            try LibraryError.check(result, "creating the \(Squashfs.compressorName(id)) decompressor")
            guard let out else { throw LibraryError(code: SQFS_ERROR_ALLOC.rawValue, operation: "creating the decompressor") }
            handle = out
        }

        deinit { sqfs_destroy(handle) }

        /// `read_options`: the options block after the superblock (`SQFS_FLAG_COMPRESSOR_OPTIONS`).
        func readOptions(from file: SourceFile) throws {
            guard let read = handle.pointee.read_options else { return }
            try LibraryError.check(read(handle, file.handle), "reading the compressor options")
        }
    }

    /// The superblock as libsquashfs keeps it: the directory reader holds a pointer to it.
    final class SuperblockHandle: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<sqfs_super_t>
        let value: Superblock

        /// `sqfs_super_read`.
        init(file: SourceFile) throws {
            pointer = .allocate(capacity: 1)
            pointer.initialize(to: sqfs_super_t())
            do {
                try LibraryError.check(sqfs_super_read(pointer, file.handle), "reading the superblock")
            } catch {
                pointer.deallocate()
                throw error
            }
            value = Superblock(pointer.pointee)
        }

        deinit { pointer.deallocate() }
    }

    /// The id table (`sqfs/id_table.h`): owner and group ids by the 16-bit index inodes store.
    final class IDTable: @unchecked Sendable {
        let handle: OpaquePointer
        private let file: SourceFile
        private let compressor: Compressor

        /// `sqfs_id_table_create` + `sqfs_id_table_read`.
        init(file: SourceFile, superblock: SuperblockHandle, compressor: Compressor) throws {
            guard let table = sqfs_id_table_create(0) else {
                throw LibraryError(code: SQFS_ERROR_ALLOC.rawValue, operation: "creating the id table")
            }
            handle = table
            self.file = file
            self.compressor = compressor
            try LibraryError.check(sqfs_id_table_read(table, file.handle, superblock.pointer, compressor.handle), "reading the id table")
        }

        deinit { sqfs_destroy(UnsafeMutableRawPointer(handle)) }

        /// `sqfs_id_table_index_to_id`.
        func id(at index: UInt16) throws -> UInt32 {
            var out: UInt32 = 0
            try LibraryError.check(sqfs_id_table_index_to_id(handle, index, &out), "looking up id index \(index)")
            return out
        }
    }
}
