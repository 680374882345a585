import PresetScanCore

extension Payload {
    /// A bounded reader of protobuf wire format (varints, fixed32/64, length-delimited fields),
    /// enough for `update_metadata.proto`; groups (wire types 3, 4) are refused.
    struct ProtoReader {
        let bytes: [UInt8]
        /// Absolute offset of `bytes[0]` in the payload, for errors.
        let base: UInt64
        var position: Int
        let end: Int
        let structure: String

        init(_ bytes: [UInt8], base: UInt64, structure: String) {
            self.bytes = bytes
            self.base = base
            self.position = 0
            self.end = bytes.count
            self.structure = structure
        }

        private init(bytes: [UInt8], base: UInt64, start: Int, end: Int, structure: String) {
            self.bytes = bytes
            self.base = base
            self.position = start
            self.end = end
            self.structure = structure
        }

        var isAtEnd: Bool { position >= end }

        func error(_ reason: String) -> ParseError { ParseError(structure, at: base + UInt64(position), reason) }

        /// A base-128 varint of at most 10 bytes.
        mutating func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard position < end else { throw error("varint runs past the end of the message") }
                let b = bytes[position]
                position += 1
                guard shift < 64, !(shift == 63 && b & 0x7e != 0) else { throw error("varint longer than 64 bits") }
                value |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 { return value }
                shift += 7
            }
        }

        /// The next field's number and wire type, or nil at the end of the message.
        mutating func nextField() throws -> (number: UInt64, wireType: UInt8)? {
            guard !isAtEnd else { return nil }
            let key = try varint()
            let number = key >> 3
            guard number > 0 else { throw error("field number 0") }
            return (number, UInt8(key & 7))
        }

        /// The bytes of a length-delimited field as a reader of its own.
        mutating func message(_ structure: String) throws -> ProtoReader {
            let length = try varint()
            guard length <= UInt64(end - position) else {
                throw error("length \(length) runs past the end of the message (\(end - position) bytes left)")
            }
            let sub = ProtoReader(bytes: bytes, base: base, start: position, end: position + Int(length), structure: structure)
            position += Int(length)
            return sub
        }

        mutating func string() throws -> String {
            let m = try message(structure)
            return String(decoding: bytes[m.position..<m.end], as: UTF8.self)
        }

        /// Skips a field of `wireType` the reader does not use.
        mutating func skip(_ wireType: UInt8) throws {
            switch wireType {
            case 0: _ = try varint()
            case 1: try advance(8)
            case 2: _ = try message(structure)
            case 5: try advance(4)
            default: throw error("wire type \(wireType) (groups are not used by update_metadata.proto)")
            }
        }

        private mutating func advance(_ n: Int) throws {
            guard n <= end - position else { throw error("field needs \(n) bytes, \(end - position) left") }
            position += n
        }

        /// Reads a varint field, refusing any other wire type.
        mutating func varintField(_ wireType: UInt8, _ name: String) throws -> UInt64 {
            guard wireType == 0 else { throw error("\(name) has wire type \(wireType), not varint") }
            return try varint()
        }

        /// Checks that a length-delimited field really is one.
        func expectLength(_ wireType: UInt8, _ name: String) throws {
            guard wireType == 2 else { throw error("\(name) has wire type \(wireType), not length-delimited") }
        }
    }
}
