import PresetScanCore

/// One ASN.1 BER/DER element (ITU-T X.690 §8.1: identifier, length, contents), located by byte indices.
struct BERElement: Sendable {
    /// X.690 §8.1.2.2 class: 0 universal, 1 application, 2 context-specific, 3 private.
    let tagClass: UInt8
    let constructed: Bool
    let tagNumber: UInt32
    /// Index of the identifier octet.
    let start: Int
    /// Index of the first contents octet.
    let contentStart: Int
    /// Index just past the contents (before the end-of-contents octets of an indefinite length).
    let contentEnd: Int
    /// Index just past the whole element (after the end-of-contents octets of an indefinite length).
    let end: Int

    func isUniversal(_ number: UInt32) -> Bool { tagClass == 0 && tagNumber == number }
    func isContext(_ number: UInt32) -> Bool { tagClass == 2 && tagNumber == number }

    static let integer: UInt32 = 2
    static let objectIdentifier: UInt32 = 6
    static let sequence: UInt32 = 16
    static let set: UInt32 = 17
}

/// A lenient BER walker (X.690 §8.1): accepts indefinite lengths and non-minimal length octets, as
/// apksig's own ASN.1 parser does for JAR signature blocks; every length is bounds-checked.
struct BERWalker {
    /// Deepest nesting followed while measuring indefinite-length elements.
    static let maxDepth = 64

    let root: ByteReader

    init(_ bytes: [UInt8], structure: String) {
        root = ByteReader(bytes, structure: structure)
    }

    /// The element starting at `index`, which must lie inside `[index, limit)`.
    func element(at index: Int, limit: Int, structure: String) throws -> BERElement {
        var reader = try root.sub(at: index, length: limit - index, structure: structure)
        return try Self.read(&reader, depth: 0)
    }

    /// The elements inside a constructed element's contents, in order.
    func children(of parent: BERElement, structure: String) throws -> [BERElement] {
        guard parent.constructed else {
            throw ParseError(structure, at: UInt64(parent.start), "expected a constructed element")
        }
        var reader = try root.sub(
            at: parent.contentStart, length: parent.contentEnd - parent.contentStart, structure: structure)
        var out: [BERElement] = []
        while !reader.isAtEnd {
            out.append(try Self.read(&reader, depth: 0))
        }
        return out
    }

    /// The whole encoding (identifier through end) of `element`.
    func encoding(of element: BERElement) -> [UInt8] {
        Array(root.bytes[element.start..<element.end])
    }

    /// The contents octets of `element`.
    func contents(of element: BERElement) -> [UInt8] {
        Array(root.bytes[element.contentStart..<element.contentEnd])
    }

    /// Reads one element at the reader's cursor and moves past it.
    static func read(_ reader: inout ByteReader, depth: Int) throws -> BERElement {
        guard depth <= maxDepth else { throw reader.error("nesting deeper than \(maxDepth)") }
        let start = reader.position
        let identifier = try reader.u8()
        let tagClass = identifier >> 6
        let constructed = identifier & 0x20 != 0
        var tagNumber = UInt32(identifier & 0x1f)
        if tagNumber == 0x1f {
            // X.690 §8.1.2.4: high tag number, base 128, at most 4 octets here.
            tagNumber = 0
            var octets = 0
            while true {
                let byte = try reader.u8()
                octets += 1
                guard octets <= 4 else { throw reader.error("tag number too long", at: start) }
                tagNumber = tagNumber << 7 | UInt32(byte & 0x7f)
                if byte & 0x80 == 0 { break }
            }
        }
        let lengthOctet = try reader.u8()
        if lengthOctet == 0x80 {
            // X.690 §8.1.3.6: indefinite form, contents end with two zero octets.
            guard constructed else { throw reader.error("indefinite length on a primitive element", at: start) }
            let contentStart = reader.position
            while true {
                guard reader.remaining >= 2 else {
                    throw reader.error("indefinite-length element has no end-of-contents", at: start)
                }
                if reader.bytes[reader.position] == 0, reader.bytes[reader.position + 1] == 0 {
                    let contentEnd = reader.position
                    try reader.skip(2)
                    return BERElement(
                        tagClass: tagClass, constructed: true, tagNumber: tagNumber, start: start,
                        contentStart: contentStart, contentEnd: contentEnd, end: reader.position)
                }
                _ = try read(&reader, depth: depth + 1)
            }
        }
        var length: UInt64
        if lengthOctet < 0x80 {
            length = UInt64(lengthOctet)
        } else {
            // X.690 §8.1.3.5: long form; more than 4 length octets cannot fit anything we read.
            let count = Int(lengthOctet & 0x7f)
            guard count <= 4 else { throw reader.error("length uses \(count) octets", at: start) }
            length = 0
            for _ in 0..<count { length = length << 8 | UInt64(try reader.u8()) }
        }
        guard length <= UInt64(reader.remaining) else {
            throw reader.error("length \(length) exceeds \(reader.remaining) remaining bytes", at: start)
        }
        let contentStart = reader.position
        try reader.skip(Int(length))
        return BERElement(
            tagClass: tagClass, constructed: constructed, tagNumber: tagNumber, start: start,
            contentStart: contentStart, contentEnd: reader.position, end: reader.position)
    }
}
