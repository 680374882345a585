import CSquashfs
import PresetScanCore

extension Squashfs {
    /// A squashfs 4.0 image read in place from a byte source through libsquashfs; files are
    /// `FileSource`s that decompress only the blocks asked for.
    public final class Image: Container, @unchecked Sendable {
        public let source: ByteSource
        public let superblock: Superblock
        public let limits: UnpackLimits
        let file: SourceFile
        let superHandle: SuperblockHandle
        let directories: DirectoryReader
        let ids: IDTable?
        /// Trouble found while opening, reported at the start of the walk.
        let openingNotes: [ContainerNote]
        /// Held while `forEachFile` uses the directory reader.
        let walking = Locked(())
        /// This image's key in the shared pool of idle data readers.
        private let serial = ReaderPool.nextSerial()

        /// Opens the image: superblock, compressor (an unknown or unbuilt one is
        /// `squashfs.unsupported-compressor`), inode and directory tables, id and fragment tables.
        public init(source: ByteSource, limits: UnpackLimits = UnpackLimits()) throws {
            guard source.size >= Superblock.size else {
                throw ContainerError("squashfs.truncated", "squashfs image truncated: \(source.size) bytes, the superblock is 96")
            }
            self.source = source
            self.limits = limits
            let file = SourceFile(source)
            do {
                superHandle = try SuperblockHandle(file: file)
            } catch let e as LibraryError {
                // sqfs_super_read refuses a compressor id outside 1...6 as "unsupported".
                if e.code == SQFS_ERROR_UNSUPPORTED.rawValue, let raw = try? source.read(at: 20, count: 2) {
                    let id = UInt16(raw[0]) | UInt16(raw[1]) << 8
                    if id < UInt16(SQFS_COMP_MIN.rawValue) || id > UInt16(SQFS_COMP_MAX.rawValue) {
                        throw ContainerError("squashfs.unsupported-compressor",
                            "squashfs compressor id \(id) (superblock offset 20) is unknown; the image cannot be read")
                    }
                }
                throw ContainerError("squashfs.bad-superblock", "squashfs superblock at offset 0: \(LibraryError.name(e.code))")
            }
            let sb = superHandle.value
            superblock = sb
            self.file = file
            var notes: [ContainerNote] = []
            if sb.bytesUsed > source.size {
                notes.append(ContainerNote(.error, "squashfs.truncated",
                    "squashfs image truncated: \(source.size) bytes of \(sb.bytesUsed); files past the end cannot be read"))
            }
            let tables: [(String, UInt64)] = [
                ("inode table", sb.inodeTableStart), ("directory table", sb.directoryTableStart), ("id table", sb.idTableStart),
            ]
            for (name, start) in tables where start < Superblock.size || start >= sb.bytesUsed {
                throw ContainerError("squashfs.bad-superblock",
                    "squashfs superblock: \(name) at \(start) lies outside the image (96..<\(sb.bytesUsed))")
            }
            guard sb.inodeTableStart < sb.directoryTableStart else {
                throw ContainerError("squashfs.bad-superblock",
                    "squashfs superblock: inode table at \(sb.inodeTableStart) does not precede the directory table at \(sb.directoryTableStart)")
            }
            let compressor = try Compressor(id: sb.compressionID, blockSize: sb.blockSize)
            if sb.flags & Superblock.flagCompressorOptions != 0 {
                do { try compressor.readOptions(from: file) } catch {
                    notes.append(ContainerNote(.warning, "squashfs.bad-compressor-options", "\(error); defaults are used"))
                }
            }
            do {
                directories = try DirectoryReader(file: file, superblock: superHandle, compressor: compressor)
            } catch let e as LibraryError {
                throw e.asContainerError
            }
            do {
                ids = try IDTable(file: file, superblock: superHandle, compressor: compressor)
            } catch {
                ids = nil
                notes.append(ContainerNote(.warning, "squashfs.bad-id-table", "\(error); owners are unknown"))
            }
            let first: DataReader
            do { first = try DataReader(file: file, superblock: superHandle) } catch let e as LibraryError {
                throw e.asContainerError
            }
            if let e = first.fragmentError {
                notes.append(ContainerNote(.error, "squashfs.bad-fragment-table", "\(e); files ending in a fragment cannot be read"))
            }
            openingNotes = notes
            ReaderPool.shared.give(first, for: serial)
        }

