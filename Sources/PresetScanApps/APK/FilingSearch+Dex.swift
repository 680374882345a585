import PresetScanCore
import PresetScanFiling
import PresetScanUnpack

extension FilingSearch {
    /// Searches a dex file's string data (MUTF-8 `string_data_item`s), or the whole file when its
    /// header cannot be read: a broken dex may still carry the text.
    mutating func searchDex(_ entry: Zip.Entry) throws {
        var scan = try withDexBytes(entry) { bytes in
            let range = DexStringData.range(in: bytes) ?? 0..<bytes.count
            return FilingScanner.scan(inBytes: UnsafeRawBufferPointer(rebasing: bytes[range]))
        }
        // MUTF-8 only: a UTF-16 reading of dex bytes is noise.
        scan.matches.removeAll { $0.encoding != .utf8 }
        add(scan, source: entry.name)
    }

    /// Calls `body` with a dex entry's bytes, inflated whole.
    ///
    /// A deflated entry whose stream ends exactly at its declared size is inflated by libdeflate
    /// into a buffer kept for the next dex (`DexScratch`): the corpus's 28 MB of dex would
    /// otherwise be fresh pages, faulted in and zeroed for one pass. Anything else (stored,
    /// another method, over a limit, a damaged or lying stream) goes through
    /// `ZipArchive.data(of:)`, which bounds it and names the error, as before.
    private func withDexBytes<R>(_ entry: Zip.Entry, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let cap = min(limits.maxFilingSearchEntryBytes, limits.maxEntryBytes)
        let (ratioCap, overflow) = entry.compressedSize.multipliedReportingOverflow(by: limits.maxCompressionRatio)
        if entry.method == Zip.methodDeflate, entry.uncompressedSize > 0, entry.uncompressedSize <= UInt64(cap),
            overflow || entry.uncompressedSize <= max(ratioCap, 1 << 20),
            let (start, _) = try? archive.dataOffset(of: entry), start <= archive.source.size,
            entry.compressedSize <= archive.source.size - start, entry.compressedSize <= UInt64(cap),
            let compressed = try? archive.source.read(at: start, count: Int(entry.compressedSize))
        {
            let scratch = DexScratch.take(count: Int(entry.uncompressedSize))
            defer { DexScratch.give(scratch) }
            let output = UnsafeMutableRawBufferPointer(rebasing: scratch.buffer[0..<Int(entry.uncompressedSize)])
            if compressed.withUnsafeBytes({ Inflater.inflateWhole($0, into: output) }) {
                return try body(UnsafeRawBufferPointer(output))
            }
        }
        let bytes = try archive.data(of: entry, maxBytes: limits.maxFilingSearchEntryBytes)
        return try bytes.withUnsafeBytes(body)
    }
}

/// Buffers for inflated dex files, reused across entries and packages (one per thread at work).
final class DexScratch: @unchecked Sendable {
    /// Buffers larger than this are freed after use rather than kept: a few MiB per thread at
    /// most stay allocated (dex files are rarely over 10 MiB), however many threads run.
    static let maxKeptBytes = 16 << 20
    private static let pool = Locked<[DexScratch]>([])

    private(set) var buffer: UnsafeMutableRawBufferPointer

    private init(count: Int) {
        buffer = .allocate(byteCount: max(count, 1), alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// A buffer of at least `count` bytes: a kept one when there is one, grown if need be.
    static func take(count: Int) -> DexScratch {
        guard let scratch = pool.withLock({ $0.popLast() }) else { return DexScratch(count: count) }
        if scratch.buffer.count < count {
            scratch.buffer.deallocate()
            scratch.buffer = .allocate(byteCount: count, alignment: 16)
        }
        return scratch
    }

    static func give(_ scratch: DexScratch) {
        guard scratch.buffer.count <= maxKeptBytes else { return }
        pool.withLock { $0.append(scratch) }
    }
}

/// Where a dex file (Dalvik executable format, `header_item` and `string_ids`) keeps its strings.
enum DexStringData {
    static let headerByteCount = 0x70
    static let stringIdsSizeOffset = 0x38

    /// The `string_ids` count and offset from the header, nil when this is not a dex header.
    static func stringIds(header bytes: UnsafeRawBufferPointer) -> (count: Int, offset: Int)? {
        guard bytes.count >= headerByteCount, bytes.starts(with: "dex\n".utf8) else { return nil }
        return (Int(u32le(bytes, stringIdsSizeOffset)), Int(u32le(bytes, stringIdsSizeOffset + 4)))
    }

    /// A little-endian `uint` at `offset`, which the caller has checked lies inside `bytes`.
    private static func u32le(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// Where `string_ids` ends, the bytes needed to know where every string starts.
    static func stringIdsEnd(header: UnsafeRawBufferPointer) -> Int? {
        guard let (count, offset) = stringIds(header: header), count > 0 else { return nil }
        let (length, overflow) = count.multipliedReportingOverflow(by: 4)
        guard !overflow, length <= Int.max - offset else { return nil }
        return offset + length
    }

    /// The first and last string data offsets, from `string_ids`.
    private static func stringDataStarts(in bytes: UnsafeRawBufferPointer) -> (first: Int, last: Int)? {
        guard let (count, offset) = stringIds(header: bytes), count > 0,
            let idsEnd = stringIdsEnd(header: bytes), idsEnd <= bytes.count
        else { return nil }
        var first = Int.max
        var last = -1
        for index in 0..<count {
            let value = Int(u32le(bytes, offset + 4 * index))
            first = min(first, value)
            last = max(last, value)
        }
        return (first, last)
    }

    /// From the first string's data to the end of the last one's; nil when this is not a dex
    /// whose string table can be read from `bytes`.
    static func range(in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        guard let (first, last) = stringDataStarts(in: bytes), first <= last, last < bytes.count else { return nil }
        // The last string runs to its NUL terminator (MUTF-8 never has a NUL inside).
        let end = bytes[last...].firstIndex(of: 0).map { $0 + 1 } ?? bytes.count
        return first..<end
    }

    static func range(in bytes: [UInt8]) -> Range<Int>? {
        bytes.withUnsafeBytes { range(in: $0) }
    }
}
