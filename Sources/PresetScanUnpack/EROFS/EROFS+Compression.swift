import PresetScanCore

extension EROFS {
    /// `struct z_erofs_map_header` advise bits (`Z_EROFS_ADVISE_*`).
    enum Advise {
        static let compacted2B: UInt16 = 0x1
        static let bigPcluster1: UInt16 = 0x2
        static let bigPcluster2: UInt16 = 0x4
        static let inlinePcluster: UInt16 = 0x8
        static let interlacedPcluster: UInt16 = 0x10
        static let fragmentPcluster: UInt16 = 0x20
        static let known: UInt16 = 0x3f
    }

    /// Logical cluster types (`Z_EROFS_LCLUSTER_TYPE_*`).
    enum LclusterType: UInt8 {
        case plain = 0, head1 = 1, nonhead = 2, head2 = 3
    }

    /// `Z_EROFS_LI_D0_CBLKCNT`: the first NONHEAD lcluster after a big pcluster's head holds its block count.
    static let cblkcntFlag: UInt32 = 1 << 11

    /// One decoded logical cluster index (full `z_erofs_lcluster_index` or a compacted entry).
    struct Lcluster {
        var type: LclusterType
        /// HEAD/PLAIN: where the extent starts inside this lcluster.
        var clusterOffset: UInt32 = 0
        var physicalBlock: UInt32 = 0
        var delta0: UInt32 = 0
        /// NONHEAD with D0_CBLKCNT: blocks of the big pcluster of the head before it.
        var compressedBlocks: UInt32 = 0
        var partialRef = false
        /// End of the index (or compacted pack) holding this lcluster: where a tail-packed pcluster starts.
        var nextPackOffset: UInt64 = 0
    }

    /// How one extent (decompressed range) of a compressed file is stored.
    enum ExtentData: Sendable, Equatable {
        /// Compressed with `algorithm` in `length` bytes at `offset` (blocks, or tail-packed in metadata).
        case compressed(algorithm: UInt8, offset: UInt64, length: UInt64)
        /// Stored uncompressed (PLAIN lcluster): shifted, or interlaced by the extent's block offset.
        case plain(offset: UInt64, length: UInt64, interlaced: Bool)
        /// Bytes of the packed inode from `offset` (a fragment).
        case fragment(offset: UInt64)
    }

    /// `[logical, logical + length)` of a file and where its bytes come from.
    struct Extent: Sendable, Equatable {
        var logical: UInt64
        var length: UInt64
        var data: ExtentData
    }

    /// The extents of a compressed inode, in logical order, covering `[0, size)` without gaps.
    struct CompressedMap: Sendable {
        enum Kind: Sendable, Equatable {
            case extents
            /// The whole file is in the packed inode at this offset (`h_clusterbits` bit 7).
            case wholeFragment(UInt64)
        }
        var kind: Kind
        var extents: [Extent]
    }

    /// The map header and lcluster index of a compressed inode (kernel `zmap.c`), read once;
    /// extents are looked up per offset as the kernel does (back to the HEAD lcluster, forward to
    /// the next one), so opening a file costs its index read and two lookups, not a full decode.
    final class CompressedIndex: @unchecked Sendable {
        struct Head {
            var lcn: UInt64
            var logical: UInt64
            var lcluster: Lcluster
        }

        let inode: Inode
        let kind: CompressedMap.Kind
        private let blockSizeBits: UInt64
        private let sourceSize: UInt64
        private let configs: CompressionConfigs
        private let layout: DataLayout
        private var advise: UInt16 = 0
        private var algorithms: (UInt8, UInt8) = (0, 0)
        private(set) var lclusterBits: UInt64 = 12
        private var lclusterCount: UInt64 = 0
        private var idataSize: UInt64 = 0
        private var fragmentOffset: UInt64 = 0
        private var index: [UInt8] = []
        private var indexStart: UInt64 = 0
        private var compact4BInitial: UInt64 = 0
        private var compact2B: UInt64 = 0
        /// The HEAD of the extent holding the file's last byte, and the index entry of that byte.
        private var tail = Head(lcn: 0, logical: 0, lcluster: Lcluster(type: .head1))
        private var tailNextPack: UInt64 = 0

