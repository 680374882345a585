import PresetScanCore

/// Formats presetscan recognises by their magic numbers but does not read (SPEC §6). Content of
/// these kinds may hold apps, so the walk reports it (PS009) with its location instead of passing
/// over it as data. A format that gains a reader moves from this table to `ContentDetector`.
public enum UnsupportedFormat {
    /// One signature: where the magic is and what the format is called in the report.
    struct Signature: Sendable {
        let name: String
        let offset: Int
        let magic: [UInt8]
        /// A further test on the head when the magic alone is weak (two bytes, or no magic at all).
        var also: (@Sendable ([UInt8]) -> Bool)? = nil
    }

    static func ascii(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Ordered: the first match names the format.
    static let signatures: [Signature] = [
        // Flash filesystems (Linux `ubi-media.h`, `ubifs-media.h`, `jffs2.h`, `cramfs_fs.h`, romfs).
        Signature(name: "UBI image", offset: 0, magic: ascii("UBI#")),
        Signature(name: "UBIFS", offset: 0, magic: [0x31, 0x18, 0x10, 0x06]),
        Signature(name: "JFFS2", offset: 0, magic: [0x85, 0x19], also: { jffs2NodeType($0, bigEndian: false) }),
        Signature(name: "JFFS2", offset: 0, magic: [0x19, 0x85], also: { jffs2NodeType($0, bigEndian: true) }),
        Signature(name: "cramfs", offset: 0, magic: [0x45, 0x3d, 0xcd, 0x28]),
        Signature(name: "cramfs", offset: 0, magic: [0x28, 0xcd, 0x3d, 0x45]),
        Signature(name: "romfs", offset: 0, magic: ascii("-rom1fs-")),
        // Disk filesystems and encrypted volumes.
        Signature(name: "XFS", offset: 0, magic: ascii("XFSB")),
        Signature(name: "btrfs", offset: 0x10040, magic: ascii("_BHRfS_M")),
        Signature(name: "exFAT", offset: 3, magic: ascii("EXFAT   ")),
        Signature(name: "NTFS", offset: 3, magic: ascii("NTFS    ")),
        Signature(name: "FAT", offset: 54, magic: ascii("FAT1"), also: bootSector),
        Signature(name: "FAT", offset: 82, magic: ascii("FAT32   "), also: bootSector),
        Signature(name: "LUKS encrypted volume", offset: 0, magic: [0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]),
        // Vendor firmware packages.
        // Not read yet: images of format version 3 and later encrypt the header and file table
        // (RC6 in the public imgrepacker/awimage descriptions, Twofish in some versions), and only
        // fixtures written from those descriptions, untested against PhoenixSuit output, could
        // prove a reader; until then PS009 by name.
        // Rockchip RKFP (newer packers): no public description of its layout to read it by.
        Signature(name: "Rockchip firmware (RKFP)", offset: 0, magic: ascii("RKFP")),
        Signature(name: "Allwinner image (IMAGEWTY)", offset: 0, magic: ascii("IMAGEWTY")),
        Signature(name: "OPPO encrypted package (ozip)", offset: 0, magic: ascii("OPPOENCRYPT!")),
        Signature(name: "YAFFS2", offset: 0, magic: [], also: yaffs2ObjectHeader),
    ]

    /// Vendor packages that are encrypted as a whole and carry no magic of their own.
    static let encryptedBySuffix: [(suffix: String, name: String)] = [
        (".ofp", "OPPO firmware (.ofp, encrypted)"),
        (".ops", "OnePlus firmware (.ops, encrypted)"),
    ]

    /// Bytes of the head the whole table needs (btrfs's magic lies at 64 KiB).
    static let farthest = signatures.map { $0.offset + $0.magic.count }.max() ?? 0

    /// The unsupported format `head` (the first bytes of some content) is, or nil.
    public static func name(head: [UInt8]) -> String? {
        signatures.first { ContentDetector.has($0.magic, at: $0.offset, in: head) && ($0.also?(head) ?? true) }?.name
    }

    /// The encrypted vendor package a file name names (`.ofp`, `.ops`), or nil.
    public static func name(fileName: String) -> String? {
        let lower = fileName.lowercased()
        return encryptedBySuffix.first { lower.hasSuffix($0.suffix) }?.name
    }

    // MARK: Weak magics


    /// A JFFS2 node: magic 0x1985, then a known node type (dirent, inode, clean marker, padding).
    private static func jffs2NodeType(_ head: [UInt8], bigEndian: Bool) -> Bool {
        guard head.count >= 4 else { return false }
        let type = bigEndian ? UInt16(head[2]) << 8 | UInt16(head[3]) : UInt16(head[3]) << 8 | UInt16(head[2])
        return [0xe001, 0xe002, 0x2003, 0x2004, 0xe008, 0xe009].contains(type)
    }

    /// A FAT boot sector: jump instruction and the 0x55AA signature at 510.
    private static func bootSector(_ head: [UInt8]) -> Bool {
        head.count >= 512 && (head[0] == 0xeb || head[0] == 0xe9) && head[510] == 0x55 && head[511] == 0xaa
    }

    /// A YAFFS2 image starts with the object header of the root's first child: type 1...5 (u32),
    /// parent object id 1 (the root), and the unused checksum field 0xFFFF (`yaffs_guts.h`).
    private static func yaffs2ObjectHeader(_ head: [UInt8]) -> Bool {
        guard head.count >= 12 else { return false }
        let type = ByteReader.u32le(head, 0)
        let parent = ByteReader.u32le(head, 4)
        return (1...5).contains(type) && parent == 1 && head[8] == 0xff && head[9] == 0xff
    }
}
