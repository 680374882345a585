import PresetScanCore

extension EROFS {
    /// An EROFS image read in place: uncompressed files are `MappedByteSource` views of their
    /// blocks; compressed files decompress one extent at a time, only where they are read.
    public final class Filesystem: Container, @unchecked Sendable {
        public let source: ByteSource
        public let superblock: Superblock
        public let limits: UnpackLimits
        public let configs: CompressionConfigs
        /// When set, every decompressed byte is taken from this run-wide budget.
        let budget: ByteBudget?
        let blockSize: UInt64
        /// The packed inode's contents (fragments of other files), made on first use.
        private let packed = Locked<ByteSource?>(nil)

        public init(source: ByteSource, limits: UnpackLimits = UnpackLimits(), budget: ByteBudget? = nil) throws {
            guard source.size >= Superblock.offset + UInt64(Superblock.size) else {
                throw ContainerError("erofs.truncated", "EROFS image truncated: \(source.size) bytes, the superblock ends at 1152")
            }
            var r = ByteReader(try source.read(at: Superblock.offset, count: Superblock.size), base: Superblock.offset,
                               structure: "EROFS superblock")
            let sb: Superblock
            do { sb = try Superblock.parse(&r) } catch let e as ParseError {
                throw ContainerError("erofs.bad-superblock", "\(e)")
            }
            let unknown = sb.unknownIncompatNames
            guard unknown.isEmpty else {
                throw ContainerError("erofs.unsupported-feature",
                    "EROFS incompatible feature \(unknown.joined(separator: ", ")) is not supported; the image is not read")
            }
            guard sb.extraDevices == 0 else {
                throw ContainerError("erofs.unsupported-feature",
                    "EROFS image uses \(sb.extraDevices) extra device(s) (blobs); only single-device images are read")
            }
            self.source = source
            self.superblock = sb
            self.limits = limits
            self.budget = budget
            self.blockSize = sb.blockSize
            self.configs = try Self.readConfigs(sb, source: source)
        }

        /// Reads the `z_erofs_*_cfgs` records (each a `__le16` length and a payload) after the superblock.
        static func readConfigs(_ sb: Superblock, source: ByteSource) throws -> CompressionConfigs {
            var configs = CompressionConfigs()
            guard sb.has(Superblock.incompatComprCfgs) else { return configs }
            configs.available = sb.compressionField
            guard sb.compressionField & ~0xf == 0 else {
                throw ContainerError("erofs.unsupported-feature",
                    "EROFS compression algorithms 0x\(String(sb.compressionField, radix: 16)) include unknown ones")
            }
            var offset = Superblock.offset + UInt64(sb.totalSize)
            for algorithm in 0..<4 where sb.compressionField & (1 << algorithm) != 0 {
                guard offset + 2 <= source.size else {
                    throw ContainerError("erofs.truncated", "EROFS compression configuration at \(offset) passes the end")
                }
                let length = UInt64(ByteReader.u16le(try source.read(at: offset, count: 2), 0))
                guard length <= 64, offset + 2 + length <= source.size else {
                    throw ContainerError("erofs.bad-superblock", "EROFS compression configuration \(algorithm) at \(offset): length \(length) is invalid")
                }
                var r = ByteReader(try source.read(at: offset + 2, count: Int(length)), base: offset + 2,
                                   structure: "EROFS compression configuration \(algorithm)")
                switch algorithm {
                case 0:
                    if length >= 4 { _ = try r.u16le(); configs.lz4MaxPclusterBlocks = try r.u16le() }
                case 1:
                    if length >= 4 { configs.lzmaDictionarySize = try r.u32le() }
                    guard configs.lzmaDictionarySize <= EROFS.maxLZMADictionary else {
                        throw ContainerError("erofs.bad-superblock", "EROFS MicroLZMA dictionary \(configs.lzmaDictionarySize) exceeds 8 MiB")
                    }
                case 2:
                    if length >= 1 { configs.deflateWindowBits = try r.u8() }
                default:
                    break
                }
                offset += 2 + length
            }
            return configs
        }

        /// Bytes a complete image needs (a shorter source is a truncated image).
        public var declaredSize: UInt64 { UInt64(superblock.blocks) * blockSize }

        /// Absolute offset of block `block`.
        func position(ofBlock block: UInt32) -> UInt64 { UInt64(block) << UInt64(superblock.blockSizeBits) }

        /// Reads the inode `nid` (32-byte slots from `meta_blkaddr`).
        public func inode(_ nid: UInt64) throws -> Inode {
            let base = position(ofBlock: superblock.metaBlockAddress)
            guard nid < source.size / 32, base <= source.size, nid * 32 <= source.size - base else {
                throw ParseError("EROFS inode", at: base, "nid \(nid) lies outside the \(source.size)-byte image")
            }
            let offset = base + nid * 32
            let available = Int(min(64, source.size - offset))
            guard available >= 32 else { throw ParseError("EROFS inode \(nid)", at: offset, "inode passes the end of the image") }
            var r = ByteReader(try source.read(at: offset, count: available), base: offset, structure: "EROFS inode \(nid)")
            let inode = try Inode.parse(&r, nid: nid, offset: offset)
            if inode.isExtended, available < 64 { throw r.error("extended inode passes the end of the image", at: 0) }
            return inode
        }

        /// The file's bytes as a view (flat and chunk-based layouts) or a lazily decompressing source.
        public func contents(of inode: Inode) throws -> ByteSource {
            try contents(of: inode, allowFragments: true)
        }

