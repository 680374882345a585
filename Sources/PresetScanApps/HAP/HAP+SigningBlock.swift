import PresetScanCore

extension HAP {
    /// The HAP signing block, right before the ZIP central directory (OpenHarmony security_appverify
    /// `hap_signing_block_utils`, developtools_hapsigner `SignHap.java`).
    ///
    /// Layout: the sub-block heads (`u32 type, u32 length, u32 offset` from the block's start), the
    /// sub-block values, then a 32-byte tail: `u32 block count, u64 size` (the whole block, tail
    /// included), a 16-byte magic and `u32 version`. Versions below 3 use the magic
    /// `"HAP Sig Block 42"`, version 3 and later `"<hap sign block>"`. All little-endian.
    ///
    /// Only the tail and the heads are read here; a sub-block's value is read on demand, bounded.
    public struct SigningBlock: Sendable {
        /// One sub-block head, its offset made absolute.
        public struct SubBlock: Sendable, Equatable {
            public var type: UInt32
            /// Absolute offset of the value in the package.
            public var offset: UInt64
            public var length: UInt32
        }

        /// Sub-block types (`HapBlobType`, `HapUtils`).
        public enum BlockType {
            public static let signature: UInt32 = 0x2000_0000
            public static let proofOfRotation: UInt32 = 0x2000_0001
            public static let profile: UInt32 = 0x2000_0002
            public static let property: UInt32 = 0x2000_0003
        }

        public static let tailLength: UInt64 = 32
        public static let magicV2: [UInt8] = Array("HAP Sig Block 42".utf8)
        public static let magicV3: [UInt8] = Array("<hap sign block>".utf8)
        /// `VERSION_FOR_NEW_MAGIC_NUM`.
        public static let firstVersionWithNewMagic: UInt32 = 3
        /// More sub-blocks than any signer writes (the verifier allows 10).
        public static let maxSubBlocks: UInt32 = 64
        /// The verifier's `MAX_HAP_SIGN_BLOCK_SIZE`.
        public static let maxSize: UInt64 = 1 << 30
        /// Largest sub-block value read into memory (a signature or profile is a few KiB).
        public static let maxValueBytes = 16 << 20

        /// Absolute start of the block.
        public let offset: UInt64
        public let version: UInt32
        public let subBlocks: [SubBlock]

        /// Finds the block ending at `centralDirectoryOffset`.
        ///
        /// Returns nil when no HAP magic sits right before the central directory (the package is
        /// unsigned). Throws `ParseError` when the magic is there but the block is malformed: a
        /// version that does not go with its magic, a size or count out of range, a head that
        /// points outside the block, or heads and values that do not add up to the block's size
        /// (the checks the device's verifier makes).
        public static func locate(in source: ByteSource, centralDirectoryOffset: UInt64) throws -> SigningBlock? {
            guard centralDirectoryOffset >= tailLength, centralDirectoryOffset <= source.size else { return nil }
            let tailOffset = centralDirectoryOffset - tailLength
            var tail = ByteReader(try source.read(at: tailOffset, count: Int(tailLength)), base: tailOffset, structure: "HAP signing block tail")
            let count = try tail.u32le()
            let size = try tail.u64le()
            let magic = try tail.bytes(16)
            let version = try tail.u32le()
            guard magic == magicV2 || magic == magicV3 else { return nil }
            let expected = version < firstVersionWithNewMagic ? magicV2 : magicV3
            guard magic == expected else {
                let text = String(decoding: magic, as: UTF8.self)
                throw ParseError("HAP signing block tail", at: tailOffset, "version \(version) does not go with the magic \"\(text)\"")
            }
            guard size >= tailLength, size <= maxSize else {
                throw ParseError("HAP signing block tail", at: tailOffset, "size \(size) is outside \(tailLength)...\(maxSize)")
            }
            guard size <= centralDirectoryOffset else {
                throw ParseError("HAP signing block tail", at: tailOffset, "size \(size) would start the block before offset 0")
            }
            guard count <= maxSubBlocks else {
                throw ParseError("HAP signing block tail", at: tailOffset, "\(count) sub-blocks, more than \(maxSubBlocks)")
            }
            let start = centralDirectoryOffset - size
            let arrayLength = size - tailLength
            let headsLength = UInt64(count) * 12
            guard headsLength <= arrayLength else {
                throw ParseError("HAP signing block", at: start, "\(count) sub-block heads do not fit in \(arrayLength) bytes")
            }
            var heads = ByteReader(try source.read(at: start, count: Int(headsLength)), base: start, structure: "HAP signing block sub-block head")
            var subBlocks: [SubBlock] = []
            var total = headsLength
            for index in 0..<Int(count) {
                let headAt = heads.absoluteOffset
                let type = try heads.u32le()
                let length = try heads.u32le()
                let relative = try heads.u32le()
                guard UInt64(relative) >= headsLength, UInt64(relative) + UInt64(length) <= arrayLength else {
                    throw ParseError(
                        "HAP signing block sub-block head", at: headAt,
                        "sub-block #\(index + 1) (type 0x\(String(type, radix: 16))) spans \(relative)+\(length), "
                            + "outside the \(arrayLength)-byte block")
                }
                total += UInt64(length)
                subBlocks.append(SubBlock(type: type, offset: start + UInt64(relative), length: length))
            }
            guard total == arrayLength else {
                throw ParseError("HAP signing block", at: start, "heads and values take \(total) bytes, the block \(arrayLength)")
            }
            return SigningBlock(offset: start, version: version, subBlocks: subBlocks)
        }

        /// The value of the first sub-block of `type`, nil when there is none.
        public func value(of type: UInt32, in source: ByteSource) throws -> [UInt8]? {
            guard let sub = subBlocks.first(where: { $0.type == type }) else { return nil }
            guard Int(sub.length) <= Self.maxValueBytes else {
                throw ParseError(
                    "HAP signing block", at: sub.offset, "sub-block 0x\(String(type, radix: 16)) is \(sub.length) bytes, over \(Self.maxValueBytes)")
            }
            return try source.read(at: sub.offset, count: Int(sub.length))
        }
    }
}
