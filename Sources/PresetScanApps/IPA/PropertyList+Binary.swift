import PresetScanCore

/// Binary property list `bplist00` (CoreFoundation's CFBinaryPList.c layout): header, objects,
/// offset table, 32-byte trailer. Every offset and count is checked against the document before
/// use, references are checked against the object count, and a reference back to an object
/// still being read (a cycle) is an error.
enum BinaryPropertyList {
    /// `0x0f`, for messages.
    static func hexByte(_ b: UInt8) -> String { "0x" + String(b, radix: 16).leftPadded(to: 2) }

    static let magic: [UInt8] = Array("bplist00".utf8)
    static let trailerSize = 32

    static func isBinary(_ bytes: [UInt8]) -> Bool { bytes.starts(with: magic) }

    /// The trailer: sizes of offsets and references, object count, root object, offset table position.
    struct Trailer {
        var offsetSize: Int
        var referenceSize: Int
        var objectCount: Int
        var topObject: Int
        var offsetTableOffset: Int
    }

    static func parse(_ bytes: [UInt8], limits: PropertyList.Limits) throws -> PropertyList {
        var parser = try Parser(bytes, limits: limits)
        return try parser.object(parser.trailer.topObject, depth: 0)
    }

    private struct Parser {
        let bytes: [UInt8]
        let limits: PropertyList.Limits
        let trailer: Trailer
        /// Objects being read on the current path: a reference to one of them is a cycle.
        var reading: Set<Int> = []
        var produced = 0

        init(_ bytes: [UInt8], limits: PropertyList.Limits) throws {
            self.bytes = bytes
            self.limits = limits
            guard bytes.count >= magic.count + 1 + trailerSize else {
                throw ParseError("bplist trailer", at: 0, "\(bytes.count) bytes is too short for a binary plist")
            }
            var r = try ByteReader(bytes, structure: "bplist trailer").sub(at: bytes.count - trailerSize, length: trailerSize)
            try r.skip(6)
            let offsetSize = Int(try r.u8())
            let referenceSize = Int(try r.u8())
            let objectCount = try r.u64be()
            let topObject = try r.u64be()
            let tableOffset = try r.u64be()
            let trailerStart = UInt64(bytes.count - trailerSize)
            guard [1, 2, 4, 8].contains(offsetSize), [1, 2, 4, 8].contains(referenceSize) else {
                throw ParseError("bplist trailer", at: trailerStart, "offset size \(offsetSize) / reference size \(referenceSize) not 1, 2, 4 or 8")
            }
            // Every object takes at least one byte between the header and the offset table.
            guard objectCount >= 1, objectCount <= UInt64(bytes.count) else {
                throw ParseError("bplist trailer", at: trailerStart, "object count \(objectCount) impossible in \(bytes.count) bytes")
            }
            guard topObject < objectCount else {
                throw ParseError("bplist trailer", at: trailerStart, "top object \(topObject) not below the object count \(objectCount)")
            }
            let (tableBytes, overflow) = objectCount.multipliedReportingOverflow(by: UInt64(offsetSize))
            guard !overflow, tableOffset >= UInt64(magic.count), tableOffset <= trailerStart,
                tableBytes <= trailerStart - tableOffset
            else {
                throw ParseError("bplist offset table", at: trailerStart,
                    "table of \(objectCount) × \(offsetSize) bytes at \(tableOffset) does not fit before the trailer")
            }
            trailer = Trailer(
                offsetSize: offsetSize, referenceSize: referenceSize, objectCount: Int(objectCount),
                topObject: Int(topObject), offsetTableOffset: Int(tableOffset))
        }

        /// A big-endian unsigned integer of `size` (1...8) bytes at `at`, bounds checked.
        func unsigned(at: Int, size: Int, structure: String) throws -> UInt64 {
            guard at >= 0, size >= 1, size <= 8, at <= bytes.count - size else {
                throw ParseError(structure, at: UInt64(max(0, at)), "\(size)-byte integer runs past the end")
            }
            var value: UInt64 = 0
            for i in 0..<size { value = value << 8 | UInt64(bytes[at + i]) }
            return value
        }

