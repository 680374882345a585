import PresetScanCore

/// Namespace for Android dynamic partition metadata (AOSP `system/core/fs_mgr/liblp/include/liblp/metadata_format.h`).
public enum LP {
    /// Bytes reserved before the geometry (`LP_PARTITION_RESERVED_BYTES`).
    public static let reservedBytes: UInt64 = 4096
    /// Size of one geometry copy on disk (`LP_METADATA_GEOMETRY_SIZE`).
    public static let geometrySize: UInt64 = 4096
    public static let sectorSize: UInt64 = 512

    /// `LpMetadataGeometry` (metadata_format.h): magic 0x616c4467 at byte 4096, backup at 8192.
    public struct Geometry: Sendable, Equatable {
        public static let magic: UInt32 = 0x616c_4467
        public var structSize: UInt32
        public var metadataMaxSize: UInt32
        public var metadataSlotCount: UInt32
        public var logicalBlockSize: UInt32

        public static func parse(_ r: inout ByteReader) throws -> Geometry {
            guard try r.u32le() == magic else { throw r.error("bad geometry magic", at: r.position - 4) }
            let structSize = try r.u32le()
            try r.skip(32)  // SHA-256 checksum
            let g = Geometry(structSize: structSize, metadataMaxSize: try r.u32le(), metadataSlotCount: try r.u32le(),
                             logicalBlockSize: try r.u32le())
            guard g.structSize >= 52 else { throw r.error("geometry struct size \(g.structSize) < 52", at: r.start + 4) }
            guard g.metadataMaxSize > 0, g.metadataMaxSize % UInt32(sectorSize) == 0, g.metadataMaxSize <= 1 << 24 else {
                throw r.error("metadata max size \(g.metadataMaxSize) is invalid", at: r.start + 40)
            }
            guard g.metadataSlotCount >= 1, g.metadataSlotCount <= 16 else {
                throw r.error("metadata slot count \(g.metadataSlotCount) is invalid", at: r.start + 44)
            }
            return g
        }
    }

    /// `LpMetadataTableDescriptor`: offset (from the end of the header), count and entry size of one table.
    public struct TableDescriptor: Sendable, Equatable {
        public var offset: UInt32
        public var entries: UInt32
        public var entrySize: UInt32

        static func parse(_ r: inout ByteReader) throws -> TableDescriptor {
            TableDescriptor(offset: try r.u32le(), entries: try r.u32le(), entrySize: try r.u32le())
        }
    }

    /// `LpMetadataHeader` (metadata_format.h), versions 10.0–10.2; magic 0x414c5030.
    public struct Header: Sendable, Equatable {
        public static let magic: UInt32 = 0x414c_5030
        public var majorVersion: UInt16
        public var minorVersion: UInt16
        public var headerSize: UInt32
        public var tablesSize: UInt32
        public var partitions: TableDescriptor
        public var extents: TableDescriptor
        public var groups: TableDescriptor
        public var blockDevices: TableDescriptor

        public static func parse(_ r: inout ByteReader) throws -> Header {
            guard try r.u32le() == magic else { throw r.error("bad metadata header magic", at: r.position - 4) }
            let major = try r.u16le()
            let minor = try r.u16le()
            guard major == 10, minor <= 2 else { throw r.error("unsupported metadata version \(major).\(minor)", at: r.start + 4) }
            let headerSize = try r.u32le()
            let expected: UInt32 = minor >= 2 ? 256 : 128
            guard headerSize == expected else {
                throw r.error("header size \(headerSize), version 10.\(minor) needs \(expected)", at: r.start + 8)
            }
            try r.skip(32)
            let tablesSize = try r.u32le()
            try r.skip(32)
            return Header(majorVersion: major, minorVersion: minor, headerSize: headerSize, tablesSize: tablesSize,
                          partitions: try .parse(&r), extents: try .parse(&r), groups: try .parse(&r),
                          blockDevices: try .parse(&r))
        }
    }

    /// `LpMetadataPartition`: 52 bytes.
    public struct Partition: Sendable, Equatable {
        public static let size: UInt32 = 52
        public var name: String
        public var attributes: UInt32
        public var firstExtentIndex: UInt32
        public var extentCount: UInt32
        public var groupIndex: UInt32

        static func parse(_ r: inout ByteReader) throws -> Partition {
            Partition(name: cString(try r.bytes(36)), attributes: try r.u32le(), firstExtentIndex: try r.u32le(),
                      extentCount: try r.u32le(), groupIndex: try r.u32le())
        }
    }

    /// `LpMetadataExtent`: 24 bytes; target LINEAR (0) or ZERO (1).
    public struct Extent: Sendable, Equatable {
        public static let size: UInt32 = 24
        public static let targetLinear: UInt32 = 0
        public static let targetZero: UInt32 = 1
        public var sectors: UInt64
        public var targetType: UInt32
        /// First physical sector for LINEAR.
        public var targetData: UInt64
        /// Index of the block device.
        public var targetSource: UInt32

        static func parse(_ r: inout ByteReader) throws -> Extent {
            Extent(sectors: try r.u64le(), targetType: try r.u32le(), targetData: try r.u64le(), targetSource: try r.u32le())
        }
    }

    static func cString(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
