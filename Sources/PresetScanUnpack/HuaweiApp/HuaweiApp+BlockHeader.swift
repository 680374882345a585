import PresetScanCore

extension HuaweiApp {
    /// The fixed 98 bytes of a block header (HuaweiUpdateLibrary `FileHeader`); the CRC list
    /// follows it up to `headerLength`.
    public struct BlockHeader: Sendable {
        public static let size = 98

        public var magic: UInt32
        /// `HeaderSize`: fixed part plus CRC list.
        public var headerLength: UInt32
        public var hardwareID: String
        public var fileSequence: UInt32
        /// `FileSize`: bytes of data after the header.
        public var dataSize: UInt32
        public var date: String
        public var time: String
        /// `FileType`: the partition (`SYSTEM`, `SUPER`, `BOOT`…).
        public var partition: String
        public var headerChecksum: UInt16
        /// Bytes covered by one CRC of the list (4096 in the packages seen).
        public var blockSize: UInt16

        public init(_ bytes: [UInt8]) throws {
            guard bytes.count >= BlockHeader.size else {
                throw ParseError("UPDATE.APP block header", at: 0, "needs \(BlockHeader.size) bytes, has \(bytes.count)")
            }
            func text(_ at: Int, _ n: Int) -> String {
                let field = bytes[at..<at + n].prefix { $0 != 0 && $0 != 0xff }
                return String(decoding: field.map { $0 < 0x20 || $0 > 0x7e ? UInt8(ascii: "_") : $0 }, as: UTF8.self)
            }
            magic = ByteReader.u32le(bytes, 0)
            headerLength = ByteReader.u32le(bytes, 4)
            hardwareID = text(12, 8)
            fileSequence = ByteReader.u32le(bytes, 20)
            dataSize = ByteReader.u32le(bytes, 24)
            date = text(28, 16)
            time = text(44, 16)
            partition = text(60, 16)
            headerChecksum = ByteReader.u16le(bytes, 92)
            blockSize = ByteReader.u16le(bytes, 94)
        }

        /// splitupdate's file name: the partition lower-cased with `.img`.
        public var entryName: String { partition.isEmpty ? "" : partition.lowercased() + ".img" }
    }
}
