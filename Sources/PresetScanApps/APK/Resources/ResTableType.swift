import PresetScanCore

/// ResTable_entry (ResourceTypes.h): one resource's key and, for a simple entry, its Res_value.
struct ResTableEntry: Sendable, Equatable {
    static let flagComplex: UInt16 = 0x0001
    static let flagPublic: UInt16 = 0x0002
    static let flagWeak: UInt16 = 0x0004
    /// Android 14: key in the size field, data type in the high flag byte, data in the next 32 bits.
    static let flagCompact: UInt16 = 0x0008

    var flags: UInt16
    /// Index into the package's key string pool.
    var key: UInt32
    /// `nil` for a complex (map) entry: bags, plurals and arrays are never a single string.
    var value: ResValueData?

    init(_ reader: inout ByteReader) throws {
        let entryStart = reader.relativePosition
        let sizeOrKey = try reader.u16le()
        flags = try reader.u16le()
        if flags & Self.flagCompact != 0 {
            key = UInt32(sizeOrKey)
            let data = try reader.u32le()
            value = flags & Self.flagComplex != 0 ? nil : ResValueData(dataType: UInt8(flags >> 8), data: data)
            return
        }
        key = try reader.u32le()
        guard flags & Self.flagComplex == 0 else {
            value = nil
            return
        }
        // Res_value follows the entry header, whose size the entry states itself.
        guard sizeOrKey >= 8 else { throw reader.error("entry size \(sizeOrKey) is smaller than ResTable_entry") }
        try reader.seek(to: entryStart + Int(sizeOrKey))
        value = try ResValueData(&reader)
    }
}

/// ResTable_type (ResourceTypes.h): the entries of one type (string, drawable ...) for one configuration.
///
/// Only the header is read when the table is indexed; entries are decoded when a lookup asks.
struct ResTableType: Sendable {
    static let fixedHeaderByteCount = 20
    /// ResTable_type::FLAG_SPARSE: entries are (index, offset/4) pairs sorted by index.
    static let flagSparse: UInt8 = 0x01
    /// ResTable_type::FLAG_OFFSET16: offsets are 16-bit, in units of 4 bytes.
    static let flagOffset16: UInt8 = 0x02
    static let noEntry32: UInt32 = 0xFFFF_FFFF
    static let noEntry16: UInt16 = 0xFFFF

    let id: UInt8
    let flags: UInt8
    /// Entries (or sparse pairs) whose offsets lie inside the chunk.
    let entryCount: Int
    let config: ResTableConfig
    private let chunk: ByteReader
    private let offsetsStart: Int
    private let entriesStart: Int

    var isSparse: Bool { flags & Self.flagSparse != 0 }
    private var offsetWidth: Int { !isSparse && flags & Self.flagOffset16 != 0 ? 2 : 4 }

    init(chunk: ResChunk, warnings: inout [Diagnostic]) throws {
        var reader = chunk.reader
        reader.structure = "ResTable_type"
        _ = try ResChunkHeader(&reader)
        id = try reader.u8()
        flags = try reader.u8()
        _ = try reader.u16le()
        let declaredCount = try reader.u32le()
        let declaredEntriesStart = try reader.u32le()
        let headerSize = chunk.headerSize
        let size = chunk.size
        guard headerSize >= Self.fixedHeaderByteCount + 4, headerSize <= size else {
            throw reader.error("header size \(headerSize) does not fit the \(size)-byte chunk", at: chunk.reader.start)
        }
        guard id != 0 else { throw reader.error("type id 0 is invalid", at: chunk.reader.start + 8) }
        config = try ResTableConfig(
            chunk.reader.sub(
                at: Self.fixedHeaderByteCount, length: headerSize - Self.fixedHeaderByteCount,
                structure: "ResTable_config"))
        if Int(config.declaredSize) > headerSize - Self.fixedHeaderByteCount {
            warnings.append(
                Diagnostic(
                    .warning, "arsc.bad-type",
                    "type chunk at offset \(chunk.reader.absoluteOffset): config size \(config.declaredSize) exceeds its header"
                ))
        }

        let width = !(flags & Self.flagSparse != 0) && flags & Self.flagOffset16 != 0 ? 2 : 4
        let fits = (size - headerSize) / width
        var count = Int(declaredCount)
        if count > fits {
            warnings.append(
                Diagnostic(
                    .warning, "arsc.bad-type",
                    "type chunk at offset \(chunk.reader.absoluteOffset) declares \(declaredCount) entries; only \(fits) offsets fit"
                ))
            count = fits
        }
        guard Int(declaredEntriesStart) <= size else {
            throw reader.error(
                "entries start \(declaredEntriesStart) is past the \(size)-byte chunk", at: chunk.reader.start + 16)
        }
        entryCount = count
        entriesStart = Int(declaredEntriesStart)
        offsetsStart = headerSize
        self.chunk = chunk.reader
    }

    /// Offset of entry `index` from `entriesStart`, or nil when this config has no such entry.
    func entryOffset(_ index: Int) throws -> Int? {
        var reader = chunk
        reader.structure = "ResTable_type offsets"
        if isSparse {
            // ResTable_sparseTypeEntry pairs are sorted by index: binary search.
            var low = 0
            var high = entryCount - 1
            while low <= high {
                let middle = (low + high) / 2
                try reader.seek(to: offsetsStart + middle * 4)
                let entryIndex = Int(try reader.u16le())
                let offset = Int(try reader.u16le())
                if entryIndex == index { return offset * 4 }
                if entryIndex < index { low = middle + 1 } else { high = middle - 1 }
            }
            return nil
        }
        guard index >= 0, index < entryCount else { return nil }
        try reader.seek(to: offsetsStart + index * offsetWidth)
        if offsetWidth == 2 {
            let offset = try reader.u16le()
            return offset == Self.noEntry16 ? nil : Int(offset) * 4
        }
        let offset = try reader.u32le()
        return offset == Self.noEntry32 ? nil : Int(offset)
    }

    /// The entry at `index`, nil when absent; throws when its bytes are out of the chunk.
    func entry(_ index: Int) throws -> ResTableEntry? {
        guard let offset = try entryOffset(index) else { return nil }
        let start = entriesStart + offset
        guard start <= chunk.end - chunk.start else {
            throw chunk.error("entry \(index) at \(offset) is past the chunk", at: chunk.start + offsetsStart)
        }
        var reader = try chunk.sub(at: start, length: chunk.end - chunk.start - start, structure: "ResTable_entry")
        return try ResTableEntry(&reader)
    }
}
