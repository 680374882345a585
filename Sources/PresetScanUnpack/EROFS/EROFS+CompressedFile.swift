import PresetScanCore

extension EROFS {
    /// A compressed file's bytes, decompressed one extent at a time when read, with a small cache
    /// of recent extents: reading an APK's end-of-central-directory costs its last extent only.
    final class CompressedFile: ByteSource, @unchecked Sendable {
        let fs: Filesystem
        let inode: Inode
        let size: UInt64
        private let index: CompressedIndex

        private struct Cache {
            /// Recently decoded extents, least recently used first.
            var decoded: [(logical: UInt64, bytes: [UInt8])] = []
            var bytes = 0
            /// Recently looked-up extents (cheap: no data), so hopping reads skip the index walk.
            var known: [Extent] = []
        }
        private let cache = Locked(Cache())
        /// Recent extents kept: enough for a zip reader hopping between a local header and its data.
        static let cacheEntries = 4
        static let cacheBytes = 16 << 20
        static let knownEntries = 64

        init(fs: Filesystem, inode: Inode, index: CompressedIndex) {
            self.fs = fs
            self.inode = inode
            self.size = inode.size
            self.index = index
        }

        /// The extent holding `offset`, from the recent ones or the index.
        private func extent(at offset: UInt64) throws -> Extent {
            if let hit = cache.withLock({ c in c.known.last { $0.logical <= offset && offset - $0.logical < $0.length } }) { return hit }
            let e = try index.extent(at: offset)
            cache.withLock { c in
                c.known.append(e)
                if c.known.count > Self.knownEntries { c.known.removeFirst() }
            }
            return e
        }

        func read(at offset: UInt64, count: Int) throws -> [UInt8] {
            try checkRange(offset, count)
            var out: [UInt8] = []
            out.reserveCapacity(count)
            let end = offset + UInt64(count)
            var position = offset
            while position < end {
                let e = try extent(at: position)
                let from = Int(position - e.logical)
                let n = Int(min(end, e.logical + e.length) - position)
                if case let .fragment(base) = e.data {
                    let packed = try fs.packedSource()
                    let (at, overflow) = base.addingReportingOverflow(UInt64(from))
                    guard !overflow else { throw ByteSourceError.outOfRange(offset: base, count: n, size: packed.size) }
                    out += try packed.read(at: at, count: n)
                } else {
                    try cache.withLock { c in
                        if let hit = c.decoded.firstIndex(where: { $0.logical == e.logical }) {
                            let entry = c.decoded.remove(at: hit)
                            c.decoded.append(entry)
                        } else {
                            let bytes = try decode(e)
                            c.decoded.append((e.logical, bytes))
                            c.bytes += bytes.count
                            while c.decoded.count > Self.cacheEntries || (c.bytes > Self.cacheBytes && c.decoded.count > 1) {
                                c.bytes -= c.decoded.removeFirst().bytes.count
                            }
                        }
                        if let last = c.decoded.last { out += last.bytes[from..<from + n] }
                    }
                }
                position += UInt64(n)
            }
            guard out.count == count else { throw ByteSourceError.readFailed(offset: position, errno: 5) }
            return out
        }

        /// Decodes one extent to exactly its length.
        private func decode(_ e: Extent) throws -> [UInt8] {
            let length = Int(e.length)
            if let budget = fs.budget, !budget.take(e.length) { throw SpillError.budgetExceeded(limit: budget.limit) }
            switch e.data {
            case let .plain(offset, plen, interlaced):
                let input = try fs.source.read(at: offset, count: Int(plen))
                guard interlaced else { return Array(input[0..<length]) }
                // Interlaced: the block is rotated by the extent's offset inside its block.
                let skip = Int(e.logical % fs.blockSize)
                guard skip <= input.count, length <= input.count else {
                    throw ContainerError("erofs.bad-compression-index", "inode \(inode.nid): interlaced pcluster is too short")
                }
                let right = min(input.count - skip, length)
                return Array(input[skip..<skip + right]) + Array(input[0..<(length - right)])
            case let .compressed(algorithm, offset, plen):
                let raw = try fs.source.read(at: offset, count: Int(plen))
                let firstBlock = Int(fs.blockSize - offset % fs.blockSize)
                switch algorithm {
                case Algorithm.lz4.rawValue:
                    let input = fs.superblock.has(Superblock.incompatZeroPadding)
                        ? try Decompressor.strippingPadding(raw[...], firstBlockBytes: firstBlock) : raw[...]
                    return try Decompressor.lz4(input, count: length)
                case Algorithm.lzma.rawValue:
                    let input = try Decompressor.strippingPadding(raw[...], firstBlockBytes: firstBlock)
                    return try Decompressor.microLZMA(input, count: length)
                case Algorithm.deflate.rawValue:
                    let input = try Decompressor.strippingPadding(raw[...], firstBlockBytes: firstBlock)
                    return try Decompressor.deflate(input, count: length)
                default:
                    throw DecompressionError.unsupportedAlgorithm(algorithm)
                }
            case .fragment:
                throw ContainerError("erofs.bad-fragment", "inode \(inode.nid): fragment decoded as a pcluster")
            }
        }
    }
}