        /// Reads `buffer.count` bytes of `file` at `offset` (the caller checked the range), block by
        /// block through the shared block cache.
        func read(_ file: FileSource, at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws {
            guard let base = buffer.baseAddress else { return }
            let blockSize = UInt64(superblock.blockSize)
            var position = offset
            var done = 0
            while done < buffer.count {
                let index = position / blockSize
                let within = Int(position % blockSize)
                if let stored = try storedRange(file, index, within: within, count: buffer.count - done) {
                    // A block kept uncompressed (incompressible data): only the bytes asked for.
                    let bytes = try source.read(at: stored.offset, count: stored.count)
                    bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(start: base + done, count: stored.count).copyMemory(from: $0) }
                    done += stored.count
                    position += UInt64(stored.count)
                    continue
                }
                let block = try self.block(file, index)
                guard within < block.count else {
                    throw ContainerError("squashfs.corrupted",
                        "squashfs inode \(file.inode.number): block \(index) holds \(block.count) bytes, byte \(within) was asked for")
                }
                let n = min(block.count - within, buffer.count - done)
                block.withUnsafeBytes { bytes in
                    UnsafeMutableRawBufferPointer(start: base + done, count: n).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[within..<within + n]))
                }
                done += n
                position += UInt64(n)
            }
        }

        /// Where in the image the bytes `within..<within+count` of data block `index` lie, clipped to
        /// the block, when the block is stored uncompressed (`sqfs/block.h` bit 24) and whole on disk.
        private func storedRange(_ file: FileSource, _ index: UInt64, within: Int, count: Int) throws -> (offset: UInt64, count: Int)? {
            guard index < UInt64(file.blockCount) else { return nil }
            let (offset, word) = file.location(ofBlock: Int(index))
            let onDisk = Int(word & 0x00ff_ffff)
            guard word & 0x0100_0000 != 0, onDisk > 0 else { return nil }
            let blockSize = UInt64(superblock.blockSize)
            let (start, overflow) = index.multipliedReportingOverflow(by: blockSize)
            guard !overflow, start < file.size else { return nil }
            let unpacked = Int(min(blockSize, file.size - start))
            // A stored block holds exactly its unpacked size; anything else is left to the library.
            guard onDisk == unpacked, within < unpacked else { return nil }
            let (at, o2) = offset.addingReportingOverflow(UInt64(within))
            guard !o2 else { return nil }
            return (at, min(unpacked - within, count))
        }

        /// Data block `index` of `file` (or its fragment tail past the last block), from the cache
        /// or decompressed by an idle data reader of this image (one is made when none is idle:
        /// readers are not shared between threads).
        private func block(_ file: FileSource, _ index: UInt64) throws -> [UInt8] {
            let blockSize = UInt64(superblock.blockSize)
            let key: BlockCache.Key
            if index < UInt64(file.blockCount) {
                let (offset, word) = file.location(ofBlock: Int(index))
                let start = index * blockSize  // below the file size: the library counts blocks from it
                guard start < file.size else {
                    throw ContainerError("squashfs.corrupted", "squashfs inode \(file.inode.number): block \(index) starts past the file's end")
                }
                let unpacked = UInt32(min(blockSize, file.size - start))
                if word & 0x00ff_ffff == 0 { return [UInt8](repeating: 0, count: Int(unpacked)) }  // sparse
                key = .data(image: serial, offset: offset, sizeWord: word, unpacked: unpacked)
            } else if index == UInt64(file.blockCount), file.hasFragment {
                let fragment = file.inode.fragment
                key = .fragment(image: serial, index: fragment.index, offset: fragment.offset, size: UInt32(file.size % blockSize))
            } else {
                throw ContainerError("squashfs.corrupted", "squashfs inode \(file.inode.number): no block \(index) in \(file.blockCount) blocks")
            }
            if let cached = BlockCache.shared.get(key) { return cached }
            var reader = ReaderPool.shared.take(for: serial)
            if reader == nil {
                do { reader = try DataReader(file: self.file, superblock: superHandle) } catch let e as LibraryError {
                    throw e.asContainerError
                }
            }
            guard let reader else { return [] }
            defer { ReaderPool.shared.give(reader, for: serial) }
            let bytes: [UInt8]
            do {
                bytes = index < UInt64(file.blockCount) ? try reader.block(file.inode, Int(index)) : try reader.fragment(file.inode)
            } catch let e as LibraryError {
                throw e.asContainerError
            }
            BlockCache.shared.put(key, bytes)
            return bytes
        }

        /// The owner uid of `inode` from the id table (nil when the table could not be read).
        func owner(of inode: Inode) -> UInt32? {
            try? ids?.id(at: inode.uidIndex)
        }
    }
}
