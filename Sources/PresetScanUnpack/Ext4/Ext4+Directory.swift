import PresetScanCore

extension Ext4 {
    /// `ext4_dir_entry_2` (ext4 docs "Linear (Classic) Directories").
    public struct DirectoryEntry: Sendable, Equatable {
        public var inode: UInt32
        public var name: [UInt8]
        public var fileType: UInt8

        /// Parses the entries of one directory block (or inline region). Hash-tree interior nodes
        /// look like empty entries (inode 0) to a linear reader, so htree dirs are read linearly.
        static func parseBlock(_ bytes: [UInt8], base: UInt64, blockSize: Int) throws -> [DirectoryEntry] {
            var r = ByteReader(bytes, base: base, structure: "ext4 directory entry")
            var out: [DirectoryEntry] = []
            while r.remaining >= 8 {
                let start = r.relativePosition
                let inode = try r.u32le()
                var recordLength = Int(try r.u16le())
                if recordLength == 0 || recordLength == 65535 { recordLength = min(blockSize, 65536) - start % blockSize }
                let nameLength = Int(try r.u8())
                let type = try r.u8()
                guard recordLength >= 8, recordLength % 4 == 0, recordLength <= bytes.count - start, nameLength + 8 <= recordLength else {
                    throw r.error("record length \(recordLength) (name \(nameLength)) is invalid", at: r.start + start)
                }
                let name = try r.bytes(nameLength)
                if inode != 0, nameLength > 0 { out.append(DirectoryEntry(inode: inode, name: name, fileType: type)) }
                try r.seek(to: start + recordLength)
            }
            return out
        }
    }

}
