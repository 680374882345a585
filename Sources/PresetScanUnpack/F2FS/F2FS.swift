import PresetScanCore

/// Namespace for the f2fs on-disk format (Linux `include/linux/f2fs_fs.h`; f2fs-tools `include/f2fs_fs.h`).
public enum F2FS {
    /// Magic number of the superblock (`F2FS_SUPER_MAGIC`).
    public static let magic: UInt32 = 0xf2f5_2010
    /// The only block size read (`F2FS_BLKSIZE` on 4 KiB-page kernels, which Android devices use).
    public static let blockSize = 4096
    /// `NULL_ADDR`, `NEW_ADDR`, `COMPRESS_ADDR`: block addresses that name no block.
    static let nullAddress: UInt32 = 0
    static let newAddress: UInt32 = 0xffff_ffff
    static let compressAddress: UInt32 = 0xffff_fffe

    /// `struct f2fs_super_block` (kernel `f2fs_fs.h`), at byte 1024 of block 0 and, as a backup, of block 1.
    public struct Superblock: Sendable, Equatable {
        public static let offset: UInt64 = 1024
        public static let backupOffset: UInt64 = 4096 + 1024
        public static let size = 3072

        public static let featureEncrypt: UInt32 = 0x0001
        public static let featureExtraAttr: UInt32 = 0x0008
        public static let featureFlexibleInlineXattr: UInt32 = 0x0040
        public static let featureCompression: UInt32 = 0x2000

        public var logBlockSize: UInt32
        public var logBlocksPerSegment: UInt32
        public var blockCount: UInt64
        public var segmentCount: UInt32
        public var segmentCountNAT: UInt32
        public var segment0: UInt32
        public var checkpointAddress: UInt32
        public var natAddress: UInt32
        public var mainAddress: UInt32
        public var rootInode: UInt32
        public var checkpointPayload: UInt32
        public var features: UInt32

        public var blocksPerSegment: UInt32 { 1 << logBlocksPerSegment }
        public func has(_ feature: UInt32) -> Bool { features & feature != 0 }

        public static func parse(_ r: inout ByteReader) throws -> Superblock {
            guard try r.u32le() == F2FS.magic else { throw r.error("bad magic (not f2fs)", at: r.position - 4) }
            try r.seek(to: 0x10)
            let logBlock = try r.u32le()
            let logPerSeg = try r.u32le()
            try r.seek(to: 0x24)
            let blockCount = try r.u64le()
            _ = try r.u32le()
            let segments = try r.u32le()
            _ = try r.u32le()  // segment_count_ckpt
            _ = try r.u32le()  // segment_count_sit
            let segmentsNAT = try r.u32le()
            try r.seek(to: 0x48)
            let segment0 = try r.u32le()
            let cp = try r.u32le()
            _ = try r.u32le()  // sit_blkaddr
            let nat = try r.u32le()
            _ = try r.u32le()  // ssa_blkaddr
            let main = try r.u32le()
            let root = try r.u32le()
            try r.seek(to: 0x680)
            let payload = try r.u32le()
            try r.seek(to: 0x884)
            let features = try r.u32le()
            let sb = Superblock(logBlockSize: logBlock, logBlocksPerSegment: logPerSeg, blockCount: blockCount,
                                segmentCount: segments, segmentCountNAT: segmentsNAT, segment0: segment0,
                                checkpointAddress: cp, natAddress: nat, mainAddress: main, rootInode: root,
                                checkpointPayload: payload, features: features)
            guard logBlock == 12 else { throw r.error("block size 2^\(logBlock) is not supported (4096 only)", at: 0x10) }
            guard logPerSeg == 9 else { throw r.error("2^\(logPerSeg) blocks per segment is invalid (512 expected)", at: 0x14) }
            guard blockCount > 0, blockCount <= UInt64(UInt32.max) else { throw r.error("block count \(blockCount) is invalid", at: 0x24) }
            guard cp < nat, nat < main, UInt64(main) < blockCount else {
                throw r.error("areas out of order: checkpoint \(cp), NAT \(nat), main \(main) of \(blockCount) blocks", at: 0x4c)
            }
            guard segmentsNAT >= 2, segmentsNAT % 2 == 0,
                  UInt64(nat) + UInt64(segmentsNAT) << UInt64(logPerSeg) <= UInt64(main) else {
                throw r.error("NAT of \(segmentsNAT) segments at \(nat) does not fit before the main area at \(main)", at: 0x3c)
            }
            guard payload <= 1 << 10 else { throw r.error("checkpoint payload \(payload) blocks is implausible", at: 0x680) }
            return sb
        }
    }

    /// `f2fs_cal_crc32` (f2fs-tools `lib/libf2fs.c`): CRC-32 (reflected 0xEDB88320) seeded with the
    /// f2fs magic and without final inversion, as checkpoints store it.
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc = F2FS.magic
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc >> 1) ^ (crc & 1 != 0 ? 0xedb8_8320 : 0) }
        }
        return crc
    }

    /// Tests bit `n` of an f2fs bitmap, most significant bit first in each byte (`f2fs_test_bit`).
    static func testBit(_ bitmap: [UInt8], _ n: Int) -> Bool {
        guard n >= 0, n / 8 < bitmap.count else { return false }
        return bitmap[n / 8] & (0x80 >> UInt8(n % 8)) != 0
    }
}
