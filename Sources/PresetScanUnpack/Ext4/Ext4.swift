import PresetScanCore

/// Namespace for the ext2/3/4 on-disk format (kernel `Documentation/filesystems/ext4/`).
public enum Ext4 {
    /// The superblock at byte 1024 (ext4 docs "Super Block"); little-endian.
    public struct Superblock: Sendable, Equatable {
        public static let offset: UInt64 = 1024
        public static let size = 1024
        public static let magic: UInt16 = 0xef53

        public var inodesCount: UInt32
        public var blocksCount: UInt64
        public var firstDataBlock: UInt32
        public var logBlockSize: UInt32
        public var blocksPerGroup: UInt32
        public var inodesPerGroup: UInt32
        public var revLevel: UInt32
        public var inodeSize: UInt16
        public var featureCompat: UInt32
        public var featureIncompat: UInt32
        public var featureROCompat: UInt32
        public var descSize: UInt16

        public static let incompatFiletype: UInt32 = 0x2
        public static let incompatRecover: UInt32 = 0x4
        public static let incompatJournalDev: UInt32 = 0x8
        public static let incompatMetaBG: UInt32 = 0x10
        public static let incompatExtents: UInt32 = 0x40
        public static let incompat64Bit: UInt32 = 0x80
        public static let incompatFlexBG: UInt32 = 0x200
        public static let incompatInlineData: UInt32 = 0x8000
        public static let incompatEncrypt: UInt32 = 0x10000

        public static func parse(_ r: inout ByteReader) throws -> Superblock {
            try r.seek(to: 0x38)
            guard try r.u16le() == magic else { throw r.error("bad magic (not ext2/3/4)", at: r.position - 2) }
            try r.seek(to: 0)
            let inodes = try r.u32le()
            let blocksLo = try r.u32le()
            try r.seek(to: 0x14)
            let firstData = try r.u32le()
            let logBlock = try r.u32le()
            try r.seek(to: 0x20)
            let perGroup = try r.u32le()
            try r.seek(to: 0x28)
            let inodesPerGroup = try r.u32le()
            try r.seek(to: 0x4c)
            let rev = try r.u32le()
            try r.seek(to: 0x58)
            let inodeSize = try r.u16le()
            try r.seek(to: 0x5c)
            let compat = try r.u32le()
            let incompat = try r.u32le()
            let roCompat = try r.u32le()
            try r.seek(to: 0xfe)
            let descSize = try r.u16le()
            try r.seek(to: 0x150)
            let blocksHi = try r.u32le()
            let is64 = incompat & incompat64Bit != 0
            let sb = Superblock(
                inodesCount: inodes, blocksCount: UInt64(blocksLo) | (is64 ? UInt64(blocksHi) << 32 : 0),
                firstDataBlock: firstData, logBlockSize: logBlock, blocksPerGroup: perGroup,
                inodesPerGroup: inodesPerGroup, revLevel: rev, inodeSize: rev == 0 ? 128 : inodeSize,
                featureCompat: compat, featureIncompat: incompat, featureROCompat: roCompat,
                descSize: is64 ? descSize : 32)
            guard logBlock <= 6 else { throw r.error("block size 2^(10+\(logBlock)) is out of range", at: 0x18) }
            guard perGroup > 0, inodesPerGroup > 0 else { throw r.error("zero blocks or inodes per group", at: 0x20) }
            guard sb.inodeSize >= 128, sb.inodeSize.nonzeroBitCount == 1, UInt32(sb.inodeSize) <= sb.blockSize else {
                throw r.error("inode size \(sb.inodeSize) is invalid", at: 0x58)
            }
            guard !is64 || (descSize >= 64 && descSize.nonzeroBitCount == 1 && UInt32(descSize) <= sb.blockSize) else {
                throw r.error("group descriptor size \(descSize) is invalid", at: 0xfe)
            }
            guard UInt64(firstData) < sb.blocksCount else { throw r.error("first data block past the end", at: 0x14) }
            // Keeps every block number × block size below 2^64.
            guard sb.blocksCount <= UInt64.max >> 17 else { throw r.error("block count \(sb.blocksCount) is implausible", at: 0x4) }
            return sb
        }

        public var blockSize: UInt32 { 1024 << logBlockSize }
        public var is64Bit: Bool { featureIncompat & Self.incompat64Bit != 0 }
        public var groupCount: UInt64 {
            (blocksCount - UInt64(firstDataBlock) + UInt64(blocksPerGroup) - 1) / UInt64(blocksPerGroup)
        }
    }

    /// A block group descriptor, 32 bytes or `s_desc_size` with 64BIT (ext4 docs "Block Group Descriptors").
    public struct GroupDescriptor: Sendable, Equatable {
        /// First block of the group's inode table.
        public var inodeTable: UInt64

        public static func parse(_ r: inout ByteReader, is64Bit: Bool) throws -> GroupDescriptor {
            let base = r.relativePosition
            try r.seek(to: base + 0x8)
            let lo = try r.u32le()
            var hi: UInt32 = 0
            if is64Bit {
                try r.seek(to: base + 0x28)
                hi = try r.u32le()
            }
            return GroupDescriptor(inodeTable: UInt64(hi) << 32 | UInt64(lo))
        }
    }
}
