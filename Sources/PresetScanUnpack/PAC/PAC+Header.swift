import PresetScanCore

extension PAC {
    /// The 2124-byte package header (`PacHeader` in pacextractor.h; BP_R1's `dwSize` is BP_R2's
    /// `dwLoSize`, and BP_R1's last two version characters, always NUL, are BP_R2's `dwHiSize`).
    public struct Header: Sendable {
        public static let size = 2124
        public static let knownVersions = ["BP_R1.0.0", "BP_R2.0.1"]

        /// `szVersion`, e.g. `BP_R2.0.1`.
        public var version: String
        /// `dwHiSize << 32 | dwLoSize`: the whole package's size as the header states it.
        public var packageSize: UInt64
        public var productName: String
        public var firmwareName: String
        /// `nFileCount`: file headers in the table.
        public var fileCount: UInt32
        /// `dwFileOffset`: where the table of 2580-byte file headers starts.
        public var fileTableOffset: UInt32
        public var magic: UInt32
        public var headerCRC: UInt16
        public var dataCRC: UInt16
        /// BP_R2 and later: 64-bit sizes and offsets in the file headers.
        public var wide: Bool { !version.hasPrefix("BP_R1") }

        public init(_ bytes: [UInt8]) throws {
            guard bytes.count >= Header.size else {
                throw ParseError("PAC header", at: 0, "needs \(Header.size) bytes, has \(bytes.count)")
            }
            version = PAC.utf16(bytes, at: 0, units: 22)
            packageSize = UInt64(ByteReader.u32le(bytes, 44)) << 32 | UInt64(ByteReader.u32le(bytes, 48))
            productName = PAC.utf16(bytes, at: 52, units: 256)
            firmwareName = PAC.utf16(bytes, at: 564, units: 256)
            fileCount = ByteReader.u32le(bytes, 1076)
            fileTableOffset = ByteReader.u32le(bytes, 1080)
            magic = ByteReader.u32le(bytes, 2116)
            headerCRC = ByteReader.u16le(bytes, 2120)
            dataCRC = ByteReader.u16le(bytes, 2122)
            if version.hasPrefix("BP_R1") { packageSize &= 0xffff_ffff }
        }
    }
}
