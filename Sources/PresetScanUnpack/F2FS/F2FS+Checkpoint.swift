import PresetScanCore

extension F2FS {
    /// `struct f2fs_checkpoint` (kernel `f2fs_fs.h`) of the valid pack, with what the reader needs from
    /// the pack: the NAT version bitmap and the NAT journal of the hot data summary.
    public struct Checkpoint: Sendable {
        static let flagUnmount: UInt32 = 0x1
        static let flagCompactSummary: UInt32 = 0x4
        static let flagLargeNATBitmap: UInt32 = 0x400
        /// `offsetof(struct f2fs_checkpoint, sit_nat_version_bitmap)` (`CP_MIN_CHKSUM_OFFSET`).
        static let bitmapOffset = 0xc0
        /// `NAT_JOURNAL_ENTRIES`: (`SUM_JOURNAL_SIZE` 507 − 2) / 13.
        static let natJournalEntries = 38
        /// Offset of the journal in a normal summary block: 512 `f2fs_summary` entries of 7 bytes.
        static let journalInNormalSummary = 512 * 7

        public var version: UInt64
        public var flags: UInt32
        /// Which pack (0 or 1) was chosen.
        public var pack: Int
        /// One bit per NAT block: set when the second copy of its segment is the current one.
        public var natBitmap: [UInt8]
        /// NAT entries newer than the NAT blocks: nid → (inode, block address).
        public var natJournal: [UInt32: (ino: UInt32, address: UInt32)]
    }

    /// Why one checkpoint pack is not valid.
    struct InvalidPack: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// Reads pack `index` (0 or 1) as the kernel's `validate_checkpoint` does: the first and last block
    /// of the pack carry the same version, each with a good CRC.
    static func readPack(_ index: Int, source: ByteSource, superblock sb: Superblock) throws -> Checkpoint {
        let start = UInt64(sb.checkpointAddress) + UInt64(index) * UInt64(sb.blocksPerSegment)
        func block(_ n: UInt64) throws -> [UInt8] {
            let at = (start + n) * UInt64(blockSize)
            guard at + UInt64(blockSize) <= source.size else { throw InvalidPack(reason: "block \(start + n) lies past the end of the image") }
            return try source.read(at: at, count: blockSize)
        }
        func validated(_ bytes: [UInt8], _ what: String) throws -> UInt64 {
            let crcOffset = Int(ByteReader.u32le(bytes, 0xa4))
            guard crcOffset >= Checkpoint.bitmapOffset, crcOffset <= blockSize - 4 else {
                throw InvalidPack(reason: "\(what): checksum offset \(crcOffset) is invalid")
            }
            let stored = ByteReader.u32le(bytes, crcOffset)
            let computed = crc32(bytes[0..<crcOffset])
            guard stored == computed else {
                throw InvalidPack(reason: "\(what): CRC 0x\(String(stored, radix: 16)) where the block gives 0x\(String(computed, radix: 16))")
            }
            return UInt64(ByteReader.u32le(bytes, 0)) | UInt64(ByteReader.u32le(bytes, 4)) << 32
        }
        let first = try block(0)
        let version = try validated(first, "first block")
        let total = ByteReader.u32le(first, 0x88)
        guard total >= 2, total <= sb.blocksPerSegment else { throw InvalidPack(reason: "pack of \(total) blocks is invalid") }
        let last = try block(UInt64(total) - 1)
        let lastVersion = try validated(last, "last block")
        guard lastVersion == version else {
            throw InvalidPack(reason: "first block version \(version), last block version \(lastVersion)")
        }
        let flags = ByteReader.u32le(first, 0x84)
        let sitBytes = Int(ByteReader.u32le(first, 0x9c))
        let natBytes = Int(ByteReader.u32le(first, 0xa0))
        // __bitmap_ptr(NAT_BITMAP) in the kernel's `f2fs.h`.
        let natAt: Int
        if flags & Checkpoint.flagLargeNATBitmap != 0 {
            natAt = Checkpoint.bitmapOffset + 4
        } else if sb.checkpointPayload > 0 {
            natAt = Checkpoint.bitmapOffset
        } else {
            natAt = Checkpoint.bitmapOffset + sitBytes
        }
        let natBlocks = Int(sb.segmentCountNAT / 2) << Int(sb.logBlocksPerSegment)
        guard sitBytes >= 0, natBytes >= (natBlocks + 7) / 8, natAt + natBytes <= blockSize - 4 else {
            throw InvalidPack(reason: "NAT bitmap of \(natBytes) bytes at \(natAt) does not fit the block (\(natBlocks) NAT blocks)")
        }
        let bitmap = Array(first[natAt..<natAt + natBytes])
        // The hot data summary opens the summaries (`read_compacted_summaries`, `read_normal_summaries`).
        let startSum = ByteReader.u32le(first, 0x8c)
        guard startSum >= 1, startSum < total - 1 else { throw InvalidPack(reason: "summary start \(startSum) is outside the pack") }
        let summary = try block(UInt64(startSum))
        let journalAt = flags & Checkpoint.flagCompactSummary != 0 ? 0 : Checkpoint.journalInNormalSummary
        let count = Int(ByteReader.u16le(summary, journalAt))
        guard count <= Checkpoint.natJournalEntries else { throw InvalidPack(reason: "NAT journal of \(count) entries (at most \(Checkpoint.natJournalEntries))") }
        var journal: [UInt32: (ino: UInt32, address: UInt32)] = [:]
        for i in 0..<count {
            let at = journalAt + 2 + i * 13
            journal[ByteReader.u32le(summary, at)] = (ByteReader.u32le(summary, at + 5), ByteReader.u32le(summary, at + 9))
        }
        return Checkpoint(version: version, flags: flags, pack: index, natBitmap: bitmap, natJournal: journal)
    }

    /// The valid pack of the two with the higher version (`f2fs_get_valid_checkpoint`), and why the
    /// other was refused, if it was.
    static func validCheckpoint(source: ByteSource, superblock: Superblock) throws -> (Checkpoint, refused: String?) {
        var packs: [Checkpoint] = []
        var reasons: [String] = []
        for index in 0..<2 {
            do { packs.append(try readPack(index, source: source, superblock: superblock)) } catch {
                reasons.append("pack \(index + 1): \(error)")
            }
        }
        guard let best = packs.max(by: { $0.version < $1.version }) else {
            throw ContainerError("f2fs.bad-checkpoint", "f2fs: no valid checkpoint (\(reasons.joined(separator: "; ")))")
        }
        return (best, reasons.isEmpty ? nil : reasons.joined(separator: "; "))
    }
}
