import PresetScanCore

/// ResStringPool_header (ResourceTypes.h): the string pool of a compiled XML file or resource table.
///
/// Strings are decoded only when asked for. A pool with bogus counts or offsets keeps every string
/// that can still be read: one bad string is `nil`, never a failed pool (the platform is stricter,
/// but a scanner must see what a hostile file still carries).
struct ResStringPool: Sendable {
    static let headerByteCount = 28
    /// ResStringPool_header::UTF8_FLAG.
    static let utf8Flag: UInt32 = 0x100
    /// ResStringPool_ref value meaning "no string".
    static let noIndex: UInt32 = 0xFFFF_FFFF

    let isUTF8: Bool
    /// Strings whose offset can be read; may be fewer than the header declares.
    let count: Int
    let declaredCount: UInt32
    /// Problems with the pool itself (not with single strings).
    let warnings: [Diagnostic]

    private let chunk: ByteReader
    private let offsetsStart: Int
    private let stringsStart: Int
    private let stringsEnd: Int

    /// An empty pool, used when a document has none or it cannot be read.
    init() {
        isUTF8 = false
        count = 0
        declaredCount = 0
        warnings = []
        chunk = ByteReader([], structure: "ResStringPool")
        offsetsStart = 0
        stringsStart = 0
        stringsEnd = 0
    }

    /// Reads the pool header of `chunk` (the whole chunk, header included); throws only when the
    /// header itself cannot be read.
    init(chunk: ResChunk, codePrefix: String) throws {
        var reader = chunk.reader
        reader.structure = "ResStringPool_header"
        let size = chunk.size
        var warnings: [Diagnostic] = []
        func warn(_ message: String) {
            warnings.append(Diagnostic(.warning, "\(codePrefix).bad-string-pool", message))
        }

        let header = try ResChunkHeader(&reader)
        guard Int(header.headerSize) >= Self.headerByteCount else {
            throw reader.error(
                "header size \(header.headerSize) is smaller than \(Self.headerByteCount)", at: reader.start)
        }
        let declaredCount = try reader.u32le()
        let styleCount = try reader.u32le()
        let flags = try reader.u32le()
        let declaredStringsStart = try reader.u32le()
        let stylesStart = try reader.u32le()
        let headerSize = Int(header.headerSize)
        guard headerSize <= size else {
            throw reader.error("header size \(headerSize) exceeds the chunk's \(size) bytes", at: reader.start)
        }

        isUTF8 = flags & Self.utf8Flag != 0
        self.declaredCount = declaredCount
        offsetsStart = headerSize

        let fits = (size - headerSize) / 4
        var count = Int(clamping: declaredCount)
        if count > fits {
            warn(
                "string pool at offset \(chunk.reader.absoluteOffset) declares \(declaredCount) strings; only \(fits) offsets fit"
            )
            count = fits
        }

        var stringsStart = Int(declaredStringsStart)
        if count > 0, stringsStart > size {
            warn(
                "string data of the pool at offset \(chunk.reader.absoluteOffset) starts at \(stringsStart), past its \(size) bytes"
            )
            stringsStart = size
        }
        var stringsEnd = size
        if styleCount > 0, Int(stylesStart) > stringsStart, Int(stylesStart) <= size {
            stringsEnd = Int(stylesStart)
        }
        if stringsStart > stringsEnd { stringsStart = stringsEnd }

        self.count = count
        self.stringsStart = stringsStart
        self.stringsEnd = stringsEnd
        self.chunk = chunk.reader
        self.warnings = warnings
    }

    /// The string at `index`, or nil when the reference is "none" or the string cannot be read.
    func string(_ index: UInt32) -> String? {
        guard index != Self.noIndex else { return nil }
        return try? decode(index).text
    }

    /// The string at `index`; throws a `ParseError` naming the string when it cannot be read.
    /// `unterminated` is set when no NUL follows the text: the platform refuses such a string,
    /// but its characters are all there, so it is returned for the caller to flag.
    func decode(_ index: UInt32) throws -> (text: String, unterminated: Bool) {
        do {
            return try decodeUnnamed(index)
        } catch var error as ParseError {
            // Named only on failure: building the name for every string cost more than decoding it.
            error.structure = "ResStringPool string #\(index)"
            throw error
        }
    }

    private func decodeUnnamed(_ index: UInt32) throws -> (text: String, unterminated: Bool) {
        var reader = chunk
        guard index < UInt32(count) else {
            throw reader.error("index \(index) is outside the pool's \(count) strings", at: reader.start)
        }
        try reader.seek(to: offsetsStart + Int(index) * 4)
        let entry = try reader.u32le()
        // The platform indexes UTF-16 data in whole code units, so an odd offset rounds down.
        let relative = isUTF8 ? Int(entry) : Int(entry & ~1)
        guard relative < stringsEnd - stringsStart else {
            throw reader.error("offset \(entry) is past the string data (\(stringsEnd - stringsStart) bytes)")
        }
        var data = try chunk.sub(at: stringsStart, length: stringsEnd - stringsStart)
        try data.seek(to: relative)
        return isUTF8 ? try Self.decodeUTF8(&data) : try Self.decodeUTF16(&data)
    }

    /// Every string that can be read, in pool order (unreadable ones are left out).
    func allStrings() -> [String] {
        var out: [String] = []
        out.reserveCapacity(count)
        for index in 0..<count {
            if let text = try? decode(UInt32(index)).text { out.append(text) }
        }
        return out
    }

    /// UTF-8 entries carry the UTF-16 length then the UTF-8 byte length, each in 1 or 2 bytes.
    private static func decodeUTF8(_ data: inout ByteReader) throws -> (text: String, unterminated: Bool) {
        _ = try utf8Length(&data)
        let byteCount = try utf8Length(&data)
        guard byteCount <= data.remaining else {
            throw data.error("length \(byteCount) runs past the string data (\(data.remaining) bytes left)")
        }
        let bytes = try data.bytes(byteCount)
        let terminated = (try? data.u8()) == 0
        // Invalid sequences are replaced rather than dropped: the rest of the text still matters.
        return (String(decoding: bytes, as: UTF8.self), !terminated)
    }

    private static func utf8Length(_ data: inout ByteReader) throws -> Int {
        let first = try data.u8()
        guard first & 0x80 != 0 else { return Int(first) }
        let second = try data.u8()
        return Int(first & 0x7F) << 8 | Int(second)
    }

    /// UTF-16 entries carry the length in code units in 1 or 2 units (high bit set: 31-bit length).
    private static func decodeUTF16(_ data: inout ByteReader) throws -> (text: String, unterminated: Bool) {
        let first = try data.u16le()
        var length = Int(first)
        if first & 0x8000 != 0 {
            let second = try data.u16le()
            length = Int(first & 0x7FFF) << 16 | Int(second)
        }
        guard length <= data.remaining / 2 else {
            throw data.error("length \(length) runs past the string data (\(data.remaining / 2) units left)")
        }
        let bytes = try data.bytes(length * 2)
        let terminated = (try? data.u16le()) == 0
        let units = (0..<length).map { UInt16(bytes[2 * $0]) | UInt16(bytes[2 * $0 + 1]) << 8 }
        // Lone surrogates become U+FFFD rather than failing the whole string.
        return (String(decoding: units, as: UTF16.self), !terminated)
    }
}
