import CZstd
import PresetScanCore

extension F2FS {
    /// `COMPRESS_LZO`, `COMPRESS_LZ4`, `COMPRESS_ZSTD`, `COMPRESS_LZORLE` (kernel `fs/f2fs/f2fs.h`).
    enum CompressAlgorithm: UInt8 {
        case lzo = 0, lz4 = 1, zstd = 2, lzoRLE = 3
    }

    /// One cluster of a compressed file: `COMPRESS_ADDR` first then the blocks of a
    /// `struct compress_data` (`clen`, `chksum`, 4 reserved words, data), or plain blocks.
    struct Cluster {
        var compressed = false
        /// Addresses by position in the cluster (nil: hole).
        var addresses: [UInt32?]
    }

    /// A compressed file (`F2FS_COMPR_FL`), decoded one cluster at a time when read; the last
    /// decoded cluster is kept, so a zip reader's small reads cost one decode per cluster.
    final class CompressedFile: ByteSource, @unchecked Sendable {
        let fs: Filesystem
        let inode: Inode
        let size: UInt64
        let algorithm: CompressAlgorithm
        private let clusters: [UInt64: Cluster]
        private let clusterBytes: UInt64
        private let last = Locked<(index: UInt64, bytes: [UInt8])?>(nil)

        init(fs: Filesystem, inode: Inode, algorithm: CompressAlgorithm, clusters: [UInt64: Cluster]) {
            self.fs = fs
            self.inode = inode
            self.size = inode.size
            self.algorithm = algorithm
            self.clusters = clusters
            self.clusterBytes = UInt64(inode.clusterBlocks * blockSize)
        }

        func read(at offset: UInt64, count: Int) throws -> [UInt8] {
            try checkRange(offset, count)
            var out: [UInt8] = []
            out.reserveCapacity(count)
            let end = offset + UInt64(count)
            var position = offset
            while position < end {
                let index = position / clusterBytes
                let start = index * clusterBytes
                let n = Int(min(end, start + clusterBytes) - position)
                let bytes = try cluster(index)
                let from = Int(position - start)
                out += bytes[from..<from + n]
                position += UInt64(n)
            }
            return out
        }

        /// The bytes of cluster `index`, exactly the cluster's share of the file.
        private func cluster(_ index: UInt64) throws -> [UInt8] {
            if let hit = last.withLock({ $0?.index == index ? $0?.bytes : nil }) { return hit }
            let start = index * clusterBytes
            let length = Int(min(clusterBytes, size - start))
            var bytes = [UInt8](repeating: 0, count: length)
            if let c = clusters[index] {
                if c.compressed {
                    bytes = try decode(c, index: index, length: length)
                } else {
                    for (i, a) in c.addresses.enumerated() {
                        guard let a, i * blockSize < length else { continue }
                        let block = try fs.readBlock(a, "inode \(inode.ino) cluster \(index)")
                        let n = min(blockSize, length - i * blockSize)
                        bytes.replaceSubrange(i * blockSize..<i * blockSize + n, with: block[0..<n])
                    }
                }
            }
            last.withLock { $0 = (index, bytes) }
            return bytes
        }

        private func decode(_ c: Cluster, index: UInt64, length: Int) throws -> [UInt8] {
            var data: [UInt8] = []
            for a in c.addresses.dropFirst() {
                guard let a else { break }
                data += try fs.readBlock(a, "inode \(inode.ino) compressed cluster \(index)")
            }
            guard data.count >= 24 else {
                throw ContainerError("f2fs.bad-cluster", "inode \(inode.ino): compressed cluster \(index) has no data blocks")
            }
            let clen = Int(ByteReader.u32le(data, 0))
            guard clen > 0, clen <= data.count - 24 else {
                throw ContainerError("f2fs.bad-cluster", "inode \(inode.ino): cluster \(index) claims \(clen) compressed bytes in \(data.count - 24)")
            }
            if let budget = fs.budget, !budget.take(UInt64(length)) { throw SpillError.budgetExceeded(limit: budget.limit) }
            let input = data[24..<24 + clen]
            do {
                switch algorithm {
                case .lz4:
                    return try EROFS.Decompressor.lz4(input, count: length)
                case .zstd:
                    return try Self.zstd(input, count: length)
                case .lzo, .lzoRLE:
                    throw ContainerError("f2fs.compressed", "inode \(inode.ino): LZO clusters are not decoded")
                }
            } catch let e as ContainerError {
                throw e
            } catch {
                throw ContainerError("f2fs.bad-cluster", "inode \(inode.ino): cluster \(index) does not decode (\(error))")
            }
        }

        /// A zstd frame (the kernel's `zstd_compress_pages` writes one per cluster), cut to `count` bytes.
        static func zstd(_ input: ArraySlice<UInt8>, count: Int) throws -> [UInt8] {
            let capacity = max(count, 1)
            var produced = 0
            let out = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, initialized in
                let r = input.withUnsafeBytes { src in ZSTD_decompress(buffer.baseAddress, capacity, src.baseAddress, src.count) }
                produced = ZSTD_isError(r) != 0 ? -1 : r
                initialized = produced > 0 ? produced : 0
            }
            guard produced >= count else { throw ContainerError("f2fs.bad-cluster", "zstd cluster gave \(produced) of \(count) bytes") }
            return Array(out.prefix(count))
        }
    }
}

extension F2FS.Filesystem {
    /// A compressed file's bytes (`F2FS_COMPR_FL`): LZ4 and zstd clusters are decoded when read;
    /// other algorithms are refused as `f2fs.compressed`.
    func compressedContents(of inode: F2FS.Inode) throws -> ByteSource {
        guard let algorithm = F2FS.CompressAlgorithm(rawValue: inode.compressAlgorithm),
              algorithm == .lz4 || algorithm == .zstd, (2...8).contains(inode.logClusterSize) else {
            throw ContainerError("f2fs.compressed",
                "compressed file (algorithm \(inode.compressAlgorithm), 2^\(inode.logClusterSize)-block clusters) is not decoded; not read")
        }
        let perCluster = inode.clusterBlocks
        var clusters: [UInt64: F2FS.Cluster] = [:]
        try forEachAddress(inode, blocks: Self.blocks(inode.size)) { logical, address in
            let index = logical / UInt64(perCluster)
            let slot = Int(logical % UInt64(perCluster))
            var c = clusters[index] ?? F2FS.Cluster(addresses: Array(repeating: nil, count: perCluster))
            if address == F2FS.compressAddress {
                guard slot == 0 else {
                    throw ContainerError("f2fs.bad-cluster", "inode \(inode.ino): COMPRESS_ADDR inside cluster \(index)")
                }
                c.compressed = true
            } else {
                guard address >= superblock.mainAddress, UInt64(address) < superblock.blockCount else {
                    throw ContainerError("f2fs.address-out-of-range",
                        "inode \(inode.ino): block \(logical) at address \(address) lies outside the main area")
                }
                c.addresses[slot] = address
            }
            clusters[index] = c
        }
        return F2FS.CompressedFile(fs: self, inode: inode, algorithm: algorithm, clusters: clusters)
    }
}
