import PresetScanCore

/// Chunk type codes of ResChunk_header.type (ResourceTypes.h, `RES_*_TYPE`).
enum ResChunkType {
    static let null: UInt16 = 0x0000
    static let stringPool: UInt16 = 0x0001
    static let table: UInt16 = 0x0002
    static let xml: UInt16 = 0x0003

    static let xmlFirstNode: UInt16 = 0x0100
    static let xmlStartNamespace: UInt16 = 0x0100
    static let xmlEndNamespace: UInt16 = 0x0101
    static let xmlStartElement: UInt16 = 0x0102
    static let xmlEndElement: UInt16 = 0x0103
    static let xmlCData: UInt16 = 0x0104
    static let xmlLastNode: UInt16 = 0x017f
    static let xmlResourceMap: UInt16 = 0x0180

    static let tablePackage: UInt16 = 0x0200
    static let tableType: UInt16 = 0x0201
    static let tableTypeSpec: UInt16 = 0x0202
    static let tableLibrary: UInt16 = 0x0203
    static let tableOverlayable: UInt16 = 0x0204
    static let tableOverlayablePolicy: UInt16 = 0x0205
    static let tableStagedAlias: UInt16 = 0x0206
}

/// ResChunk_header (ResourceTypes.h): type, header size and total size that start every chunk.
struct ResChunkHeader: Sendable, Equatable {
    static let byteCount = 8

    var type: UInt16
    var headerSize: UInt16
    var size: UInt32

    init(type: UInt16, headerSize: UInt16, size: UInt32) {
        self.type = type
        self.headerSize = headerSize
        self.size = size
    }

    init(_ reader: inout ByteReader) throws {
        type = try reader.u16le()
        headerSize = try reader.u16le()
        size = try reader.u32le()
    }
}

/// One chunk found by `ResChunkWalker`: its header and a reader over exactly its (possibly clamped) bytes.
struct ResChunk: Sendable {
    var header: ResChunkHeader
    /// Offset of the chunk inside the walked window.
    var offset: Int
    /// The chunk's bytes; shorter than `header.size` when the declared size ran past the window.
    var reader: ByteReader
    /// `header.size` was larger than the bytes left and was cut to them.
    var clamped: Bool

    var headerSize: Int { Int(header.headerSize) }
    var size: Int { reader.end - reader.start }

    /// The chunk body after its header, or nil when the header claims more than the chunk holds.
    func body(structure: String) -> ByteReader? {
        guard headerSize <= size else { return nil }
        return try? reader.sub(at: headerSize, length: size - headerSize, structure: structure)
    }
}

/// Walks a sequence of chunks the way ResourceTypes.cpp does: each chunk's `size` leads to the next.
///
/// The platform rejects a document whose chunk sizes do not add up; a scanner must still see what
/// is there, so a size that runs past the end is cut to the bytes left (with a warning), and a size
/// too small to advance ends the walk (with a warning) instead of failing everything before it.
struct ResChunkWalker {
    private var window: ByteReader
    private var position: Int
    private let codePrefix: String
    private(set) var warnings: [Diagnostic] = []
    private var warnedMisaligned = false

    init(_ window: ByteReader, from offset: Int, codePrefix: String) {
        self.window = window
        self.position = max(0, offset)
        self.codePrefix = codePrefix
    }

    private var windowSize: Int { window.end - window.start }

    mutating func warn(_ code: String, _ message: String) {
        warnings.append(Diagnostic(.warning, "\(codePrefix).\(code)", message))
    }

    private func absolute(_ offset: Int) -> UInt64 { window.base + UInt64(window.start + offset) }

    mutating func next() -> ResChunk? {
        let left = windowSize - position
        guard left > 0 else { return nil }
        guard left >= ResChunkHeader.byteCount else {
            warn("truncated", "\(left) trailing bytes at offset \(absolute(position)) are too short for a chunk header")
            position = windowSize
            return nil
        }
        guard var headerReader = try? window.sub(at: position, length: ResChunkHeader.byteCount),
            let header = try? ResChunkHeader(&headerReader)
        else { return nil }

        let declared = Int(header.size)
        guard declared >= ResChunkHeader.byteCount else {
            warn(
                "bad-chunk",
                "chunk type 0x\(String(header.type, radix: 16)) at offset \(absolute(position)) has size \(declared); "
                    + "the rest of the data cannot be walked")
            position = windowSize
            return nil
        }
        if !warnedMisaligned, (Int(header.headerSize) | declared) & 3 != 0 {
            warnedMisaligned = true
            warn(
                "bad-chunk",
                "chunk type 0x\(String(header.type, radix: 16)) at offset \(absolute(position)) is not 4-byte aligned "
                    + "(header \(header.headerSize), size \(declared)); the platform would reject it")
        }
        var length = declared
        var clamped = false
        if declared > left {
            warn(
                "truncated",
                "chunk type 0x\(String(header.type, radix: 16)) at offset \(absolute(position)) declares \(declared) bytes, "
                    + "only \(left) left; read what is there")
            length = left
            clamped = true
        }
        guard let reader = try? window.sub(at: position, length: length) else { return nil }
        let chunk = ResChunk(header: header, offset: position, reader: reader, clamped: clamped)
        position += length
        return chunk
    }
}
