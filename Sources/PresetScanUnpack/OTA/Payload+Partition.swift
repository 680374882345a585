import PresetScanCore

extension Payload {
    /// Largest output of one operation decoded into memory: real payloads split data into 2 MiB
    /// operations, and any operation must fit the cache, or every read would decode it again.
    static let maxOperationBytes: UInt64 = 64 << 20

    /// Decoded operation outputs most recently used, bounded in bytes; shared by a payload's partitions.
    final class OperationCache: Sendable {
        let capacity: UInt64
        private let state = Locked<(tick: UInt64, used: UInt64, entries: [Int: (tick: UInt64, bytes: [UInt8])])>((0, 0, [:]))

        init(capacity: UInt64 = maxOperationBytes) { self.capacity = capacity }

        func get(_ key: Int) -> [UInt8]? {
            state.withLock { s in
                guard let e = s.entries[key] else { return nil }
                s.tick += 1
                s.entries[key] = (s.tick, e.bytes)
                return e.bytes
            }
        }

        func put(_ key: Int, _ bytes: [UInt8]) {
            guard UInt64(bytes.count) <= capacity else { return }
            state.withLock { s in
                if s.entries[key] != nil { return }
                while s.used + UInt64(bytes.count) > capacity,
                      let oldest = s.entries.min(by: { $0.value.tick < $1.value.tick }) {
                    s.used -= UInt64(oldest.value.bytes.count)
                    s.entries[oldest.key] = nil
                }
                s.tick += 1
                s.entries[key] = (s.tick, bytes)
                s.used += UInt64(bytes.count)
            }
        }
    }

    /// The output of one compressed replace operation (REPLACE_BZ, REPLACE_XZ, REPLACE_ZSTD), decoded
    /// on first read and kept in the payload's cache; bytes past the decoded data read as zeros
    /// (update_engine pads the last block).
    final class OperationSource: ByteSource, Sendable {
        let size: UInt64
        let key: Int
        let codec: OTA.Codec
        /// The operation's blob inside the payload.
        let blob: ByteSource
        let cache: OperationCache
        let budget: ByteBudget

        init(size: UInt64, key: Int, codec: OTA.Codec, blob: ByteSource, cache: OperationCache, budget: ByteBudget) {
            self.size = size
            self.key = key
            self.codec = codec
            self.blob = blob
            self.cache = cache
            self.budget = budget
        }

        func decoded() throws -> [UInt8] {
            if let hit = cache.get(key) { return hit }
            // Incompressible data grows a little in any codec; more than 1/64 is not compressed data.
            let maxInput = maxOperationBytes + maxOperationBytes / 64
            guard blob.size <= maxInput else {
                throw ContainerError("payload.operation-too-large", "operation data of \(blob.size) bytes exceeds \(maxInput)")
            }
            let bytes = try codec.decode(try blob.readAll(), limit: size)
            guard budget.take(UInt64(bytes.count)) else { throw SpillError.budgetExceeded(limit: budget.limit) }
            cache.put(key, bytes)
            return bytes
        }

        func read(at offset: UInt64, count: Int) throws -> [UInt8] {
            try checkRange(offset, count)
            let bytes = try decoded()
            var out = [UInt8](repeating: 0, count: count)
            let have = UInt64(bytes.count)
            if offset < have {
                let n = Int(min(UInt64(count), have - offset))
                let start = Int(offset)
                out.replaceSubrange(0..<n, with: bytes[start..<start + n])
            }
            return out
        }
    }

    /// A `payload.bin` found inside an OTA zip, carrying the zip's metadata (its `pre-build`).
    public final class PackagedSource: ByteSource, Sendable {
        public let base: ByteSource
        public let metadata: OTA.Metadata
        public var size: UInt64 { base.size }

        public init(_ base: ByteSource, metadata: OTA.Metadata) {
            self.base = base
            self.metadata = metadata
        }

        public func read(at offset: UInt64, count: Int) throws -> [UInt8] { try base.read(at: offset, count: count) }
    }

    /// Builds a partition's image as a view over the payload: REPLACE data in place, ZERO/DISCARD and
    /// unwritten blocks as zeros, compressed replaces through `OperationSource`.
    static func partitionView(_ partition: PartitionUpdate, index: Int, blockSize: UInt32, payload: ByteSource,
                              dataStart: UInt64, cache: OperationCache, budget: ByteBudget) throws -> MappedByteSource {
        let bs = UInt64(blockSize)
        // Keeps block numbers far from overflow when multiplied by a block size of at most 1 MiB.
        let maxBlocks: UInt64 = 1 << 40
        var segments: [MappedByteSource.Segment] = []
        var end: UInt64 = 0
        for (opIndex, op) in partition.operations.enumerated() {
            guard let type = OperationType(rawValue: op.type), type.isFull else {
                throw ContainerError("payload.unknown-operation", "operation \(opIndex) has type \(op.type), which a full payload does not use")
            }
            var dstBlocks: UInt64 = 0
            for e in op.dstExtents {
                guard e.startBlock < maxBlocks, e.numBlocks <= maxBlocks - e.startBlock, dstBlocks <= maxBlocks - e.numBlocks else {
                    throw ContainerError("payload.bad-extent",
                        "operation \(opIndex) writes \(e.numBlocks) blocks at block \(e.startBlock), past \(maxBlocks) blocks")
                }
                dstBlocks += e.numBlocks
                end = max(end, e.startBlock + e.numBlocks)
            }
            let outputBytes = dstBlocks * bs
            var blob: ByteSource?
            if type != .zero && type != .discard {
                let (start, o1) = dataStart.addingReportingOverflow(op.dataOffset)
                let (stop, o2) = start.addingReportingOverflow(op.dataLength)
                guard !o1, !o2, stop <= payload.size else {
                    throw ContainerError("payload.truncated",
                        "operation \(opIndex) data \(op.dataOffset)+\(op.dataLength) lies past the end of the payload (\(payload.size) bytes)")
                }
                blob = try payload.slice(offset: start, length: op.dataLength)
            }
            // Where each destination extent's bytes come from within the operation's output.
            var outputOffset: UInt64 = 0
            let opSource: ByteSource? = try type.codec.map { codec in
                guard outputBytes <= maxOperationBytes, op.dataLength <= maxOperationBytes + maxOperationBytes / 64 else {
                    throw ContainerError("payload.operation-too-large",
                        "operation \(opIndex) decodes \(op.dataLength) bytes into \(outputBytes); at most \(maxOperationBytes) are decoded at once")
                }
                return OperationSource(size: outputBytes, key: index << 32 | opIndex, codec: codec,
                                       blob: blob ?? MemoryByteSource([]), cache: cache, budget: budget)
            }
            for e in op.dstExtents where e.numBlocks > 0 {
                let start = e.startBlock * bs
                let length = e.numBlocks * bs
                switch type {
                case .zero, .discard:
                    break  // zeros: gaps in the view read as zeros
                case .replace:
                    let data = blob ?? MemoryByteSource([])
                    if outputOffset < data.size {
                        let n = min(length, data.size - outputOffset)
                        segments.append(.init(start: start, length: n, backing: .source(data, offset: outputOffset)))
                    }
                default:
                    if let opSource {
                        segments.append(.init(start: start, length: length, backing: .source(opSource, offset: outputOffset)))
                    }
                }
                outputOffset += length
            }
        }
        let size = max(partition.newSize ?? 0, end * bs)
        do {
            return try MappedByteSource(size: size, segments: segments)
        } catch let e as MappedByteSource.MappingError {
            throw ContainerError("payload.bad-extent", "operations write \(e)")
        }
    }
}
