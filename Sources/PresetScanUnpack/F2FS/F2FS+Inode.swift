import PresetScanCore

extension F2FS {
    /// `struct f2fs_inode` (kernel `f2fs_fs.h`): a node block whose address array starts after the
    /// extra attributes and ends before the inline xattrs.
    public struct Inode: Sendable {
        static let inlineXattr: UInt8 = 0x01
        static let inlineData: UInt8 = 0x02
        static let inlineDentry: UInt8 = 0x04
        static let extraAttr: UInt8 = 0x20
        /// `FADVISE_ENCRYPT_BIT` in `i_advise` (kernel `fs/f2fs/f2fs.h`).
        static let adviseEncrypt: UInt8 = 0x04
        /// `F2FS_COMPR_FL` in `i_flags`.
        static let flagCompressed: UInt32 = 0x04
        /// Offset of `i_addr` (`OFFSET_OF_END_OF_I_EXT`), `DEF_ADDRS_PER_INODE`, and `i_nid`.
        static let addressesOffset = 360
        static let defaultAddresses = 923
        static let nidsOffset = 4052
        /// `DEFAULT_INLINE_XATTR_ADDRS`.
        static let defaultInlineXattrAddresses = 50

        public var ino: UInt32
        public var mode: UInt16
        public var advise: UInt8
        public var inline: UInt8
        public var size: UInt64
        public var flags: UInt32
        /// `i_extra_isize / 4`: words of extra attributes before the addresses.
        public var extraWords: Int
        /// Words at the end of `i_addr` kept for inline xattrs.
        public var inlineXattrWords: Int
        public var compressAlgorithm: UInt8
        public var logClusterSize: UInt8
        /// The whole node block.
        public var block: [UInt8]

        public var isDirectory: Bool { mode & 0xf000 == 0x4000 }
        public var isRegular: Bool { mode & 0xf000 == 0x8000 }
        public var isSymlink: Bool { mode & 0xf000 == 0xa000 }
        public var isEncrypted: Bool { advise & Self.adviseEncrypt != 0 }
        public var isCompressed: Bool { flags & Self.flagCompressed != 0 }
        public var hasInlineData: Bool { inline & Self.inlineData != 0 }
        public var hasInlineDentry: Bool { inline & Self.inlineDentry != 0 }

        public static func parse(_ block: [UInt8], ino: UInt32, superblock: Superblock) throws -> Inode {
            var r = ByteReader(block, structure: "f2fs inode \(ino)")
            let mode = try r.u16le()
            let advise = try r.u8()
            let inline = try r.u8()
            try r.seek(to: 0x10)
            let size = try r.u64le()
            try r.seek(to: 0x50)
            let flags = try r.u32le()
            var extraWords = 0, xattrWords = 0
            var algorithm: UInt8 = 0, logCluster: UInt8 = 0
            if inline & extraAttr != 0 {
                try r.seek(to: addressesOffset)
                let extra = Int(try r.u16le())
                let xattrSize = Int(try r.u16le())
                guard extra % 4 == 0, extra >= 4, extra <= 200 else { throw r.error("i_extra_isize \(extra) is invalid", at: addressesOffset) }
                extraWords = extra / 4
                if superblock.has(Superblock.featureFlexibleInlineXattr) { xattrWords = xattrSize }
                // i_compress_algorithm and i_log_cluster_size sit at 32 and 33 of the extra area.
                if extra >= 36 {
                    try r.seek(to: addressesOffset + 32)
                    algorithm = try r.u8()
                    logCluster = try r.u8()
                }
            }
            // `do_read_inode` (kernel `fs/f2fs/inode.c`): without flexible inline xattrs, inline xattrs
            // and inline dentries keep the default 200 bytes.
            if !superblock.has(Superblock.featureFlexibleInlineXattr), inline & (inlineXattr | inlineDentry) != 0 {
                xattrWords = defaultInlineXattrAddresses
            }
            guard extraWords + xattrWords + 1 < defaultAddresses else {
                throw r.error("extra attributes (\(extraWords) words) and inline xattrs (\(xattrWords) words) leave no addresses")
            }
            return Inode(ino: ino, mode: mode, advise: advise, inline: inline, size: size, flags: flags, extraWords: extraWords,
                         inlineXattrWords: xattrWords, compressAlgorithm: algorithm, logClusterSize: logCluster, block: block)
        }

        /// Blocks in a compressed cluster (1 for a plain file).
        var clusterBlocks: Int { isCompressed ? 1 << Int(min(logClusterSize, 8)) : 1 }

        /// `addrs_per_page(inode, true)`: addresses in the inode, aligned down to clusters when compressed.
        var addressesInInode: Int {
            let n = Self.defaultAddresses - extraWords - inlineXattrWords
            return n - n % clusterBlocks
        }

        /// `addrs_per_page(inode, false)`: addresses in a direct node.
        var addressesPerBlock: Int { 1018 - 1018 % clusterBlocks }

        /// Address `i` of the inode's own array.
        func address(_ i: Int) -> UInt32 { ByteReader.u32le(block, Self.addressesOffset + 4 * (extraWords + i)) }

        /// `i_nid[i]`: two direct, two indirect, one double-indirect node.
        func nid(_ i: Int) -> UInt32 { ByteReader.u32le(block, Self.nidsOffset + 4 * i) }

        /// The inline data area (`inline_data_addr`, `MAX_INLINE_DATA`): after one reserved word.
        var inlineArea: ArraySlice<UInt8> {
            let start = Self.addressesOffset + 4 * (extraWords + 1)
            let words = Self.defaultAddresses - extraWords - inlineXattrWords - 1
            return block[start..<start + 4 * words]
        }
    }
}
