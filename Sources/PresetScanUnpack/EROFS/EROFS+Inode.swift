import PresetScanCore

extension EROFS {
    /// How an inode's data is stored (`erofs_fs.h` `EROFS_INODE_*` datalayouts).
    public enum DataLayout: UInt8, Sendable {
        case flatPlain = 0
        case compressedFull = 1
        case flatInline = 2
        case compressedCompact = 3
        case chunkBased = 4

        var isCompressed: Bool { self == .compressedFull || self == .compressedCompact }
    }

    /// `struct erofs_inode_compact` (32 bytes) or `struct erofs_inode_extended` (64 bytes).
    public struct Inode: Sendable {
        public var nid: UInt64
        /// Absolute offset of the inode in the image.
        public var offset: UInt64
        public var isExtended: Bool
        public var layout: DataLayout
        public var mode: UInt16
        public var size: UInt64
        /// `i_u`: raw block address, compressed block count or chunk format, by layout.
        public var u: UInt32
        /// Bytes of inline xattrs after the inode (`erofs_xattr_ibody_size`).
        public var xattrSize: UInt64

        public var inodeSize: UInt64 { isExtended ? 64 : 32 }
        /// Where the data after the inode and its xattrs begins (inline tail, chunk table, map header).
        public var tailOffset: UInt64 { offset + inodeSize + xattrSize }
        public var isDirectory: Bool { mode & 0xf000 == 0x4000 }
        public var isRegular: Bool { mode & 0xf000 == 0x8000 }
        public var isSymlink: Bool { mode & 0xf000 == 0xa000 }

        /// Parses an inode from `r`, positioned at its start, holding at least 32 bytes (64 for extended ones).
        public static func parse(_ r: inout ByteReader, nid: UInt64, offset: UInt64) throws -> Inode {
            let format = try r.u16le()
            // Bits above the datalayout (e.g. the 48-bit layout's NLINK_1) belong to newer formats.
            guard format & ~0xf == 0 else { throw r.error("i_format 0x\(String(format, radix: 16)) has unknown bits", at: r.position - 2) }
            let extended = format & 1 != 0
            guard let layout = DataLayout(rawValue: UInt8(format >> 1 & 7)) else {
                throw r.error("unknown data layout \(format >> 1 & 7)", at: r.position - 2)
            }
            let xattrCount = try r.u16le()
            let mode = try r.u16le()
            let size: UInt64
            if extended {
                _ = try r.u16le()
                size = try r.u64le()
            } else {
                _ = try r.u16le()
                size = UInt64(try r.u32le())
                _ = try r.u32le()
            }
            let u = try r.u32le()
            let xattrSize: UInt64 = xattrCount == 0 ? 0 : 12 + 4 * (UInt64(xattrCount) - 1)
            // Keeps offset + size arithmetic on this inode far from overflow.
            guard size <= 1 << 52 else { throw r.error("file size \(size) is implausible", at: r.position - 12) }
            return Inode(nid: nid, offset: offset, isExtended: extended, layout: layout, mode: mode, size: size, u: u,
                         xattrSize: xattrSize)
        }
    }

    /// `struct erofs_dirent` (12 bytes) and its name, from one directory block.
    public struct DirectoryEntry: Sendable, Equatable {
        public var nid: UInt64
        public var name: [UInt8]
        public var fileType: UInt8

        /// Parses one directory block: `nameoff` of the first dirent gives the dirent count, each
        /// name runs to the next one's `nameoff` (the last to the block end or its first NUL).
        static func parseBlock(_ bytes: [UInt8], base: UInt64) throws -> [DirectoryEntry] {
            var r = ByteReader(bytes, base: base, structure: "EROFS directory block")
            guard bytes.count >= 12 else { throw r.error("block of \(bytes.count) bytes holds no dirent") }
            try r.seek(to: 8)
            let firstNameOffset = Int(try r.u16le())
            guard firstNameOffset >= 12, firstNameOffset % 12 == 0, firstNameOffset <= bytes.count else {
                throw r.error("first name offset \(firstNameOffset) is invalid", at: 8)
            }
            let count = firstNameOffset / 12
            try r.seek(to: 0)
            var raw: [(nid: UInt64, nameOffset: Int, type: UInt8)] = []
            raw.reserveCapacity(count)
            for _ in 0..<count {
                let nid = try r.u64le()
                let nameOffset = Int(try r.u16le())
                let type = try r.u8()
                _ = try r.u8()
                raw.append((nid, nameOffset, type))
            }
            var out: [DirectoryEntry] = []
            out.reserveCapacity(count)
            for (i, d) in raw.enumerated() {
                let end: Int
                if i + 1 < count {
                    end = raw[i + 1].nameOffset
                } else {
                    end = bytes[min(d.nameOffset, bytes.count)...].firstIndex(of: 0) ?? bytes.count
                }
                guard d.nameOffset >= firstNameOffset, d.nameOffset < end, end <= bytes.count, end - d.nameOffset <= 255 else {
                    throw r.error("dirent \(i): name \(d.nameOffset)..<\(end) is invalid", at: i * 12 + 8)
                }
                out.append(DirectoryEntry(nid: d.nid, name: Array(bytes[d.nameOffset..<end]), fileType: d.type))
            }
            return out
        }
    }
}