        private var bigPcluster1: Bool { advise & Advise.bigPcluster1 != 0 }
        private var bigPcluster2: Bool { advise & Advise.bigPcluster2 != 0 }
        private var ztailpacking: Bool { advise & Advise.inlinePcluster != 0 && idataSize != 0 }
        private var fragment: Bool { advise & Advise.fragmentPcluster != 0 }

        private func bad(_ reason: String) -> ContainerError {
            ContainerError("erofs.bad-compression-index", "inode \(inode.nid): \(reason)")
        }

        init(fs: Filesystem, inode: Inode, allowFragments: Bool) throws {
            let sb = fs.superblock
            let source = fs.source
            self.inode = inode
            self.blockSizeBits = UInt64(sb.blockSizeBits)
            self.sourceSize = source.size
            self.configs = fs.configs
            self.layout = inode.layout
            lclusterBits = blockSizeBits
            let headerOffset = (inode.tailOffset + 7) / 8 * 8
            var header: [UInt8] = Array(repeating: 0, count: 8)
            let legacy = inode.layout == .compressedFull
                && !sb.has(Superblock.incompatBigPcluster | Superblock.incompatZtailpacking | Superblock.incompatFragments)
            if inode.size == 0 { kind = .extents; return }
            // Images without these features never wrote a map header for full indexes: it is not read.
            if !legacy {
                guard headerOffset + 8 <= source.size else { throw ContainerError("erofs.truncated", "inode \(inode.nid): map header passes the end") }
                header = try source.read(at: headerOffset, count: 8)
                if header[7] & 0x80 != 0 {
                    guard allowFragments else {
                        throw ContainerError("erofs.bad-compression-index", "inode \(inode.nid): the packed inode is itself a fragment")
                    }
                    let raw = UInt64(ByteReader.u32le(header, 0)) | UInt64(ByteReader.u32le(header, 4)) << 32
                    kind = .wholeFragment(raw & ~(1 << 63))
                    return
                }
                advise = ByteReader.u16le(header, 4)
                algorithms = (header[6] & 0xf, header[6] >> 4)
                lclusterBits += UInt64(header[7] & 7)
            }
            kind = .extents
            guard advise & ~Advise.known == 0 else {
                throw ContainerError("erofs.unsupported-feature", "inode \(inode.nid): compression advise 0x\(String(advise, radix: 16)) has unknown bits")
            }
            if inode.layout == .compressedCompact, bigPcluster1 != bigPcluster2 {
                throw bad("big pcluster heads 1 and 2 disagree for compact indexes")
            }
            idataSize = UInt64(ByteReader.u16le(header, 2))
            if fragment, !allowFragments { throw bad("the packed inode has a fragment") }
            let lclusterSize: UInt64 = 1 << lclusterBits
            lclusterCount = (inode.size - 1) / lclusterSize + 1
            // 2^21 lclusters is 8 GiB at 4 KiB: more than any app package, and a bound on the index read.
            guard lclusterCount <= 1 << 21 else {
                throw ContainerError("erofs.file-too-large", "inode \(inode.nid): \(inode.size) bytes in \(lclusterCount) lclusters is more than this reader maps")
            }

            // The whole index area is read at once: 8 (full) or at most 4 (compact) bytes per lcluster.
            let indexBytes: UInt64
            if inode.layout == .compressedFull {
                indexStart = headerOffset + 16
                indexBytes = lclusterCount * 8
            } else {
                guard lclusterBits <= 14 else { throw bad("compact indexes with 2^\(lclusterBits)-byte lclusters are not supported") }
                indexStart = headerOffset + 8
                // The kernel counts compact indexes in blocks (`erofs_iblks`).
                let totalIndexes = (inode.size - 1) / fs.blockSize + 1
                compact4BInitial = ((32 - indexStart % 32) / 4) & 7
                if advise & Advise.compacted2B != 0, compact4BInitial < totalIndexes {
                    guard lclusterBits <= 12 else { throw bad("2-byte compact indexes need lclusters of at most 4 KiB") }
                    compact2B = (totalIndexes - compact4BInitial) / 16 * 16
                }
                let rest = totalIndexes - min(totalIndexes, compact4BInitial) - compact2B
                // Rounded up to whole 8-byte packs (2-byte packs are 32-byte aligned and whole already).
                indexBytes = (min(totalIndexes, compact4BInitial) * 4 + compact2B * 2 + rest * 4 + 7) / 8 * 8
            }
            guard indexStart <= source.size, indexBytes <= source.size - indexStart else {
                throw ContainerError("erofs.truncated", "inode \(inode.nid): lcluster indexes at \(indexStart)+\(indexBytes) pass the end of the image")
            }
            index = try source.read(at: indexStart, count: Int(indexBytes))

            let last = inode.size - 1
            tail = try head(containing: last)
            tailNextPack = try load(last >> lclusterBits).nextPackOffset
            fragmentOffset = UInt64(ByteReader.u32le(header, 0))
            if fragment, inode.layout == .compressedFull { fragmentOffset |= UInt64(tail.lcluster.physicalBlock) << 32 }
            if ztailpacking, tailNextPack % fs.blockSize + idataSize > fs.blockSize {
                throw bad("tail-packed pcluster of \(idataSize) bytes crosses a block")
            }
            // The first and last extents are checked now, so a broken file is reported when found.
            _ = try extent(at: 0)
            _ = try extent(at: last)
        }

