import CSquashfs
import PresetScanCore

extension Squashfs {
    /// An `sqfs_data_reader_t` (`sqfs/data_reader.h`) with its own decompressor: reads a file's bytes
    /// block by block (it caches the last data block and fragment block it decompressed).
    /// Stateful: used by one thread at a time (the image keeps a pool).
    final class DataReader: @unchecked Sendable {
        let handle: OpaquePointer
        private let file: SourceFile
        private let superblock: SuperblockHandle
        private let compressor: Compressor

        /// `sqfs_data_reader_create` + `sqfs_data_reader_load_fragment_table`; `fragmentError` says why
        /// the fragment table could not be loaded (files with a tail in a fragment then fail to read).
        init(file: SourceFile, superblock: SuperblockHandle) throws {
            let value = superblock.value
            compressor = try Compressor(id: value.compressionID, blockSize: value.blockSize)
            guard let reader = sqfs_data_reader_create(file.handle, Int(value.blockSize), compressor.handle, 0) else {
                throw LibraryError(code: SQFS_ERROR_ALLOC.rawValue, operation: "creating a data reader")
            }
            handle = reader
            self.file = file
            self.superblock = superblock
            if value.fragmentEntryCount > min(max(value.inodeCount, 1), Squashfs.maxFragmentEntries) {
                // Every fragment holds the tail of at least one file: more fragments than inodes is a
                // lie that would have the library allocate and read a table of that size.
                fragmentError = LibraryError(code: SQFS_ERROR_OVERFLOW.rawValue,
                    operation: "fragment table of \(value.fragmentEntryCount) entries for \(value.inodeCount) inodes is implausible; not read")
            } else if value.fragmentEntryCount > 0, value.flags & Superblock.flagNoFragments == 0 {
                let loaded = sqfs_data_reader_load_fragment_table(reader, superblock.pointer)
                fragmentError = loaded == 0 ? nil : LibraryError(code: loaded, operation: "reading the fragment table")
            } else {
                fragmentError = nil
            }
        }

        let fragmentError: LibraryError?

        deinit { sqfs_destroy(UnsafeMutableRawPointer(handle)) }

        /// `sqfs_data_reader_read` until `buffer` is full: `offset + buffer.count` must lie inside the file.
        func read(_ inode: Inode, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws {
            guard let base = buffer.baseAddress else { return }
            var done = 0
            while done < buffer.count {
                let chunk = UInt32(min(buffer.count - done, 1 << 30))
                let n = inode.withPointer { sqfs_data_reader_read(handle, $0, offset + UInt64(done), base + done, chunk) }
                try LibraryError.check(n, "reading \(chunk) bytes at offset \(offset + UInt64(done)) of inode \(inode.number)")
                guard n > 0 else {
                    throw LibraryError(code: SQFS_ERROR_OUT_OF_BOUNDS.rawValue,
                                       operation: "reading at offset \(offset + UInt64(done)) of inode \(inode.number): no data")
                }
                done += Int(n)
            }
        }
    }

    /// Idle data readers of all images together, oldest dropped first: each holds up to three blocks
    /// (3 MiB at 1 MiB blocks) and a fragment table, and one run may open thousands of nested images.
    final class ReaderPool: Sendable {
        static let shared = ReaderPool(capacity: 8)
        private static let serials = Locked<UInt64>(0)

        let capacity: Int
        private let idle = Locked<[(image: UInt64, reader: DataReader)]>([])

        init(capacity: Int) { self.capacity = capacity }

        /// A number no other image of this process has (an object's address can be reused).
        static func nextSerial() -> UInt64 { serials.withLock { $0 += 1; return $0 } }

        func take(for image: UInt64) -> DataReader? {
            idle.withLock { list in
                guard let i = list.lastIndex(where: { $0.image == image }) else { return nil }
                return list.remove(at: i).reader
            }
        }

        func give(_ reader: DataReader, for image: UInt64) {
            let dropped: DataReader? = idle.withLock { list in
                list.append((image, reader))
                return list.count > capacity ? list.removeFirst().reader : nil
            }
            _ = dropped  // freed here, outside the lock
        }
    }

    /// A regular file's bytes, read in place through the image's data readers: reading the end of
    /// an APK decompresses only the blocks that hold the end.
    final class FileSource: ByteSource, @unchecked Sendable {
        let image: Image
        let inode: Inode
        let size: UInt64

        init(image: Image, inode: Inode) {
            self.image = image
            self.inode = inode
            self.size = inode.fileSize
        }

        func read(at offset: UInt64, count: Int) throws -> [UInt8] {
            try checkRange(offset, count)
            if count == 0 { return [] }
            return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                try image.read(inode, at: offset, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            }
        }
    }
}
