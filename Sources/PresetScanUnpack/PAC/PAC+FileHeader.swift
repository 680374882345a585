import PresetScanCore

extension PAC {
    /// One 2580-byte file header (`FILE_T` in BinPack.h; `PartitionHeader` in pacextractor.h: BP_R2
    /// keeps the high halves of size and offset where BP_R1 has the tail of `szFileVersion`).
    public struct FileHeader: Sendable {
        public static let size = 2580

        /// `dwSize`: the header's own length, 2580.
        public var length: UInt32
        /// `szFileID`: the partition or role (`FDL`, `NV`, `Super`…).
        public var fileID: String
        /// `szFileName`: the file's name as it was packed.
        public var fileName: String
        public var fileSize: UInt64
        /// `nFileFlag`: 0 for an operation that needs no file (`FLASH`, `ERASE…`).
        public var fileFlag: UInt32
        public var dataOffset: UInt64
        /// `dwCanOmitFlag`: the tools may skip flashing it; its data, if any, is still there.
        public var canOmit: UInt32

        public init(_ bytes: [UInt8], wide: Bool) throws {
            guard bytes.count >= FileHeader.size else {
                throw ParseError("PAC file header", at: 0, "needs \(FileHeader.size) bytes, has \(bytes.count)")
            }
            length = ByteReader.u32le(bytes, 0)
            fileID = PAC.utf16(bytes, at: 4, units: 256)
            fileName = PAC.utf16(bytes, at: 516, units: 256)
            let hiSize = wide ? UInt64(ByteReader.u32le(bytes, 1532)) : 0
            let hiOffset = wide ? UInt64(ByteReader.u32le(bytes, 1536)) : 0
            fileSize = hiSize << 32 | UInt64(ByteReader.u32le(bytes, 1540))
            fileFlag = ByteReader.u32le(bytes, 1544)
            dataOffset = hiOffset << 32 | UInt64(ByteReader.u32le(bytes, 1552))
            canOmit = ByteReader.u32le(bytes, 1556)
        }
    }
}