        func contents(of inode: Inode, allowFragments: Bool) throws -> ByteSource {
            switch inode.layout {
            case .flatPlain, .flatInline:
                return try flatContents(of: inode)
            case .chunkBased:
                return try chunkContents(of: inode)
            case .compressedFull, .compressedCompact:
                let index = try CompressedIndex(fs: self, inode: inode, allowFragments: allowFragments)
                if case let .wholeFragment(offset) = index.kind {
                    let packed = try packedSource()
                    guard offset <= packed.size, inode.size <= packed.size - offset else {
                        throw ContainerError("erofs.bad-fragment",
                            "inode \(inode.nid): fragment \(offset)+\(inode.size) lies outside the \(packed.size)-byte packed inode")
                    }
                    return try packed.slice(offset: offset, length: inode.size)
                }
                return CompressedFile(fs: self, inode: inode, index: index)
            }
        }

        /// FLAT_PLAIN: contiguous blocks; FLAT_INLINE: the last partial block right after the inode.
        func flatContents(of inode: Inode) throws -> ByteSource {
            let size = inode.size
            var blocks = size / blockSize + (size % blockSize == 0 ? 0 : 1)
            var segments: [MappedByteSource.Segment] = []
            if inode.layout == .flatInline, blocks > 0 {
                blocks -= 1
                let tailStart = blocks * blockSize
                let tailLength = size - tailStart
                guard inode.tailOffset % blockSize + tailLength <= blockSize else {
                    throw ContainerError("erofs.bad-inode", "inode \(inode.nid): inline data crosses a block boundary")
                }
                segments.append(.init(start: tailStart, length: tailLength, backing: .source(source, offset: inode.tailOffset)))
            }
            if blocks > 0 {
                let start = position(ofBlock: inode.u)
                segments.append(.init(start: 0, length: min(blocks * blockSize, size), backing: .source(source, offset: start)))
            }
            return try mapped(size: size, segments: segments, inode: inode)
        }

        /// CHUNK_BASED: a 4-byte block map or 8-byte chunk indexes after the inode; -1 is a hole.
        func chunkContents(of inode: Inode) throws -> ByteSource {
            let format = inode.u & 0xffff
            guard format & ~0x3f == 0 else {
                throw ContainerError("erofs.unsupported-feature", "inode \(inode.nid): chunk format 0x\(String(format, radix: 16)) is unknown")
            }
            let chunkBits = UInt64(superblock.blockSizeBits) + UInt64(format & 0x1f)
            guard chunkBits <= 40 else { throw ContainerError("erofs.bad-inode", "inode \(inode.nid): chunk size 2^\(chunkBits) is implausible") }
            let chunkSize: UInt64 = 1 << chunkBits
            let indexes = format & 0x20 != 0
            let count = inode.size / chunkSize + (inode.size % chunkSize == 0 ? 0 : 1)
            let entrySize: UInt64 = indexes ? 8 : 4
            let tableStart = indexes ? (inode.tailOffset + 7) / 8 * 8 : inode.tailOffset
            guard count <= (source.size / entrySize), tableStart <= source.size, count * entrySize <= source.size - tableStart else {
                throw ContainerError("erofs.truncated", "inode \(inode.nid): chunk table of \(count) entries passes the end of the image")
            }
            let table = try source.read(at: tableStart, count: Int(count * entrySize))
            var segments: [MappedByteSource.Segment] = []
            segments.reserveCapacity(Int(count))
            for i in 0..<Int(count) {
                let block: UInt32
                if indexes {
                    let device = ByteReader.u16le(table, i * 8 + 2)
                    block = ByteReader.u32le(table, i * 8 + 4)
                    guard device == 0 || block == UInt32.max else {
                        throw ContainerError("erofs.unsupported-feature", "inode \(inode.nid): chunk \(i) lives on extra device \(device)")
                    }
                } else {
                    block = ByteReader.u32le(table, i * 4)
                }
                guard block != UInt32.max else { continue }
                let start = UInt64(i) * chunkSize
                segments.append(.init(start: start, length: min(chunkSize, inode.size - start),
                                      backing: .source(source, offset: position(ofBlock: block))))
            }
            return try mapped(size: inode.size, segments: segments, inode: inode)
        }

        private func mapped(size: UInt64, segments: [MappedByteSource.Segment], inode: Inode) throws -> ByteSource {
            do {
                return try MappedByteSource(size: size, segments: segments)
            } catch let e as MappedByteSource.MappingError {
                switch e {
                case .backingOutOfRange:
                    throw ContainerError("erofs.truncated", "inode \(inode.nid): data lies past the end of the image (\(e))")
                case .overlap, .outOfRange:
                    throw ContainerError("erofs.bad-inode", "inode \(inode.nid): \(e)")
                }
            }
        }

        /// The special packed inode holding fragments (`packed_nid`), read once.
        func packedSource() throws -> ByteSource {
            try packed.withLock { cached in
                if let cached { return cached }
                guard superblock.has(Superblock.incompatFragments), superblock.packedNid != 0 else {
                    throw ContainerError("erofs.bad-fragment", "a file lives in the packed inode but the image has none")
                }
                let inode = try inode(superblock.packedNid)
                guard inode.isRegular else {
                    throw ContainerError("erofs.bad-fragment", "packed inode \(superblock.packedNid) is not a regular file")
                }
                // Fragments inside the packed inode would point back into it.
                let source = try contents(of: inode, allowFragments: false)
                cached = source
                return source
            }
        }
    }
}
