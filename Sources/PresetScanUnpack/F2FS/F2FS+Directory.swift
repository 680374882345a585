import PresetScanCore

extension F2FS {
    /// `struct f2fs_dir_entry` (kernel `f2fs_fs.h`) with its name gathered from its 8-byte slots.
    public struct DirectoryEntry: Sendable, Equatable {
        public var ino: UInt32
        public var name: [UInt8]
        public var fileType: UInt8

        /// `SIZE_OF_DIR_ENTRY`, `F2FS_SLOT_LEN`, `NR_DENTRY_IN_BLOCK`, `SIZE_OF_DENTRY_BITMAP`, and the reserved bytes of a dentry block.
        static let entrySize = 11
        static let slotLength = 8
        static let entriesInBlock = 214
        static let blockBitmapSize = 27
        static let blockReserved = 3

        /// Entries of a `f2fs_dentry_block` (bitmap, reserved, dentries, names).
        static func parseBlock(_ block: [UInt8]) -> (entries: [DirectoryEntry], bad: Int) {
            let dentries = blockBitmapSize + blockReserved
            return parse(block[...], slots: entriesInBlock, bitmapAt: 0, dentriesAt: dentries,
                         namesAt: dentries + entriesInBlock * entrySize)
        }

        /// Entries of an inline dentry area (`f2fs_inline_dentry`: `NR_INLINE_DENTRY` slots sized from the area).
        static func parseInline(_ area: ArraySlice<UInt8>) -> (entries: [DirectoryEntry], bad: Int) {
            let slots = area.count * 8 / ((entrySize + slotLength) * 8 + 1)
            let bitmapSize = (slots + 7) / 8
            let reserved = area.count - ((entrySize + slotLength) * slots + bitmapSize)
            let base = area.startIndex
            let dentries = base + bitmapSize + reserved
            return parse(area, slots: slots, bitmapAt: base, dentriesAt: dentries, namesAt: dentries + slots * entrySize)
        }

        /// Walks the slot bitmap (`f2fs_fill_dentries`): a used slot opens an entry whose name takes
        /// `⌈len/8⌉` slots. Entries whose name runs past the slots are counted as bad and skipped.
        static func parse(_ b: ArraySlice<UInt8>, slots: Int, bitmapAt: Int, dentriesAt: Int, namesAt: Int) -> (entries: [DirectoryEntry], bad: Int) {
            var out: [DirectoryEntry] = []
            var bad = 0
            var slot = 0
            // Little-endian bit order (`test_bit_le`).
            func used(_ n: Int) -> Bool { b[bitmapAt + n / 8] & (1 << UInt8(n % 8)) != 0 }
            while slot < slots {
                guard used(slot) else { slot += 1; continue }
                let at = dentriesAt + slot * entrySize
                // hash_code (4 bytes), ino, name_len, file_type.
                let ino = UInt32(b[at + 4]) | UInt32(b[at + 5]) << 8 | UInt32(b[at + 6]) << 16 | UInt32(b[at + 7]) << 24
                let nameLength = Int(b[at + 8]) | Int(b[at + 9]) << 8
                let type = b[at + 10]
                let nameSlots = max(1, (nameLength + slotLength - 1) / slotLength)
                if nameLength == 0 || nameLength > 255 || slot + nameSlots > slots {
                    bad += 1
                    slot += 1
                    continue
                }
                let nameAt = namesAt + slot * slotLength
                out.append(DirectoryEntry(ino: ino, name: Array(b[nameAt..<nameAt + nameLength]), fileType: type))
                slot += nameSlots
            }
            return (out, bad)
        }
    }
}
