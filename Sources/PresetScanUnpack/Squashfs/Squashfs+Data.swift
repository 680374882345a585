import CSquashfs
import PresetScanCore

extension Squashfs {
    /// An `sqfs_data_reader_t` (`sqfs/data_reader.h`) with its own decompressor: decompresses a file's
    /// data blocks and fragment tail (it keeps the last fragment block it decompressed).
    /// Stateful: used by one thread at a time (idle ones wait in `ReaderPool.shared`).
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

        /// `sqfs_data_reader_get_block`: data block `index` of the file, decompressed (a sparse block
        /// as zeros); shorter than the block size only for the last block of a file without fragment.
        func block(_ inode: Inode, _ index: Int) throws -> [UInt8] {
            var size = 0
            var out: UnsafeMutablePointer<UInt8>?
            let result = inode.withPointer { sqfs_data_reader_get_block(handle, $0, index, &size, &out) }
            defer { sqfs_free(out) }
            try LibraryError.check(result, "reading block \(index) of inode \(inode.number)")
            guard let out else { return [] }
            return Array(UnsafeBufferPointer(start: out, count: size))
        }

        /// `sqfs_data_reader_get_fragment`: the file's tail kept in a fragment block (empty when none).
        func fragment(_ inode: Inode) throws -> [UInt8] {
            var size = 0
            var out: UnsafeMutablePointer<UInt8>?
            let result = inode.withPointer { sqfs_data_reader_get_fragment(handle, $0, &size, &out) }
            defer { sqfs_free(out) }
            try LibraryError.check(result, "reading the fragment of inode \(inode.number)")
            guard let out else { return [] }
            return Array(UnsafeBufferPointer(start: out, count: size))
        }
    }

    /// Decompressed blocks of all images together, bounded in bytes, oldest dropped first. A ZIP
    /// reader goes back and forth between the central directory at the end and the entries, and
    /// small APKs share fragment blocks: each block is decompressed once, not at every visit.
    final class BlockCache: Sendable {
        static let shared = BlockCache(capacity: 32 << 20)

        /// What determines a block's bytes: where it lies and how it is stored, never an inode
        /// number a hostile image could repeat for different data.
        enum Key: Hashable {
            case data(image: UInt64, offset: UInt64, sizeWord: UInt32, unpacked: UInt32)
            case fragment(image: UInt64, index: UInt32, offset: UInt32, size: UInt32)
        }

        private struct State {
            var blocks: [Key: [UInt8]] = [:]
            var order: [Key] = []
            var head = 0
            var bytes = 0
        }

        let capacity: Int
        private let state = Locked(State())

        init(capacity: Int) { self.capacity = capacity }

        func get(_ key: Key) -> [UInt8]? { state.withLock { $0.blocks[key] } }

        func put(_ key: Key, _ block: [UInt8]) {
            guard block.count <= capacity / 4 else { return }
            state.withLock { s in
                guard s.blocks.updateValue(block, forKey: key) == nil else { return }
                s.order.append(key)
                s.bytes += block.count
                while s.bytes > capacity, s.head < s.order.count {
                    if let old = s.blocks.removeValue(forKey: s.order[s.head]) { s.bytes -= old.count }
                    s.head += 1
                }
                if s.head > 1024, s.head * 2 > s.order.count {
                    s.order.removeFirst(s.head)
                    s.head = 0
                }
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

    /// A regular file's bytes, read in place through the image's data readers, block by block:
    /// reading the end of an APK decompresses only the blocks that hold the end.
    final class FileSource: ByteSource, @unchecked Sendable {
        let image: Image
        let inode: Inode
        let size: UInt64
        /// Full data blocks on disk; a tail shorter than a block, if any, is in a fragment.
        let blockCount: Int
        let hasFragment: Bool
        /// Absolute offset of every 64th block, so block `i`'s offset adds at most 63 sizes.
        private let checkpoints: [UInt64]
        static let checkpointStride = 64

        init(image: Image, inode: Inode) {
            self.image = image
            self.inode = inode
            self.size = inode.fileSize
            let words = inode.blockSizeWords
            blockCount = words.count
            let blockSize = UInt64(image.superblock.blockSize)
            hasFragment = UInt64(words.count) < size / blockSize + (size % blockSize == 0 ? 0 : 1)
            var points: [UInt64] = []
            points.reserveCapacity(words.count / Self.checkpointStride + 1)
            var offset = inode.blockStart
            for (i, word) in words.enumerated() {
                if i % Self.checkpointStride == 0 { points.append(offset) }
                offset &+= UInt64(word & 0x00ff_ffff)
            }
            checkpoints = points
        }

        /// Where data block `index` starts in the image and its size word (`sqfs/block.h`).
        func location(ofBlock index: Int) -> (offset: UInt64, word: UInt32) {
            let words = inode.blockSizeWords
            var offset = checkpoints[index / Self.checkpointStride]
            for i in (index - index % Self.checkpointStride)..<index { offset &+= UInt64(words[i] & 0x00ff_ffff) }
            return (offset, words[index])
        }

        func read(at offset: UInt64, count: Int) throws -> [UInt8] {
            try checkRange(offset, count)
            if count == 0 { return [] }
            return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                try image.read(self, at: offset, into: UnsafeMutableRawBufferPointer(buffer))
                initialized = count
            }
        }
    }
}
