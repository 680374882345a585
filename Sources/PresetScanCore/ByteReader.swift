/// A structure in the input could not be parsed: names the structure and the absolute byte offset.
public struct ParseError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The spec structure being read, e.g. `"AXML string pool"`.
    public var structure: String
    /// Absolute offset in the enclosing byte source (or entry) where the problem is.
    public var offset: UInt64
    public var reason: String

    public init(_ structure: String, at offset: UInt64, _ reason: String) {
        self.structure = structure
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(structure) at offset \(offset): \(reason)" }
}

/// A bounded little/big-endian cursor over bytes already in memory.
///
/// Every read is bounds-checked and throws `ParseError` naming `structure` and the
/// absolute offset (`base + position`); nothing traps on hostile lengths.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    /// Where `bytes[0]` sits in the enclosing input, for error messages.
    public let base: UInt64
    /// Bounds of this reader inside `bytes`.
    public let start: Int
    public let end: Int
    public var position: Int
    public var structure: String

    public init(_ bytes: [UInt8], base: UInt64 = 0, structure: String) {
        self.bytes = bytes
        self.base = base
        self.start = 0
        self.end = bytes.count
        self.position = 0
        self.structure = structure
    }

    private init(bytes: [UInt8], base: UInt64, start: Int, end: Int, structure: String) {
        self.bytes = bytes
        self.base = base
        self.start = start
        self.end = end
        self.position = start
        self.structure = structure
    }

    public var remaining: Int { end - position }
    public var isAtEnd: Bool { position >= end }
    /// Absolute offset of the cursor.
    public var absoluteOffset: UInt64 { base + UInt64(position) }

    public func error(_ reason: String, at position: Int? = nil) -> ParseError {
        ParseError(structure, at: base + UInt64(position ?? self.position), reason)
    }

    /// A reader over `[position+offset, +length)` relative to this reader's start, checked.
    public func sub(at offset: Int, length: Int, structure: String? = nil) throws -> ByteReader {
        guard offset >= 0, length >= 0, offset <= end - start, length <= end - start - offset else {
            throw error("range \(offset)+\(length) exceeds \(end - start) bytes", at: start)
        }
        return ByteReader(
            bytes: bytes, base: base, start: start + offset, end: start + offset + length,
            structure: structure ?? self.structure)
    }

    /// Moves to `offset` relative to this reader's start.
    public mutating func seek(to offset: Int) throws {
        guard offset >= 0, offset <= end - start else { throw error("seek to \(offset) outside \(end - start) bytes") }
        position = start + offset
    }

    public var relativePosition: Int { position - start }

    public mutating func skip(_ count: Int) throws {
        guard count >= 0, count <= remaining else { throw error("cannot skip \(count) bytes, \(remaining) left") }
        position += count
    }

    @inline(__always)
    private func need(_ count: Int) throws {
        guard count >= 0, count <= end - position else {
            throw error("needs \(count) bytes, \(max(0, end - position)) left")
        }
    }

    public mutating func u8() throws -> UInt8 {
        try need(1)
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func u16le() throws -> UInt16 {
        try need(2)
        defer { position += 2 }
        return UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
    }

    public mutating func u32le() throws -> UInt32 {
        try need(4)
        defer { position += 4 }
        return Self.u32le(bytes, position)
    }

    public mutating func u64le() throws -> UInt64 {
        try need(8)
        defer { position += 8 }
        return UInt64(Self.u32le(bytes, position)) | UInt64(Self.u32le(bytes, position + 4)) << 32
    }

    public mutating func u16be() throws -> UInt16 {
        try need(2)
        defer { position += 2 }
        return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
    }

    public mutating func u32be() throws -> UInt32 {
        try need(4)
        defer { position += 4 }
        return UInt32(bytes[position]) << 24 | UInt32(bytes[position + 1]) << 16
            | UInt32(bytes[position + 2]) << 8 | UInt32(bytes[position + 3])
    }

    public mutating func u64be() throws -> UInt64 {
        let hi = try u32be()
        let lo = try u32be()
        return UInt64(hi) << 32 | UInt64(lo)
    }

    public mutating func bytes(_ count: Int) throws -> [UInt8] {
        try need(count)
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// Reads a length-prefixed (u32 LE) block and returns a reader over it, as in APK signature blocks.
    public mutating func lengthPrefixed(structure: String? = nil) throws -> ByteReader {
        let length = try u32le()
        guard Int(length) <= remaining else {
            throw error("length prefix \(length) exceeds \(remaining) remaining bytes", at: position - 4)
        }
        let sub = try self.sub(at: relativePosition, length: Int(length), structure: structure)
        position += Int(length)
        return sub
    }

    /// The bytes of this reader's window.
    public var windowBytes: [UInt8] { Array(bytes[start..<end]) }

    /// Unchecked helper for callers that already validated the range.
    @inline(__always)
    public static func u32le(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    @inline(__always)
    public static func u16le(_ b: [UInt8], _ i: Int) -> UInt16 {
        UInt16(b[i]) | UInt16(b[i + 1]) << 8
    }
}
