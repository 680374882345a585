import PresetScanCore

/// Namespace for Android sparse images (AOSP `system/core/libsparse/sparse_format.h`, v1.0).
public enum Sparse {
    /// `sparse_header_t` (sparse_format.h): 28 bytes, little-endian, magic 0xed26ff3a.
    public struct Header: Sendable, Equatable {
        public static let magic: UInt32 = 0xed26_ff3a
        public static let size = 28

        public var majorVersion: UInt16
        public var minorVersion: UInt16
        public var fileHeaderSize: UInt16
        public var chunkHeaderSize: UInt16
        public var blockSize: UInt32
        public var totalBlocks: UInt32
        public var totalChunks: UInt32
        public var imageChecksum: UInt32

        /// Parses and validates the header at offset 0.
        public static func parse(_ r: inout ByteReader) throws -> Header {
            guard try r.u32le() == magic else { throw r.error("bad magic", at: r.position - 4) }
            let h = Header(
                majorVersion: try r.u16le(), minorVersion: try r.u16le(), fileHeaderSize: try r.u16le(),
                chunkHeaderSize: try r.u16le(), blockSize: try r.u32le(), totalBlocks: try r.u32le(),
                totalChunks: try r.u32le(), imageChecksum: try r.u32le())
            guard h.majorVersion == 1 else { throw r.error("unsupported major version \(h.majorVersion)", at: 4) }
            guard h.fileHeaderSize >= UInt16(size) else { throw r.error("file header size \(h.fileHeaderSize) < 28", at: 8) }
            guard h.chunkHeaderSize >= UInt16(ChunkHeader.size) else {
                throw r.error("chunk header size \(h.chunkHeaderSize) < 12", at: 10)
            }
            guard h.blockSize >= 4, h.blockSize % 4 == 0 else { throw r.error("block size \(h.blockSize) is not a multiple of 4", at: 12) }
            return h
        }

        /// Size of the expanded image in bytes.
        public var expandedSize: UInt64 { UInt64(blockSize) * UInt64(totalBlocks) }
    }

    /// `chunk_header_t` (sparse_format.h): 12 bytes.
    public struct ChunkHeader: Sendable, Equatable {
        public static let size = 12
        public static let raw: UInt16 = 0xcac1
        public static let fill: UInt16 = 0xcac2
        public static let dontCare: UInt16 = 0xcac3
        public static let crc32: UInt16 = 0xcac4

        public var type: UInt16
        /// Output size in blocks.
        public var chunkBlocks: UInt32
        /// Input size in bytes, chunk header included.
        public var totalSize: UInt32

        public static func parse(_ r: inout ByteReader) throws -> ChunkHeader {
            let type = try r.u16le()
            try r.skip(2)
            return ChunkHeader(type: type, chunkBlocks: try r.u32le(), totalSize: try r.u32le())
        }
    }
}
