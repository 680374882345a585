import PresetScanCore

extension Ext4 {
    /// An inode (ext4 docs "Index Nodes"): mode, size, flags, `i_block` and in-inode xattrs.
    public struct Inode: Sendable {
        public static let flagEncrypt: UInt32 = 0x800
        public static let flagExtents: UInt32 = 0x80000
        public static let flagInlineData: UInt32 = 0x1000_0000

        public var number: UInt32
        public var mode: UInt16
        public var size: UInt64
        public var flags: UInt32
        /// The 60 bytes of `i_block`: extent root, block map or inline data.
        public var block: [UInt8]
        /// The `system.data` extended attribute value (inline data beyond 60 bytes), if any.
        public var inlineDataTail: [UInt8]
        /// Absolute offset of the inode in the filesystem, for messages.
        public var offset: UInt64

        public var isDirectory: Bool { mode & 0xf000 == 0x4000 }
        public var isRegular: Bool { mode & 0xf000 == 0x8000 }
        public var isSymlink: Bool { mode & 0xf000 == 0xa000 }
        public var usesExtents: Bool { flags & Self.flagExtents != 0 }
        public var hasInlineData: Bool { flags & Self.flagInlineData != 0 }

        public static func parse(_ r: inout ByteReader, number: UInt32, inodeSize: Int) throws -> Inode {
            let mode = try r.u16le()
            _ = try r.u16le()
            let sizeLo = try r.u32le()
            try r.seek(to: 0x20)
            let flags = try r.u32le()
            try r.seek(to: 0x28)
            let block = try r.bytes(60)
            try r.seek(to: 0x6c)
            let sizeHi = try r.u32le()
            var tail: [UInt8] = []
            if inodeSize > 128, flags & flagInlineData != 0 {
                try r.seek(to: 0x80)
                let extra = Int(try r.u16le())
                if 0x80 + extra + 4 <= inodeSize {
                    var x = try r.sub(at: 0x80 + extra, length: inodeSize - 0x80 - extra, structure: "ext4 in-inode extended attributes")
                    tail = try Self.systemData(&x) ?? []
                }
            }
            return Inode(number: number, mode: mode, size: UInt64(sizeHi) << 32 | UInt64(sizeLo), flags: flags,
                         block: block, inlineDataTail: tail, offset: r.base + UInt64(r.start))
        }

        /// Finds `system.data` (name index 7, name "data") in an in-inode xattr area (ext4 docs "Extended Attributes").
        static func systemData(_ r: inout ByteReader) throws -> [UInt8]? {
            guard try r.u32le() == 0xea02_0000 else { return nil }
            let entriesStart = r.relativePosition
            while r.remaining >= 16 {
                let nameLength = Int(try r.u8())
                let nameIndex = try r.u8()
                let valueOffset = Int(try r.u16le())
                let valueInode = try r.u32le()
                let valueSize = Int(try r.u32le())
                _ = try r.u32le()
                if nameLength == 0 && nameIndex == 0 && valueOffset == 0 && valueInode == 0 { return nil }
                let name = try r.bytes(nameLength)
                try r.skip(min(r.remaining, (4 - nameLength % 4) % 4))
                if nameIndex == 7, name == Array("data".utf8), valueInode == 0 {
                    let value = try r.sub(at: entriesStart + valueOffset, length: valueSize, structure: "ext4 system.data value")
                    return value.windowBytes
                }
            }
            return nil
        }
    }
}
