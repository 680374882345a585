import PresetScanCore

extension RK {
    /// `UPDATE_HEADER` (`rkafp.h` of afptool / rockchip-mkbootimg; offsets as `rkunpack.c` reads them):
    /// magic `RKAF`, length (the image less its 4-byte CRC trailer), model, id, manufacturer, version,
    /// the number of parts and the part table at 0x8C, 0x70 bytes a part.
    public struct UpdateHeader: Sendable, Equatable {
        public static let magic = Array("RKAF".utf8)
        public static let partsOffset = 0x8c
        /// afptool's table has 16 parts; newer packers raise it to 32 (A/B images).
        public static let maxParts = 32
        public var length: UInt32
        public var model: String
        public var id: String
        public var manufacturer: String
        public var version: UInt32
        public var partCount: UInt32

        public static func parse(_ r: inout ByteReader) throws -> UpdateHeader {
            guard try r.bytes(4) == magic else { throw r.error("bad RKAF magic", at: r.position - 4) }
            let length = try r.u32le()
            let model = RK.cString(try r.bytes(0x22))
            let id = RK.cString(try r.bytes(0x1e))
            let manufacturer = RK.cString(try r.bytes(0x38))
            try r.skip(4)  // unknown1
            return UpdateHeader(length: length, model: model, id: id, manufacturer: manufacturer,
                                version: try r.u32le(), partCount: try r.u32le())
        }
    }

    /// `UPDATE_PART` (`rkafp.h`): one line of `package-file` as packed — partition name, file name
    /// in the package, the flash partition's size and offset (sectors, from `parameter`), and where
    /// the file lies in the image: offset, padded size and real size (bytes).
    public struct UpdatePart: Sendable, Equatable {
        public static let size = 0x70
        public var name: String
        public var fileName: String
        public var nandSize: UInt32
        public var offset: UInt32
        public var nandOffset: UInt32
        public var paddedSize: UInt32
        public var size: UInt32

        /// `SELF` stands for the package itself, `RESERVED` for a partition with no file: no bytes.
        public var hasData: Bool { fileName != "SELF" && fileName != "RESERVED" && size > 0 }

        public static func parse(_ r: inout ByteReader) throws -> UpdatePart {
            UpdatePart(name: RK.cString(try r.bytes(32)), fileName: RK.cString(try r.bytes(60)), nandSize: try r.u32le(),
                       offset: try r.u32le(), nandOffset: try r.u32le(), paddedSize: try r.u32le(), size: try r.u32le())
        }
    }
}