        func offset(of object: Int) throws -> Int {
            guard object >= 0, object < trailer.objectCount else {
                throw ParseError("bplist reference", at: 0, "object \(object) not below the object count \(trailer.objectCount)")
            }
            let at = trailer.offsetTableOffset + object * trailer.offsetSize
            let value = try unsigned(at: at, size: trailer.offsetSize, structure: "bplist offset table")
            guard value >= UInt64(magic.count), value < UInt64(trailer.offsetTableOffset) else {
                throw ParseError("bplist offset table", at: UInt64(at), "object \(object) at \(value) lies outside the object area")
            }
            return Int(value)
        }

        /// The element count of the marker at `at`: its low nibble, or the integer object after it when 0xF.
        /// Returns the count and where the elements start.
        func count(at: Int, marker: UInt8) throws -> (count: Int, start: Int) {
            let nibble = Int(marker & 0x0F)
            guard nibble == 0x0F else { return (nibble, at + 1) }
            guard at + 1 < trailer.offsetTableOffset else {
                throw ParseError("bplist object", at: UInt64(at), "length integer runs past the object area")
            }
            let intMarker = bytes[at + 1]
            guard intMarker & 0xF0 == 0x10, intMarker & 0x0F <= 3 else {
                throw ParseError("bplist object", at: UInt64(at + 1), "length is not an integer (marker \(hexByte(intMarker)))")
            }
            let size = 1 << Int(intMarker & 0x0F)
            let value = try unsigned(at: at + 2, size: size, structure: "bplist object")
            guard value <= UInt64(bytes.count) else {
                throw ParseError("bplist object", at: UInt64(at), "length \(value) exceeds the document")
            }
            return (Int(value), at + 2 + size)
        }

        /// Checks that `count` elements of `width` bytes starting at `start` lie inside the object area.
        func checkSpan(start: Int, count: Int, width: Int, at: Int) throws {
            let (total, overflow) = count.multipliedReportingOverflow(by: width)
            guard !overflow, start <= trailer.offsetTableOffset, total <= trailer.offsetTableOffset - start else {
                throw ParseError("bplist object", at: UInt64(at), "\(count) elements of \(width) bytes run past the object area")
            }
        }

