import PresetScanCore

extension Aml {
    /// `AmlFirmwareImg_t` (u-boot `amlImage_if.h`): 64 bytes — CRC, version (1 or 2), magic
    /// 0x27B51956 at byte 8, image size (u64), item alignment, item count, 36 reserved bytes.
    public struct ImageHeader: Sendable, Equatable {
        public static let magic: UInt32 = 0x27b5_1956
        public static let size = 64
        public var crc: UInt32
        public var version: UInt32
        public var imageSize: UInt64
        public var itemAlignSize: UInt32
        public var itemCount: UInt32

        /// Bytes of one item descriptor: 32-byte type names in v1, 256-byte ones in v2.
        public var itemInfoSize: Int { version == 1 ? ItemInfo.sizeV1 : ItemInfo.sizeV2 }

        public static func parse(_ r: inout ByteReader) throws -> ImageHeader {
            let crc = try r.u32le()
            let version = try r.u32le()
            guard try r.u32le() == magic else { throw r.error("bad Amlogic image magic", at: 8) }
            guard version == 1 || version == 2 else { throw r.error("unknown Amlogic image version \(version)", at: 4) }
            return ImageHeader(crc: crc, version: version, imageSize: try r.u64le(), itemAlignSize: try r.u32le(),
                               itemCount: try r.u32le())
        }
    }

    /// `ItemInfo_V1`/`ItemInfo_V2` (`amlImage_if.h`): id, file type, current offset (0 on disk), offset
    /// in the image, size, main type and sub type (`PARTITION`/`system`), verify flag, and whether
    /// the item reuses another's bytes (`isBackupItem`, `backupItemId`). 128 or 576 bytes.
    public struct ItemInfo: Sendable, Equatable {
        public static let sizeV1 = 128
        public static let sizeV2 = 576
        /// `fileType` values the packer writes.
        public static let normal: UInt32 = 0x000, sparse: UInt32 = 0x0fe, ubi: UInt32 = 0x1fe, ubifs: UInt32 = 0x2fe
        public var id: UInt32
        public var fileType: UInt32
        public var offset: UInt64
        public var size: UInt64
        public var mainType: String
        public var subType: String
        public var verify: UInt32
        public var isBackupItem: UInt16
        public var backupItemId: UInt16

        /// The name the unpackers give the item's file: `system.PARTITION`, `DDR.USB`, `meson1.dtb`.
        public var fileName: String { "\(subType).\(mainType)" }

        public static func parse(_ r: inout ByteReader, nameLength: Int) throws -> ItemInfo {
            let id = try r.u32le()
            let fileType = try r.u32le()
            try r.skip(8)  // curoffsetInItem
            let offset = try r.u64le()
            let size = try r.u64le()
            let main = Aml.cString(try r.bytes(nameLength))
            let sub = Aml.cString(try r.bytes(nameLength))
            let item = ItemInfo(id: id, fileType: fileType, offset: offset, size: size, mainType: main, subType: sub,
                                verify: try r.u32le(), isBackupItem: try r.u16le(), backupItemId: try r.u16le())
            try r.skip(24)
            return item
        }
    }
}
