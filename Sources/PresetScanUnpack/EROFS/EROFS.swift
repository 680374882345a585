import PresetScanCore

/// Namespace for the EROFS on-disk format (kernel `fs/erofs/erofs_fs.h`).
public enum EROFS {
    /// `struct erofs_super_block` at byte 1024 (`erofs_fs.h`): 128 bytes plus `sb_extslots` × 16.
    public struct Superblock: Sendable, Equatable {
        public static let offset: UInt64 = 1024
        public static let size = 128
        public static let magic: UInt32 = 0xe0f5_e1e2

        public static let incompatZeroPadding: UInt32 = 0x1
        /// Shares its bit with BIG_PCLUSTER: per-algorithm configuration records follow the superblock.
        public static let incompatComprCfgs: UInt32 = 0x2
        public static let incompatBigPcluster: UInt32 = 0x2
        public static let incompatChunkedFile: UInt32 = 0x4
        /// Shares its bit with COMPR_HEAD2; a device table is only used when `extra_devices` > 0.
        public static let incompatDeviceTable: UInt32 = 0x8
        public static let incompatZtailpacking: UInt32 = 0x10
        /// Shares its bit with DEDUPE.
        public static let incompatFragments: UInt32 = 0x20
        public static let incompatXattrPrefixes: UInt32 = 0x40
        /// Every incompatible feature this reader understands; any other bit is refused.
        public static let supportedIncompat: UInt32 = 0x7f

        public var checksum: UInt32
        public var featureCompat: UInt32
        public var blockSizeBits: UInt8
        public var extSlots: UInt8
        public var rootNid: UInt16
        public var blocks: UInt32
        public var metaBlockAddress: UInt32
        public var featureIncompat: UInt32
        /// `available_compr_algs` with COMPR_CFGS, otherwise `lz4_max_distance`.
        public var compressionField: UInt16
        public var extraDevices: UInt16
        public var directoryBlockBits: UInt8
        public var packedNid: UInt64

        public static func parse(_ r: inout ByteReader) throws -> Superblock {
            guard try r.u32le() == magic else { throw r.error("bad magic (not EROFS)", at: r.position - 4) }
            let checksum = try r.u32le()
            let compat = try r.u32le()
            let blkszbits = try r.u8()
            let extSlots = try r.u8()
            let root = try r.u16le()
            try r.seek(to: 36)
            let blocks = try r.u32le()
            let meta = try r.u32le()
            try r.seek(to: 80)
            let incompat = try r.u32le()
            let compression = try r.u16le()
            let extraDevices = try r.u16le()
            _ = try r.u16le()
            let dirblkbits = try r.u8()
            try r.seek(to: 96)
            let packed = try r.u64le()
            // The kernel takes 512 B … page size; 64 KiB pages are the largest in use.
            guard (9...16).contains(blkszbits) else { throw r.error("block size 2^\(blkszbits) is out of range", at: 12) }
            guard dirblkbits == 0 else { throw r.error("directory block bits \(dirblkbits) are not supported", at: 90) }
            return Superblock(checksum: checksum, featureCompat: compat, blockSizeBits: blkszbits, extSlots: extSlots,
                              rootNid: root, blocks: blocks, metaBlockAddress: meta, featureIncompat: incompat,
                              compressionField: compression, extraDevices: extraDevices, directoryBlockBits: dirblkbits,
                              packedNid: packed)
        }

        public var blockSize: UInt64 { 1 << UInt64(blockSizeBits) }
        public func has(_ feature: UInt32) -> Bool { featureIncompat & feature != 0 }
        /// Bytes of the superblock including its extension slots.
        public var totalSize: Int { Self.size + Int(extSlots) * 16 }

        /// Names of the set incompatible bits this reader does not know.
        public var unknownIncompatNames: [String] {
            let unknown = featureIncompat & ~Self.supportedIncompat
            let names: [UInt32: String] = [0x80: "48bit", 0x100: "metabox"]
            return (0..<32).compactMap { bit -> String? in
                let mask = UInt32(1) << UInt32(bit)
                guard unknown & mask != 0 else { return nil }
                return names[mask].map { "\($0) (0x\(String(mask, radix: 16)))" } ?? "0x\(String(mask, radix: 16))"
            }
        }
    }

    /// Compression algorithms of `h_algorithmtype` (`erofs_fs.h` `Z_EROFS_COMPRESSION_*`).
    public enum Algorithm: UInt8, Sendable {
        case lz4 = 0, lzma = 1, deflate = 2, zstd = 3

        var name: String {
            switch self {
            case .lz4: "lz4"
            case .lzma: "MicroLZMA"
            case .deflate: "DEFLATE"
            case .zstd: "zstd"
            }
        }
    }

    /// The per-algorithm records after the superblock (`z_erofs_lz4_cfgs`, `z_erofs_lzma_cfgs`, …).
    public struct CompressionConfigs: Sendable, Equatable {
        /// Bit `n` set: algorithm `n` is used in the image.
        public var available: UInt16 = 1
        public var lz4MaxPclusterBlocks: UInt16 = 0
        public var lzmaDictionarySize: UInt32 = 0
        public var deflateWindowBits: UInt8 = 15
    }

    /// Kernel bounds (`Z_EROFS_PCLUSTER_MAX_SIZE`, `Z_EROFS_PCLUSTER_MAX_DSIZE`, `Z_EROFS_LZMA_MAX_DICT_SIZE`).
    static let maxPclusterBytes: UInt64 = 1 << 20
    static let maxExtentBytes: UInt64 = 12 << 20
    static let maxLZMADictionary: UInt32 = 8 << 20
}
