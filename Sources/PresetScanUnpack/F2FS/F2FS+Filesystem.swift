import PresetScanCore

extension F2FS {
    /// An f2fs filesystem read in place: the superblock, the valid checkpoint pack, NAT lookups and
    /// node blocks are read as needed; files are views (`MappedByteSource`) over their data blocks.
    public final class Filesystem: Container, @unchecked Sendable {
        public let source: ByteSource
        public let superblock: Superblock
        public let checkpoint: Checkpoint
        public let limits: UnpackLimits
        let budget: ByteBudget?
        /// Problems met while opening (backup superblock, a refused checkpoint pack), reported by the walk.
        var openingNotes: [ContainerNote] = []
        /// `NAT_ENTRY_PER_BLOCK`: 4096 / 9.
        static let natEntriesPerBlock = 455
        /// Recently read NAT blocks, by block address.
        private let natCache = Locked([UInt32: [UInt8]]())

        public init(source: ByteSource, limits: UnpackLimits = UnpackLimits(), budget: ByteBudget? = nil) throws {
            self.source = source
            self.limits = limits
            self.budget = budget
            var found: Superblock?
            var errors: [String] = []
            for offset in [Superblock.offset, Superblock.backupOffset] {
                do {
                    guard source.size >= offset + UInt64(Superblock.size) else {
                        throw ParseError("f2fs superblock", at: offset, "the image ends at \(source.size)")
                    }
                    var r = ByteReader(try source.read(at: offset, count: Superblock.size), base: offset, structure: "f2fs superblock")
                    found = try Superblock.parse(&r)
                    if offset != Superblock.offset {
                        openingNotes.append(ContainerNote(.warning, "f2fs.backup-superblock",
                            "f2fs: the first superblock is unusable (\(errors.joined())); the backup in block 1 is read"))
                    }
                    break
                } catch {
                    errors.append("\(error)")
                }
            }
            guard let sb = found else {
                throw ContainerError("f2fs.bad-superblock", "f2fs: no usable superblock (\(errors.joined(separator: "; ")))")
            }
            self.superblock = sb
            let (cp, refused) = try F2FS.validCheckpoint(source: source, superblock: sb)
            self.checkpoint = cp
            if let refused {
                openingNotes.append(ContainerNote(.warning, "f2fs.checkpoint-pack-invalid",
                    "f2fs: a checkpoint pack is invalid (\(refused)); pack \(cp.pack + 1), version \(cp.version), is read"))
            }
        }

        /// Bytes a complete image needs (a shorter source is a truncated image).
        public var declaredSize: UInt64 { superblock.blockCount * UInt64(blockSize) }

        /// Node ids the NAT can hold.
        var maxNid: UInt32 {
            UInt32(clamping: Self.natEntriesPerBlock * (Int(superblock.segmentCountNAT / 2) << Int(superblock.logBlocksPerSegment)))
        }

        /// Reads one block of the main area (or any area past the checkpoint) by address.
        func readBlock(_ address: UInt32, _ what: @autoclosure () -> String) throws -> [UInt8] {
            guard address >= superblock.checkpointAddress, UInt64(address) < superblock.blockCount else {
                throw ContainerError("f2fs.address-out-of-range",
                                     "\(what()): block \(address) lies outside the \(superblock.blockCount)-block filesystem")
            }
            let at = UInt64(address) * UInt64(blockSize)
            guard at + UInt64(blockSize) <= source.size else {
                throw ContainerError("f2fs.truncated", "\(what()): block \(address) lies past the end of the image (\(source.size) bytes)")
            }
            return try source.read(at: at, count: blockSize)
        }

        /// Block address of node `nid`: the checkpoint's NAT journal, else the current copy of its NAT
        /// block (`current_nat_addr` in the kernel's `fs/f2fs/node.h`).
        func nodeAddress(_ nid: UInt32) throws -> UInt32 {
            if let e = checkpoint.natJournal[nid] { return e.address }
            guard nid < maxNid else { throw ContainerError("f2fs.bad-node", "node \(nid) is past the NAT (\(maxNid) entries)") }
            let blockOffset = Int(nid) / Self.natEntriesPerBlock
            let perSegment = Int(superblock.blocksPerSegment)
            var address = Int(superblock.natAddress) + (blockOffset / perSegment) * perSegment * 2 + blockOffset % perSegment
            if F2FS.testBit(checkpoint.natBitmap, blockOffset) { address += perSegment }
            let natBlock = UInt32(address)
            let block: [UInt8]
            if let hit = natCache.withLock({ $0[natBlock] }) {
                block = hit
            } else {
                block = try readBlock(natBlock, "NAT block for node \(nid)")
                natCache.withLock { cache in
                    if cache.count >= 64 { cache.removeAll(keepingCapacity: true) }
                    cache[natBlock] = block
                }
            }
            return ByteReader.u32le(block, (Int(nid) % Self.natEntriesPerBlock) * 9 + 5)
        }

