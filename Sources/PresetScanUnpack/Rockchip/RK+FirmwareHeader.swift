import PresetScanCore

extension RK {
    /// `RKFW_HEADER` (`rkrom.h` of rockchip-mkbootimg / rockchip-tool; fields as `rkunpack.c` reads
    /// them): magic `RKFW`, header length, ROM version, build date, chip, then the loader's and the
    /// embedded RKAF image's offset and length. 0x66 bytes; an MD5 in hex may follow the image.
    public struct FirmwareHeader: Sendable, Equatable {
        public static let magic = Array("RKFW".utf8)
        /// Bytes the header fields need (up to the image length at 0x25).
        public static let minimumSize = 0x29
        public var headerLength: UInt16
        /// `ROM_VERSION(a,b,c)`: major in the top byte, minor next, revision in the low 16 bits.
        public var version: UInt32
        public var code: UInt32
        public var year: UInt16, month: UInt8, day: UInt8, hour: UInt8, minute: UInt8, second: UInt8
        public var chip: UInt32
        public var loaderOffset: UInt32
        public var loaderLength: UInt32
        public var imageOffset: UInt32
        public var imageLength: UInt32

        /// `major.minor.revision`, as `rkunpack` prints it.
        public var versionString: String { "\(version >> 24).\((version >> 16) & 0xff).\(version & 0xffff)" }

        public static func parse(_ r: inout ByteReader) throws -> FirmwareHeader {
            guard try r.bytes(4) == magic else { throw r.error("bad RKFW magic", at: r.position - 4) }
            return FirmwareHeader(
                headerLength: try r.u16le(), version: try r.u32le(), code: try r.u32le(),
                year: try r.u16le(), month: try r.u8(), day: try r.u8(), hour: try r.u8(), minute: try r.u8(),
                second: try r.u8(), chip: try r.u32le(), loaderOffset: try r.u32le(), loaderLength: try r.u32le(),
                imageOffset: try r.u32le(), imageLength: try r.u32le())
        }
    }
}