        /// Decodes the index entry of lcluster `lcn`.
        func load(_ lcn: UInt64) throws -> Lcluster {
            guard lcn < lclusterCount else { throw bad("lcluster \(lcn) is past the last of \(lclusterCount)") }
            return layout == .compressedFull ? try full(lcn) : try compacted(lcn)
        }

        private func full(_ lcn: UInt64) throws -> Lcluster {
            let at = Int(lcn * 8)
            let adviseField = ByteReader.u16le(index, at)
            guard let type = LclusterType(rawValue: UInt8(adviseField & 3)) else { throw bad("lcluster \(lcn) type") }
            var lc = Lcluster(type: type, nextPackOffset: indexStart + UInt64(at) + 8)
            if type == .nonhead {
                var d0 = UInt32(ByteReader.u16le(index, at + 4))
                if d0 & EROFS.cblkcntFlag != 0 {
                    guard bigPcluster1 || bigPcluster2 else { throw bad("lcluster \(lcn) has a block count without big pclusters") }
                    lc.compressedBlocks = d0 & ~EROFS.cblkcntFlag
                    d0 = 1
                }
                lc.delta0 = d0
            } else {
                lc.partialRef = adviseField & 0x8000 != 0
                lc.clusterOffset = UInt32(ByteReader.u16le(index, at + 2))
                lc.physicalBlock = ByteReader.u32le(index, at + 4)
            }
            return lc
        }