        /// The node block of `nid`, checked against its footer.
        func node(_ nid: UInt32) throws -> [UInt8] {
            let address = try nodeAddress(nid)
            guard address != F2FS.nullAddress, address != F2FS.newAddress else {
                throw ContainerError("f2fs.bad-node", "node \(nid) has no block (NAT address \(address))")
            }
            let block = try readBlock(address, "node \(nid)")
            let footerNid = ByteReader.u32le(block, 4072)
            guard footerNid == nid else {
                throw ContainerError("f2fs.bad-node", "node \(nid): block \(address) belongs to node \(footerNid)")
            }
            return block
        }

        /// Inode `ino`.
        public func inode(_ ino: UInt32) throws -> Inode {
            let block = try node(ino)
            let footerIno = ByteReader.u32le(block, 4076)
            guard footerIno == ino else { throw ContainerError("f2fs.bad-node", "node \(ino) is no inode (footer inode \(footerIno))") }
            return try Inode.parse(block, ino: ino, superblock: superblock)
        }

        /// Calls `body(logical block, address)` for every address of `inode`'s first `blocks` blocks that
        /// is not a hole, walking the inode, direct, indirect and double-indirect nodes.
        func forEachAddress(_ inode: Inode, blocks: UInt64, _ body: (UInt64, UInt32) throws -> Void) throws {
            var seen: Set<UInt32> = [inode.ino]
            let perBlock = UInt64(inode.addressesPerBlock)
            let nids: UInt64 = 1018
            func child(_ nid: UInt32) throws -> [UInt8]? {
                guard nid != 0 else { return nil }
                guard seen.insert(nid).inserted else {
                    throw ContainerError("f2fs.bad-node", "inode \(inode.ino): node \(nid) is referenced twice")
                }
                let block = try node(nid)
                let owner = ByteReader.u32le(block, 4076)
                guard owner == inode.ino else {
                    throw ContainerError("f2fs.bad-node", "inode \(inode.ino): node \(nid) belongs to inode \(owner)")
                }
                return block
            }
            func walk(_ nid: UInt32, level: Int, first: UInt64) throws {
                guard first < blocks, let block = try child(nid) else { return }
                if level == 0 {
                    for i in 0..<Int(perBlock) {
                        let logical = first + UInt64(i)
                        guard logical < blocks else { return }
                        let a = ByteReader.u32le(block, 4 * i)
                        if a != F2FS.nullAddress && a != F2FS.newAddress { try body(logical, a) }
                    }
                } else {
                    let span = level == 1 ? perBlock : perBlock * nids
                    for i in 0..<Int(nids) {
                        try walk(ByteReader.u32le(block, 4 * i), level: level - 1, first: first + UInt64(i) * span)
                    }
                }
            }
            let inInode = UInt64(inode.addressesInInode)
            for i in 0..<Int(min(inInode, blocks)) {
                let a = inode.address(i)
                if a != F2FS.nullAddress && a != F2FS.newAddress { try body(UInt64(i), a) }
            }
            var first = inInode
            for (i, level) in [0, 0, 1, 1, 2].enumerated() {
                try walk(inode.nid(i), level: level, first: first)
                first += level == 0 ? perBlock : level == 1 ? perBlock * nids : perBlock * nids * nids
            }
        }

        /// Blocks covering `size` bytes.
        static func blocks(_ size: UInt64) -> UInt64 { size / UInt64(blockSize) + (size % UInt64(blockSize) == 0 ? 0 : 1) }

        /// The file's bytes: inline data from the inode, else a view of its data blocks (holes read as zeros).
        public func contents(of inode: Inode) throws -> ByteSource {
            if inode.hasInlineData {
                let area = inode.inlineArea
                guard inode.size <= UInt64(area.count) else {
                    throw ContainerError("f2fs.bad-inode", "inode \(inode.ino): inline size \(inode.size) exceeds the \(area.count)-byte inline area")
                }
                return MemoryByteSource(Array(area.prefix(Int(inode.size))))
            }
            if inode.isCompressed { return try compressedContents(of: inode) }
            var segments: [MappedByteSource.Segment] = []
            let size = inode.size
            try forEachAddress(inode, blocks: Self.blocks(size)) { logical, address in
                guard address >= superblock.mainAddress, UInt64(address) < superblock.blockCount else {
                    throw ContainerError("f2fs.address-out-of-range",
                        "inode \(inode.ino): block \(logical) at address \(address) lies outside the main area")
                }
                let start = logical * UInt64(blockSize)
                let length = min(UInt64(blockSize), size - start)
                let offset = UInt64(address) * UInt64(blockSize)
                if let last = segments.last, last.start + last.length == start,
                   case let .source(_, lastOffset) = last.backing, lastOffset + last.length == offset {
                    segments[segments.count - 1].length += length
                } else {
                    segments.append(.init(start: start, length: length, backing: .source(source, offset: offset)))
                }
            }
            do {
                return try MappedByteSource(size: size, segments: segments)
            } catch let e as MappedByteSource.MappingError {
                switch e {
                case .backingOutOfRange:
                    throw ContainerError("f2fs.truncated", "inode \(inode.ino): data lies past the end of the image (\(e))")
                case .overlap, .outOfRange: throw ContainerError("f2fs.bad-inode", "inode \(inode.ino): \(e)")
                }
            }
        }
    }
}