        mutating func object(_ index: Int, depth: Int) throws -> PropertyList {
            produced += 1
            guard produced <= limits.maxValues else {
                throw ParseError("bplist object", at: 0, "more than \(limits.maxValues) values")
            }
            let at = try offset(of: index)
            let marker = bytes[at]
            switch marker >> 4 {
            case 0x0:
                switch marker {
                case 0x08: return .bool(false)
                case 0x09: return .bool(true)
                default: throw ParseError("bplist object", at: UInt64(at), "unsupported marker \(hexByte(marker))")
                }
            case 0x1:
                let sizeLog = Int(marker & 0x0F)
                guard sizeLog <= 4 else { throw ParseError("bplist integer", at: UInt64(at), "\(1 << sizeLog)-byte integer") }
                if sizeLog == 4 {
                    // 128-bit: the low 64 bits, as CoreFoundation reads it back.
                    return .integer(Int64(bitPattern: try unsigned(at: at + 9, size: 8, structure: "bplist integer")))
                }
                let value = try unsigned(at: at + 1, size: 1 << sizeLog, structure: "bplist integer")
                return .integer(Int64(bitPattern: value))
            case 0x2:
                switch marker & 0x0F {
                case 2: return .real(Double(Float(bitPattern: UInt32(try unsigned(at: at + 1, size: 4, structure: "bplist real")))))
                case 3: return .real(Double(bitPattern: try unsigned(at: at + 1, size: 8, structure: "bplist real")))
                default: throw ParseError("bplist real", at: UInt64(at), "unsupported marker \(hexByte(marker))")
                }
            case 0x3:
                guard marker == 0x33 else { throw ParseError("bplist date", at: UInt64(at), "marker \(hexByte(marker))") }
                return .date(Double(bitPattern: try unsigned(at: at + 1, size: 8, structure: "bplist date")))
            case 0x4:
                let (n, start) = try count(at: at, marker: marker)
                try checkSpan(start: start, count: n, width: 1, at: at)
                return .data(Array(bytes[start..<start + n]))
            case 0x5:
                let (n, start) = try count(at: at, marker: marker)
                try checkSpan(start: start, count: n, width: 1, at: at)
                return .string(String(decoding: bytes[start..<start + n], as: UTF8.self))
            case 0x6:
                let (n, start) = try count(at: at, marker: marker)
                try checkSpan(start: start, count: n, width: 2, at: at)
                let units = (0..<n).map { UInt16(bytes[start + 2 * $0]) << 8 | UInt16(bytes[start + 2 * $0 + 1]) }
                return .string(String(decoding: units, as: UTF16.self))
            case 0x8:
                let size = Int(marker & 0x0F) + 1
                guard size <= 8 else { throw ParseError("bplist UID", at: UInt64(at), "\(size)-byte UID") }
                return .uid(try unsigned(at: at + 1, size: size, structure: "bplist UID"))
            case 0xA, 0xC:
                let (n, start) = try count(at: at, marker: marker)
                try checkSpan(start: start, count: n, width: trailer.referenceSize, at: at)
                return .array(try container(index, depth: depth, at: at) { parser in
                    var items: [PropertyList] = []
                    items.reserveCapacity(min(n, 4096))
                    for i in 0..<n {
                        let ref = try parser.reference(at: start + i * parser.trailer.referenceSize)
                        items.append(try parser.object(ref, depth: depth + 1))
                    }
                    return items
                })
            case 0xD:
                let (n, start) = try count(at: at, marker: marker)
                try checkSpan(start: start, count: n, width: 2 * trailer.referenceSize, at: at)
                return .dictionary(try container(index, depth: depth, at: at) { parser in
                    var entries: [String: PropertyList] = [:]
                    let width = parser.trailer.referenceSize
                    for i in 0..<n {
                        let keyRef = try parser.reference(at: start + i * width)
                        guard case .string(let key) = try parser.object(keyRef, depth: depth + 1) else {
                            throw ParseError("bplist dictionary", at: UInt64(at), "key \(i) is not a string")
                        }
                        let valueRef = try parser.reference(at: start + (n + i) * width)
                        entries[key] = try parser.object(valueRef, depth: depth + 1)
                    }
                    return entries
                })
            default:
                throw ParseError("bplist object", at: UInt64(at), "unsupported marker \(hexByte(marker))")
            }
        }

        func reference(at: Int) throws -> Int {
            let value = try unsigned(at: at, size: trailer.referenceSize, structure: "bplist reference")
            guard value < UInt64(trailer.objectCount) else {
                throw ParseError("bplist reference", at: UInt64(at), "object \(value) not below the object count \(trailer.objectCount)")
            }
            return Int(value)
        }

        /// Reads a container's children with `index` marked as in progress, so that a child
        /// referring back to it is caught, and with the nesting depth bounded.
        mutating func container<T>(_ index: Int, depth: Int, at: Int, _ body: (inout Parser) throws -> T) throws -> T {
            guard depth < limits.maxDepth else {
                throw ParseError("bplist object", at: UInt64(at), "nested deeper than \(limits.maxDepth)")
            }
            guard reading.insert(index).inserted else {
                throw ParseError("bplist object", at: UInt64(at), "object \(index) contains itself (reference cycle)")
            }
            defer { reading.remove(index) }
            return try body(&self)
        }
    }
}