        /// Compacted indexes (kernel `z_erofs_load_compact_lcluster`): packs of 2 (4-byte) or 16
        /// (2-byte) entries ending in a 32-bit base block address.
        private func compacted(_ lcn: UInt64) throws -> Lcluster {
            var rel = lcn
            var pos = indexStart
            var amortizedShift: UInt64 = 2
            if rel >= compact4BInitial {
                pos += compact4BInitial * 4
                rel -= compact4BInitial
                if rel < compact2B { amortizedShift = 1 } else { pos += compact2B * 2; rel -= compact2B }
            }
            pos += rel << amortizedShift
            let vcnt: UInt64 = amortizedShift == 2 ? 2 : 16
            let packSize = vcnt << amortizedShift
            let packStart = pos / packSize * packSize
            guard packStart >= indexStart, packStart + packSize <= indexStart + UInt64(index.count) else {
                throw bad("lcluster \(lcn) index is out of range")
            }
            let pack = Int(packStart - indexStart)
            let packBytes = Int(packSize)
            let loBits = UInt32(max(lclusterBits, 12))
            let encodeBits = (packSize - 4) * 8 / vcnt
            let index = self.index
            func decode(_ i: Int) -> (lo: UInt32, type: UInt8) {
                let bit = UInt64(i) * encodeBits
                let byte = Int(bit / 8)
                var v: UInt32 = 0
                for k in 0..<4 where byte + k < packBytes { v |= UInt32(index[pack + byte + k]) << (8 * UInt32(k)) }
                v >>= UInt32(bit % 8)
                return (v & ((1 << loBits) - 1), UInt8((v >> loBits) & 3))
            }
            var i = Int((pos - packStart) >> amortizedShift)
            let (lo, rawType) = decode(i)
            guard let type = LclusterType(rawValue: rawType) else { throw bad("lcluster \(lcn) type") }
            var lc = Lcluster(type: type, nextPackOffset: packStart + packSize)
            if type == .nonhead {
                if lo & EROFS.cblkcntFlag != 0 {
                    guard bigPcluster1 else { throw bad("lcluster \(lcn) has a block count without big pclusters") }
                    lc.compressedBlocks = lo & ~EROFS.cblkcntFlag
                    lc.delta0 = 1
                } else if i + 1 != Int(vcnt) {
                    lc.delta0 = lo
                } else {
                    // The last entry of a pack keeps delta[1]; delta[0] comes from the entry before it.
                    let (prevLo, prevType) = decode(i - 1)
                    lc.delta0 = (prevType != LclusterType.nonhead.rawValue ? 0 : prevLo & EROFS.cblkcntFlag != 0 ? 1 : prevLo) + 1
                }
                return lc
            }
            lc.clusterOffset = lo
            var blocks: UInt32 = 0
            if !bigPcluster1 {
                blocks = 1
                while i > 0 {
                    i -= 1
                    let (l, t) = decode(i)
                    if t == LclusterType.nonhead.rawValue { i -= Int(l) }
                    if i >= 0 { blocks &+= 1 }
                }
            } else {
                while i > 0 {
                    i -= 1
                    let (l, t) = decode(i)
                    if t == LclusterType.nonhead.rawValue {
                        if l & EROFS.cblkcntFlag != 0 {
                            i -= 1
                            blocks &+= l & ~EROFS.cblkcntFlag
                            continue
                        }
                        guard l > 1 else { throw bad("lcluster \(lcn): big pcluster with a plain delta of \(l)") }
                        i -= Int(l) - 2
                        continue
                    }
                    blocks &+= 1
                }
            }
            lc.physicalBlock = ByteReader.u32le(index, pack + packBytes - 4) &+ blocks
            return lc
        }

        /// The HEAD lcluster of the extent holding byte `offset` (kernel `z_erofs_extent_lookback`).
        func head(containing offset: UInt64) throws -> Head {
            var lcn = offset >> lclusterBits
            var lc = try load(lcn)
            if lc.type != .nonhead, offset & ((1 << lclusterBits) - 1) >= UInt64(lc.clusterOffset) {
                return Head(lcn: lcn, logical: lcn << lclusterBits | UInt64(lc.clusterOffset), lcluster: lc)
            }
            // Before this lcluster's HEAD, or a NONHEAD: walk back; every step moves strictly back.
            var distance = lc.type == .nonhead ? UInt64(lc.delta0) : 1
            // Valid chains take one or two steps (delta[0] is the distance to the HEAD).
            for _ in 0..<1024 {
                guard distance > 0, lcn >= distance else { throw bad("bogus lookback distance \(distance) at lcluster \(lcn)") }
                lcn -= distance
                lc = try load(lcn)
                if lc.type != .nonhead {
                    guard UInt64(lc.clusterOffset) < 1 << lclusterBits else { throw bad("lcluster \(lcn): offset \(lc.clusterOffset) exceeds the lcluster") }
                    return Head(lcn: lcn, logical: lcn << lclusterBits | UInt64(lc.clusterOffset), lcluster: lc)
                }
                distance = UInt64(lc.delta0)
            }
            throw bad("lookback from byte \(offset) does not reach a HEAD lcluster")
        }

