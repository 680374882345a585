import PresetScanCore

/// A/B OTA `payload.bin` (AOSP `system/update_engine/update_metadata.proto`, payload major version 2).
///
/// Layout: `CrAU`, u64 BE major version, u64 BE manifest size, u32 BE metadata signature size,
/// the `DeltaArchiveManifest` protobuf, the metadata signature, then the operations' data blobs.
public enum Payload {
    public static let magic = Array("CrAU".utf8)
    /// Largest manifest read into memory (real ones are a few MiB).
    static let maxManifestBytes: UInt64 = 64 << 20

    /// The fixed header (`delta_update_file` in update_metadata.proto).
    public struct Header: Sendable, Equatable {
        public static let size = 24
        public var majorVersion: UInt64
        public var manifestSize: UInt64
        public var metadataSignatureSize: UInt32

        /// Where the data blobs start: operations' `data_offset` counts from here.
        public var dataOffset: UInt64 { UInt64(Header.size) + manifestSize + UInt64(metadataSignatureSize) }

        public static func parse(_ r: inout ByteReader) throws -> Header {
            guard try r.bytes(4) == magic else { throw r.error("bad magic (not CrAU)", at: r.position - 4) }
            let major = try r.u64be()
            guard major == 2 else {
                throw r.error("payload major version \(major); only version 2 (Android 8 and later) is read", at: 4)
            }
            let manifestSize = try r.u64be()
            guard manifestSize <= maxManifestBytes else {
                throw r.error("manifest size \(manifestSize) exceeds \(maxManifestBytes) bytes", at: 12)
            }
            return Header(majorVersion: major, manifestSize: manifestSize, metadataSignatureSize: try r.u32be())
        }
    }

    /// `InstallOperation.Type`.
    public enum OperationType: UInt64, Sendable {
        case replace = 0, replaceBZ = 1, move = 2, bsdiff = 3, sourceCopy = 4, sourceBsdiff = 5
        case zero = 6, discard = 7, replaceXZ = 8, puffdiff = 9, brotliBsdiff = 10, zucchini = 11
        case lz4diffBsdiff = 12, lz4diffPuffdiff = 13, replaceZstd = 14

        /// Operations that write the target from the payload alone (a full payload uses only these).
        public var isFull: Bool {
            switch self {
            case .replace, .replaceBZ, .replaceXZ, .replaceZstd, .zero, .discard: true
            default: false
            }
        }

        /// The codec of a compressed replace.
        var codec: OTA.Codec? {
            switch self {
            case .replaceBZ: .bzip2
            case .replaceXZ: .xz
            case .replaceZstd: .zstd
            default: nil
            }
        }
    }

    /// `Extent`: `num_blocks` blocks from `start_block`.
    public struct Extent: Sendable, Equatable {
        public var startBlock: UInt64 = 0
        public var numBlocks: UInt64 = 0

        public init(startBlock: UInt64, numBlocks: UInt64) {
            self.startBlock = startBlock
            self.numBlocks = numBlocks
        }

        static func parse(_ r: inout ProtoReader) throws -> Extent {
            var e = Extent(startBlock: 0, numBlocks: 0)
            while let (field, wire) = try r.nextField() {
                switch field {
                case 1: e.startBlock = try r.varintField(wire, "Extent.start_block")
                case 2: e.numBlocks = try r.varintField(wire, "Extent.num_blocks")
                default: try r.skip(wire)
                }
            }
            return e
        }
    }

    /// `InstallOperation`.
    public struct InstallOperation: Sendable, Equatable {
        /// The raw `type`; `OperationType(rawValue:)` is nil for a type this reader does not know.
        public var type: UInt64 = 0
        public var dataOffset: UInt64 = 0
        public var dataLength: UInt64 = 0
        public var srcExtents: [Extent] = []
        public var dstExtents: [Extent] = []

        public init(type: UInt64, dataOffset: UInt64 = 0, dataLength: UInt64 = 0, srcExtents: [Extent] = [], dstExtents: [Extent] = []) {
            self.type = type
            self.dataOffset = dataOffset
            self.dataLength = dataLength
            self.srcExtents = srcExtents
            self.dstExtents = dstExtents
        }

        /// Writes the target without reading the source partition.
        public var isFull: Bool { (OperationType(rawValue: type)?.isFull ?? false) && srcExtents.isEmpty }

