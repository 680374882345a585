import PresetScanCore

extension Ext4 {
    /// `ext4_extent_header` (ext4 docs "Extent Tree"): 12 bytes, magic 0xF30A.
    public struct ExtentHeader: Sendable, Equatable {
        public static let magic: UInt16 = 0xf30a
        public var entries: UInt16
        public var max: UInt16
        public var depth: UInt16

        public static func parse(_ r: inout ByteReader) throws -> ExtentHeader {
            guard try r.u16le() == magic else { throw r.error("bad extent header magic", at: r.position - 2) }
            let h = ExtentHeader(entries: try r.u16le(), max: try r.u16le(), depth: try r.u16le())
            _ = try r.u32le()
            guard h.entries <= h.max else { throw r.error("\(h.entries) entries exceed the maximum \(h.max)") }
            guard h.depth <= 5 else { throw r.error("extent tree depth \(h.depth) exceeds 5") }
            return h
        }
    }

    /// A run of file blocks mapped to disk blocks (an `ext4_extent` leaf, or merged block-map entries).
    public struct BlockRun: Sendable, Equatable {
        public var logical: UInt64
        public var physical: UInt64
        public var count: UInt64
        /// Unwritten extent (`ee_len` > 32768): reads as zeros.
        public var unwritten: Bool
    }

    /// Collects the leaves of an extent tree rooted in `i_block`, reading index blocks from `fs`.
    static func extentRuns(root: [UInt8], fs: Filesystem, inode: UInt32) throws -> [BlockRun] {
        var runs: [BlockRun] = []
        var visitedBlocks = 0
        func walk(_ r: inout ByteReader, expectedDepth: Int?) throws {
            let header = try ExtentHeader.parse(&r)
            if let expectedDepth, Int(header.depth) != expectedDepth {
                throw r.error("extent node depth \(header.depth), expected \(expectedDepth)")
            }
            for _ in 0..<header.entries {
                if header.depth == 0 {
                    let logical = try r.u32le()
                    var length = try r.u16le()
                    let hi = try r.u16le()
                    let lo = try r.u32le()
                    let unwritten = length > 32768
                    if unwritten { length -= 32768 }
                    runs.append(BlockRun(logical: UInt64(logical), physical: UInt64(hi) << 32 | UInt64(lo),
                                         count: UInt64(length), unwritten: unwritten))
                } else {
                    _ = try r.u32le()
                    let lo = try r.u32le()
                    let hi = try r.u16le()
                    _ = try r.u16le()
                    let child = UInt64(hi) << 32 | UInt64(lo)
                    visitedBlocks += 1
                    guard visitedBlocks <= 1 << 20 else { throw r.error("too many extent index blocks") }
                    guard child < fs.superblock.blocksCount, child > 0 else {
                        throw r.error("extent index points to block \(child), outside the \(fs.superblock.blocksCount)-block filesystem")
                    }
                    let bytes = try fs.readBlock(child)
                    var cr = ByteReader(bytes, base: child * UInt64(fs.blockSize), structure: "ext4 extent node (inode \(inode))")
                    try walk(&cr, expectedDepth: Int(header.depth) - 1)
                }
            }
        }
        var r = ByteReader(root, structure: "ext4 extent root (inode \(inode))")
        try walk(&r, expectedDepth: nil)
        return runs
    }

    /// Collects the classic ext2/3 block map (12 direct, single, double, triple indirect blocks).
    static func blockMapRuns(iBlock: [UInt8], fs: Filesystem, inode: UInt32, blockCount: UInt64) throws -> [BlockRun] {
        var runs: [BlockRun] = []
        let perBlock = UInt64(fs.blockSize / 4)
        var logical: UInt64 = 0
        func add(_ physical: UInt64) {
            defer { logical += 1 }
            guard physical != 0 else { return }
            if var last = runs.last, last.logical + last.count == logical, last.physical + last.count == physical {
                last.count += 1
                runs[runs.count - 1] = last
            } else {
                runs.append(BlockRun(logical: logical, physical: physical, count: 1, unwritten: false))
            }
        }
        func indirect(_ block: UInt64, level: Int) throws {
            let span = level == 1 ? perBlock : level == 2 ? perBlock * perBlock : perBlock * perBlock * perBlock
            guard block != 0 else { logical += span; return }
            guard block < fs.superblock.blocksCount else {
                throw ParseError("ext4 block map (inode \(inode))", at: 0x28,
                                 "indirect block \(block) is outside the \(fs.superblock.blocksCount)-block filesystem")
            }
            let bytes = try fs.readBlock(block)
            for i in 0..<Int(perBlock) {
                if logical >= blockCount { return }
                let entry = UInt64(ByteReader.u32le(bytes, i * 4))
                if level == 1 { add(entry) } else { try indirect(entry, level: level - 1) }
            }
        }
        for i in 0..<15 {
            if logical >= blockCount { break }
            let entry = UInt64(ByteReader.u32le(iBlock, i * 4))
            if i < 12 { add(entry) } else { try indirect(entry, level: i - 11) }
        }
        return runs
    }
}
