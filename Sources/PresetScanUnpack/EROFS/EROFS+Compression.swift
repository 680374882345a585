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
}

extension EROFS.Filesystem {
    /// Reads the map header and every lcluster index of a compressed inode (kernel `zmap.c`).
    func compressedMap(of inode: EROFS.Inode, allowFragments: Bool) throws -> EROFS.CompressedMap {
        func bad(_ reason: String) -> ContainerError { ContainerError("erofs.bad-compression-index", "inode \(inode.nid): \(reason)") }
        let sb = superblock
        let headerOffset = (inode.tailOffset + 7) / 8 * 8
        var advise: UInt16 = 0
        var algorithms: (UInt8, UInt8) = (0, 0)
        var lclusterBits = UInt64(sb.blockSizeBits)
        var header: [UInt8] = Array(repeating: 0, count: 8)
        let legacy = inode.layout == .compressedFull
            && !sb.has(EROFS.Superblock.incompatBigPcluster | EROFS.Superblock.incompatZtailpacking | EROFS.Superblock.incompatFragments)
        if inode.size == 0 { return EROFS.CompressedMap(kind: .extents, extents: []) }
        // Images without these features never wrote a map header for full indexes: it is not read.
        if !legacy {
            guard headerOffset + 8 <= source.size else { throw ContainerError("erofs.truncated", "inode \(inode.nid): map header passes the end") }
            header = try source.read(at: headerOffset, count: 8)
            if header[7] & 0x80 != 0 {
                guard allowFragments else { throw bad("the packed inode is itself a fragment") }
                let raw = UInt64(ByteReader.u32le(header, 0)) | UInt64(ByteReader.u32le(header, 4)) << 32
                return EROFS.CompressedMap(kind: .wholeFragment(raw & ~(1 << 63)), extents: [])
            }
            advise = ByteReader.u16le(header, 4)
            algorithms = (header[6] & 0xf, header[6] >> 4)
            lclusterBits += UInt64(header[7] & 7)
        }
        guard advise & ~EROFS.Advise.known == 0 else {
            throw ContainerError("erofs.unsupported-feature", "inode \(inode.nid): compression advise 0x\(String(advise, radix: 16)) has unknown bits")
        }
        let bigPcluster1 = advise & EROFS.Advise.bigPcluster1 != 0
        let bigPcluster2 = advise & EROFS.Advise.bigPcluster2 != 0
        if inode.layout == .compressedCompact, bigPcluster1 != bigPcluster2 {
            throw bad("big pcluster heads 1 and 2 disagree for compact indexes")
        }
        let ztailpacking = advise & EROFS.Advise.inlinePcluster != 0 && ByteReader.u16le(header, 2) != 0
        let fragment = advise & EROFS.Advise.fragmentPcluster != 0
        if fragment, !allowFragments { throw bad("the packed inode has a fragment") }
        let lclusterSize: UInt64 = 1 << lclusterBits
        let lclusterCount = (inode.size - 1) / lclusterSize + 1
        // 2^21 lclusters is 8 GiB at 4 KiB; beyond that the extent list alone would cost too much memory.
        guard lclusterCount <= 1 << 21 else {
            throw ContainerError("erofs.file-too-large", "inode \(inode.nid): \(inode.size) bytes in \(lclusterCount) lclusters is more than this reader maps")
        }

        // The whole index area is read at once: 8 (full) or at most 4 (compact) bytes per lcluster.
        let indexStart: UInt64
        let indexBytes: UInt64
        var compact4BInitial: UInt64 = 0
        var compact2B: UInt64 = 0
        if inode.layout == .compressedFull {
            indexStart = headerOffset + 16
            indexBytes = lclusterCount * 8
        } else {
            guard lclusterBits <= 14 else { throw bad("compact indexes with 2^\(lclusterBits)-byte lclusters are not supported") }
            indexStart = headerOffset + 8
            // The kernel counts compact indexes in blocks (`erofs_iblks`).
            let totalIndexes = (inode.size - 1) / blockSize + 1
            guard lclusterCount <= totalIndexes else { throw bad("lcluster count exceeds index count") }
            compact4BInitial = ((32 - indexStart % 32) / 4) & 7
            if advise & EROFS.Advise.compacted2B != 0, compact4BInitial < totalIndexes {
                guard lclusterBits <= 12 else { throw bad("2-byte compact indexes need lclusters of at most 4 KiB") }
                compact2B = (totalIndexes - compact4BInitial) / 16 * 16
            }
            let rest = totalIndexes - min(totalIndexes, compact4BInitial) - compact2B
            // Rounded up to whole 8-byte packs (2-byte packs are 32-byte aligned and whole already).
            indexBytes = (min(totalIndexes, compact4BInitial) * 4 + compact2B * 2 + rest * 4 + 7) / 8 * 8
        }
        guard indexBytes <= 64 << 20 else { throw bad("\(lclusterCount) lclusters need an index larger than 64 MiB") }
        guard indexStart <= source.size, indexBytes <= source.size - indexStart else {
            throw ContainerError("erofs.truncated", "inode \(inode.nid): lcluster indexes at \(indexStart)+\(indexBytes) pass the end of the image")
        }
        let index = try source.read(at: indexStart, count: Int(indexBytes))

        func full(_ lcn: UInt64) throws -> EROFS.Lcluster {
            let at = Int(lcn * 8)
            let adviseField = ByteReader.u16le(index, at)
            guard let type = EROFS.LclusterType(rawValue: UInt8(adviseField & 3)) else { throw bad("lcluster \(lcn) type") }
            var lc = EROFS.Lcluster(type: type, nextPackOffset: indexStart + UInt64(at) + 8)
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

        func compacted(_ lcn: UInt64) throws -> EROFS.Lcluster {
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
            guard packStart >= indexStart, packStart + packSize <= indexStart + indexBytes else { throw bad("lcluster \(lcn) index is out of range") }
            let pack = Int(packStart - indexStart)
            let packBytes = Int(packSize)
            let loBits = max(lclusterBits, 12)
            let encodeBits = (packSize - 4) * 8 / vcnt
            func decode(_ i: Int) -> (lo: UInt32, type: UInt8) {
                let bit = UInt64(i) * encodeBits
                var v: UInt32 = 0
                let byte = Int(bit / 8)
                for k in 0..<4 where byte + k < packBytes { v |= UInt32(index[pack + byte + k]) << (8 * UInt32(k)) }
                v >>= UInt32(bit % 8)
                return (v & ((1 << UInt32(loBits)) - 1), UInt8((v >> UInt32(loBits)) & 3))
            }
            var i = Int((pos - packStart) >> amortizedShift)
            let (lo, rawType) = decode(i)
            guard let type = EROFS.LclusterType(rawValue: rawType) else { throw bad("lcluster \(lcn) type") }
            var lc = EROFS.Lcluster(type: type, nextPackOffset: packStart + packSize)
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
                    lc.delta0 = (prevType != EROFS.LclusterType.nonhead.rawValue ? 0 : prevLo & EROFS.cblkcntFlag != 0 ? 1 : prevLo) + 1
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
                    if t == EROFS.LclusterType.nonhead.rawValue { i -= Int(l) }
                    if i >= 0 { blocks &+= 1 }
                }
            } else {
                while i > 0 {
                    i -= 1
                    let (l, t) = decode(i)
                    if t == EROFS.LclusterType.nonhead.rawValue {
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

        let load: (UInt64) throws -> EROFS.Lcluster = inode.layout == .compressedFull ? full : compacted

        // Every HEAD/PLAIN lcluster starts an extent; NONHEAD ones continue the one before.
        struct Head { var lcn: UInt64; var logical: UInt64; var lcluster: EROFS.Lcluster }
        var heads: [Head] = []
        for lcn in 0..<lclusterCount {
            let lc = try load(lcn)
            guard lc.type != .nonhead else { continue }
            guard UInt64(lc.clusterOffset) < lclusterSize else { throw bad("lcluster \(lcn): offset \(lc.clusterOffset) exceeds the lcluster") }
            let logical = lcn << lclusterBits | UInt64(lc.clusterOffset)
            // mkfs may end the last lcluster with a HEAD at the file's end: it starts nothing.
            guard logical < inode.size else { continue }
            heads.append(Head(lcn: lcn, logical: logical, lcluster: lc))
        }
        guard let first = heads.first, first.logical == 0 else { throw bad("the first lcluster does not start an extent at 0") }
        let tailLcluster = try load((inode.size - 1) >> lclusterBits)
        var fragmentOffset = UInt64(ByteReader.u32le(header, 0))
        if fragment, inode.layout == .compressedFull, let last = heads.last {
            fragmentOffset |= UInt64(last.lcluster.physicalBlock) << 32
        }
        // A fragment whose tail extent starts at lcluster 0 holds the whole file.
        if fragment, let last = heads.last, last.lcn == 0 {
            return EROFS.CompressedMap(kind: .extents, extents: [EROFS.Extent(logical: 0, length: inode.size, data: .fragment(offset: fragmentOffset))])
        }

        var extents: [EROFS.Extent] = []
        extents.reserveCapacity(heads.count)
        for (k, head) in heads.enumerated() {
            let end = k + 1 < heads.count ? heads[k + 1].logical : inode.size
            let length = end - head.logical
            let isTail = k == heads.count - 1
            let data: EROFS.ExtentData
            if isTail, ztailpacking {
                let offset = tailLcluster.nextPackOffset
                let plen = UInt64(ByteReader.u16le(header, 2))
                guard offset % blockSize + plen <= blockSize else { throw bad("tail-packed pcluster of \(plen) bytes crosses a block") }
                data = head.lcluster.type == .plain ? .plain(offset: offset, length: plen, interlaced: false)
                    : .compressed(algorithm: head.lcluster.type == .head2 ? algorithms.1 : algorithms.0, offset: offset, length: plen)
            } else if isTail, fragment {
                data = .fragment(offset: fragmentOffset)
            } else {
                // Pcluster size (kernel `z_erofs_get_extent_compressedlen`): one block unless big pclusters say more.
                var blocks: UInt64 = 1
                let big = head.lcluster.type == .head1 ? bigPcluster1 : bigPcluster2
                if big, head.lcn + 1 < lclusterCount {
                    let next = try load(head.lcn + 1)
                    if next.type == .nonhead {
                        guard next.delta0 == 1 else { throw bad("lcluster \(head.lcn + 1): bogus block count") }
                        if next.compressedBlocks > 0 { blocks = UInt64(next.compressedBlocks) }
                    }
                }
                let plen = blocks << UInt64(superblock.blockSizeBits)
                let offset = position(ofBlock: head.lcluster.physicalBlock)
                if head.lcluster.type == .plain {
                    data = .plain(offset: offset, length: plen, interlaced: advise & EROFS.Advise.interlacedPcluster != 0)
                } else {
                    data = .compressed(algorithm: head.lcluster.type == .head2 ? algorithms.1 : algorithms.0, offset: offset, length: plen)
                }
            }
            switch data {
            case let .compressed(algorithm, offset, plen):
                guard plen <= EROFS.maxPclusterBytes else { throw bad("pcluster of \(plen) bytes exceeds 1 MiB") }
                guard length <= EROFS.maxExtentBytes else { throw bad("extent of \(length) bytes exceeds 12 MiB") }
                guard algorithm <= EROFS.Algorithm.deflate.rawValue else {
                    let name = EROFS.Algorithm(rawValue: algorithm)?.name ?? "unknown"
                    throw ContainerError("erofs.unsupported-feature", "inode \(inode.nid): compression algorithm \(algorithm) (\(name)) is not supported")
                }
                guard configs.available & (1 << UInt16(algorithm)) != 0 || algorithm == 0 else {
                    throw ContainerError("erofs.unsupported-feature", "inode \(inode.nid): compression algorithm \(algorithm) is not declared by the image")
                }
                guard offset <= source.size, plen <= source.size - offset else {
                    throw ContainerError("erofs.truncated", "inode \(inode.nid): pcluster at \(offset)+\(plen) passes the end of the image")
                }
            case let .plain(offset, plen, interlaced):
                guard length <= plen, !interlaced || plen <= blockSize else { throw bad("plain extent of \(length) bytes exceeds its \(plen)-byte pcluster") }
                guard offset <= source.size, plen <= source.size - offset else {
                    throw ContainerError("erofs.truncated", "inode \(inode.nid): pcluster at \(offset)+\(plen) passes the end of the image")
                }
            case .fragment:
                break
            }
            extents.append(EROFS.Extent(logical: head.logical, length: length, data: data))
        }
        return EROFS.CompressedMap(kind: .extents, extents: extents)
    }
}