        static func parse(_ r: inout ProtoReader) throws -> InstallOperation {
            var op = InstallOperation(type: 0)
            var hasType = false
            while let (field, wire) = try r.nextField() {
                switch field {
                case 1: op.type = try r.varintField(wire, "InstallOperation.type"); hasType = true
                case 2: op.dataOffset = try r.varintField(wire, "InstallOperation.data_offset")
                case 3: op.dataLength = try r.varintField(wire, "InstallOperation.data_length")
                case 4:
                    try r.expectLength(wire, "InstallOperation.src_extents")
                    var m = try r.message("Extent")
                    op.srcExtents.append(try Extent.parse(&m))
                case 6:
                    try r.expectLength(wire, "InstallOperation.dst_extents")
                    var m = try r.message("Extent")
                    op.dstExtents.append(try Extent.parse(&m))
                default: try r.skip(wire)
                }
            }
            guard hasType else { throw r.error("InstallOperation without its required type") }
            return op
        }
    }

    /// `PartitionUpdate`: the fields needed to rebuild a partition.
    public struct PartitionUpdate: Sendable, Equatable {
        public var name: String = ""
        /// `old_partition_info.size`: present in delta payloads.
        public var oldSize: UInt64?
        /// `new_partition_info.size`.
        public var newSize: UInt64?
        public var operations: [InstallOperation] = []

        public init(name: String, oldSize: UInt64? = nil, newSize: UInt64? = nil, operations: [InstallOperation] = []) {
            self.name = name
            self.oldSize = oldSize
            self.newSize = newSize
            self.operations = operations
        }

        /// Every operation writes from the payload alone.
        public var isFull: Bool { operations.allSatisfy(\.isFull) }

        static func parse(_ r: inout ProtoReader) throws -> PartitionUpdate {
            var p = PartitionUpdate(name: "")
            func size(_ r: inout ProtoReader) throws -> UInt64? {
                var size: UInt64?
                while let (field, wire) = try r.nextField() {
                    if field == 1 { size = try r.varintField(wire, "PartitionInfo.size") } else { try r.skip(wire) }
                }
                return size
            }
            while let (field, wire) = try r.nextField() {
                switch field {
                case 1:
                    try r.expectLength(wire, "PartitionUpdate.partition_name")
                    p.name = try r.string()
                case 6:
                    try r.expectLength(wire, "PartitionUpdate.old_partition_info")
                    var m = try r.message("PartitionInfo")
                    p.oldSize = try size(&m)
                case 7:
                    try r.expectLength(wire, "PartitionUpdate.new_partition_info")
                    var m = try r.message("PartitionInfo")
                    p.newSize = try size(&m)
                case 8:
                    try r.expectLength(wire, "PartitionUpdate.operations")
                    var m = try r.message("InstallOperation")
                    p.operations.append(try InstallOperation.parse(&m))
                default: try r.skip(wire)
                }
            }
            return p
        }
    }

    /// `DeltaArchiveManifest`: block size, minor version (0 = full payload) and the partitions.
    public struct Manifest: Sendable, Equatable {
        public var blockSize: UInt32 = 4096
        public var minorVersion: UInt32 = 0
        public var partitions: [PartitionUpdate] = []

        public init(blockSize: UInt32 = 4096, minorVersion: UInt32 = 0, partitions: [PartitionUpdate] = []) {
            self.blockSize = blockSize
            self.minorVersion = minorVersion
            self.partitions = partitions
        }

        /// Parses the manifest; `base` is its offset in the payload, for errors.
        public static func parse(_ bytes: [UInt8], base: UInt64) throws -> Manifest {
            var r = ProtoReader(bytes, base: base, structure: "DeltaArchiveManifest")
            var m = Manifest()
            while let (field, wire) = try r.nextField() {
                switch field {
                case 3:
                    let v = try r.varintField(wire, "block_size")
                    guard v >= 512, v <= 1 << 20, v & (v - 1) == 0 else { throw r.error("block size \(v) is not a power of two in 512…1 MiB") }
                    m.blockSize = UInt32(v)
                case 12:
                    m.minorVersion = UInt32(truncatingIfNeeded: try r.varintField(wire, "minor_version"))
                case 13:
                    try r.expectLength(wire, "partitions")
                    var sub = try r.message("PartitionUpdate")
                    m.partitions.append(try PartitionUpdate.parse(&sub))
                default: try r.skip(wire)
                }
            }
            return m
        }
    }
}