        /// The whole extent holding byte `offset`: from its HEAD to the next HEAD (or the end of the file).
        func extent(at offset: UInt64) throws -> Extent {
            guard offset < inode.size else { throw bad("offset \(offset) is past the end of the file") }
            // A fragment whose tail extent starts at lcluster 0 holds the whole file.
            if fragment, tail.lcn == 0 { return Extent(logical: 0, length: inode.size, data: .fragment(offset: fragmentOffset)) }
            let head = try head(containing: offset)
            var next = head.lcn + 1
            var end = inode.size
            // The tail extent runs to the end of the file; others to the next HEAD, at most 12 MiB away.
            let limit = head.lcn == tail.lcn ? head.lcn : min(lclusterCount, head.lcn + 2 + (EROFS.maxExtentBytes >> lclusterBits))
            while next < limit {
                let lc = try load(next)
                if lc.type != .nonhead {
                    end = min(end, next << lclusterBits | UInt64(lc.clusterOffset))
                    break
                }
                next += 1
            }
            guard end > head.logical, offset < end else { throw bad("extent at lcluster \(head.lcn) is empty") }
            let length = end - head.logical
            let isTail = head.lcn == tail.lcn
            let algorithm = head.lcluster.type == .head2 ? algorithms.1 : algorithms.0
            let data: ExtentData
            if isTail, ztailpacking {
                data = head.lcluster.type == .plain ? .plain(offset: tailNextPack, length: idataSize, interlaced: false)
                    : .compressed(algorithm: algorithm, offset: tailNextPack, length: idataSize)
            } else if isTail, fragment {
                data = .fragment(offset: fragmentOffset)
            } else {
                // Pcluster size (kernel `z_erofs_get_extent_compressedlen`): one block unless big pclusters say more.
                var blocks: UInt64 = 1
                let big = head.lcluster.type == .head1 ? bigPcluster1 : bigPcluster2
                if big, head.lcn + 1 < lclusterCount {
                    let following = try load(head.lcn + 1)
                    if following.type == .nonhead {
                        guard following.delta0 == 1 else { throw bad("lcluster \(head.lcn + 1): bogus block count") }
                        if following.compressedBlocks > 0 { blocks = UInt64(following.compressedBlocks) }
                    }
                }
                let plen = blocks << blockSizeBits
                let offset = UInt64(head.lcluster.physicalBlock) << blockSizeBits
                data = head.lcluster.type == .plain
                    ? .plain(offset: offset, length: plen, interlaced: advise & Advise.interlacedPcluster != 0)
                    : .compressed(algorithm: algorithm, offset: offset, length: plen)
            }
            switch data {
            case let .compressed(algorithm, offset, plen):
                guard plen <= EROFS.maxPclusterBytes else { throw bad("pcluster of \(plen) bytes exceeds 1 MiB") }
                guard length <= EROFS.maxExtentBytes else { throw bad("extent of \(length) bytes exceeds 12 MiB") }
                guard algorithm <= Algorithm.deflate.rawValue else {
                    let name = Algorithm(rawValue: algorithm)?.name ?? "unknown"
                    throw ContainerError("erofs.unsupported-feature", "inode \(inode.nid): compression algorithm \(algorithm) (\(name)) is not supported")
                }
                guard configs.available & (1 << UInt16(algorithm)) != 0 || algorithm == 0 else {
                    throw ContainerError("erofs.unsupported-feature", "inode \(inode.nid): compression algorithm \(algorithm) is not declared by the image")
                }
                guard offset <= sourceSize, plen <= sourceSize - offset else {
                    throw ContainerError("erofs.truncated", "inode \(inode.nid): pcluster at \(offset)+\(plen) passes the end of the image")
                }
            case let .plain(offset, plen, interlaced):
                guard length <= plen, !interlaced || plen <= 1 << blockSizeBits else {
                    throw bad("plain extent of \(length) bytes exceeds its \(plen)-byte pcluster")
                }
                guard offset <= sourceSize, plen <= sourceSize - offset else {
                    throw ContainerError("erofs.truncated", "inode \(inode.nid): pcluster at \(offset)+\(plen) passes the end of the image")
                }
            case .fragment:
                break
            }
            return Extent(logical: head.logical, length: length, data: data)
        }
    }
}

extension EROFS.Filesystem {
    /// Every extent of a compressed inode, in order (for tests and diagnostics; reading looks them up lazily).
    func compressedMap(of inode: EROFS.Inode, allowFragments: Bool) throws -> EROFS.CompressedMap {
        let index = try EROFS.CompressedIndex(fs: self, inode: inode, allowFragments: allowFragments)
        guard case .extents = index.kind else { return EROFS.CompressedMap(kind: index.kind, extents: []) }
        var extents: [EROFS.Extent] = []
        var offset: UInt64 = 0
        while offset < inode.size {
            let e = try index.extent(at: offset)
            extents.append(e)
            offset = e.logical + e.length
        }
        return EROFS.CompressedMap(kind: .extents, extents: extents)
    }
}
