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
        init?(_ bytes: [UInt8], at offset: Int, end: Int) {
            guard offset >= 0, offset <= end, end - offset >= ResChunkHeader.byteCount,
                var reader = try? ByteReader(bytes, structure: "ResChunk_header").sub(at: offset, length: ResChunkHeader.byteCount),
                let header = try? ResChunkHeader(&reader)
            else { return nil }
            type = header.type
            headerSize = Int(header.headerSize)
            size = Int(header.size)
            guard headerSize >= ResChunkHeader.byteCount, headerSize <= size, size <= end - offset else { return nil }
        }
    }

    /// The byte ranges of `bytes` to search, in order, not overlapping.
    static func ranges(in bytes: [UInt8]) -> [Range<Int>] {
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
        _ bytes: [UInt8], from start: Int, to end: Int, insidePackage: Bool, skipping skipped: inout [Range<Int>]
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
