import PresetScanCore
import PresetScanFiling

/// Which bytes of a resources.arsc can hold text: everything but the well-formed `ResTable_type`
/// and `ResTable_typeSpec` chunks (ResourceTypes.h), whose entries are `Res_value`s and flag
/// words that refer to pool strings by index and carry no text of their own.
///
/// Those two chunk types are most of a table's bytes (60 % on the androguard corpus), so the
/// search reads every string pool (global, type and key names), package and library headers, and
/// any bytes the walk cannot account for, at a third of the cost of the whole file.
enum ResourceTextRanges {
    /// A chunk's header fields, checked against the bytes it claims to span.
    private struct Chunk {
        var type: UInt16
        var headerSize: Int
        var size: Int

        /// The chunk header at `offset`, nil unless it is well formed and ends by `end`.
        init?(_ bytes: UnsafeRawBufferPointer, at offset: Int, end: Int) {
            guard end <= bytes.count, offset >= 0, offset <= end, end - offset >= ResChunkHeader.byteCount else { return nil }
            // ResChunk_header: uint16 type, uint16 headerSize, uint32 size, little-endian.
            type = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            headerSize = Int(UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self)))
            size = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)))
            guard headerSize >= ResChunkHeader.byteCount, headerSize <= size, size <= end - offset else { return nil }
        }
    }

    /// The byte ranges of `bytes` to search, in order, not overlapping.
    static func ranges(in bytes: UnsafeRawBufferPointer) -> [Range<Int>] {
        var skipped: [Range<Int>] = []
        if let table = Chunk(bytes, at: 0, end: bytes.count), table.type == ResChunkType.table {
            walk(bytes, from: table.headerSize, to: table.size, insidePackage: false, skipping: &skipped)
        }
        var ranges: [Range<Int>] = []
        var position = 0
        for range in skipped {
            if range.lowerBound > position { ranges.append(position..<range.lowerBound) }
            position = range.upperBound
        }
        if position < bytes.count { ranges.append(position..<bytes.count) }
        return ranges
    }

    /// Notes the type and type-spec chunks between `start` and `end`, descending into packages
    /// once; the walk stops at the first malformed header, leaving the rest to be searched.
    private static func walk(
        _ bytes: UnsafeRawBufferPointer, from start: Int, to end: Int, insidePackage: Bool, skipping skipped: inout [Range<Int>]
    ) {
        var offset = start
        while let chunk = Chunk(bytes, at: offset, end: end) {
            if insidePackage, chunk.type == ResChunkType.tableType || chunk.type == ResChunkType.tableTypeSpec {
                skipped.append(offset..<offset + chunk.size)
            } else if !insidePackage, chunk.type == ResChunkType.tablePackage {
                walk(bytes, from: offset + chunk.headerSize, to: offset + chunk.size, insidePackage: true, skipping: &skipped)
            }
            offset += chunk.size
        }
    }
}
