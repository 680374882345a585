import PresetScanCore
import PresetScanFiling
import PresetScanUnpack

extension FilingSearch {
    /// Searches a dex file's string data (MUTF-8 `string_data_item`s), or the whole file when its
    /// header cannot be read: a broken dex may still carry the text.
    mutating func searchDex(_ entry: Zip.Entry) throws {
        let bytes = try dexThroughStrings(entry)
        let range = DexStringData.range(in: bytes) ?? 0..<bytes.count
        let matches = bytes.withUnsafeBytes { buffer in
            FilingScanner.find(inBytes: UnsafeRawBufferPointer(rebasing: buffer[range]))
        }
        // MUTF-8 only: a UTF-16 reading of dex bytes is noise.
        for match in matches where match.encoding == .utf8 { add(match.number, source: entry.name) }
    }

    /// A dex entry's bytes, inflated whole: with libdeflate that is cheaper than zlib stopping
    /// at the end of the string data (which is most of the file anyway).
    private func dexThroughStrings(_ entry: Zip.Entry) throws -> [UInt8] {
        try archive.data(of: entry, maxBytes: limits.maxFilingSearchEntryBytes)
    }
}

/// Where a dex file (Dalvik executable format, `header_item` and `string_ids`) keeps its strings.
enum DexStringData {
    static let headerByteCount = 0x70
    static let stringIdsSizeOffset = 0x38

    /// The `string_ids` count and offset from the header, nil when this is not a dex header.
    static func stringIds(header bytes: [UInt8]) -> (count: Int, offset: Int)? {
        var reader = ByteReader(bytes, structure: "dex header_item")
        guard bytes.count >= headerByteCount, (try? reader.bytes(4)) == Array("dex\n".utf8),
            (try? reader.seek(to: stringIdsSizeOffset)) != nil,
            let count = try? reader.u32le(), let offset = try? reader.u32le()
        else { return nil }
        return (Int(count), Int(offset))
    }

    /// Where `string_ids` ends, the bytes needed to know where every string starts.
    static func stringIdsEnd(header: [UInt8]) -> Int? {
        guard let (count, offset) = stringIds(header: header), count > 0 else { return nil }
        let (length, overflow) = count.multipliedReportingOverflow(by: 4)
        guard !overflow, length <= Int.max - offset else { return nil }
        return offset + length
    }

    /// The first and last string data offsets, from `string_ids`.
    private static func stringDataStarts(in bytes: [UInt8]) -> (first: Int, last: Int)? {
        guard let (count, offset) = stringIds(header: bytes), count > 0,
            let idsEnd = stringIdsEnd(header: bytes), idsEnd <= bytes.count,
            var ids = try? ByteReader(bytes, structure: "dex string_ids").sub(at: offset, length: idsEnd - offset)
        else { return nil }
        var first = Int.max
        var last = -1
        for _ in 0..<count {
            guard let value = try? ids.u32le() else { return nil }
            first = min(first, Int(value))
            last = max(last, Int(value))
        }
        return (first, last)
    }

    /// From the first string's data to the end of the last one's; nil when this is not a dex
    /// whose string table can be read from `bytes`.
    static func range(in bytes: [UInt8]) -> Range<Int>? {
        guard let (first, last) = stringDataStarts(in: bytes), first <= last, last < bytes.count else { return nil }
        // The last string runs to its NUL terminator (MUTF-8 never has a NUL inside).
        let end = bytes[last...].firstIndex(of: 0).map { $0 + 1 } ?? bytes.count
        return first..<end
    }
}
