import PresetScanCore

/// A `.strings` file (Foundation's strings-file format): either a property-list dictionary
/// (binary `bplist00` or XML, as Xcode compiles them) or the OpenStep text form
/// `"key" = "value";` with `/* */` and `//` comments, in UTF-16 with a byte-order mark or UTF-8.
enum StringsFile {
    /// Parses `bytes` into key → value; values that are not strings are left out.
    static func parse(_ bytes: [UInt8], limits: PropertyList.Limits = .default) throws -> [String: String] {
        guard bytes.count <= limits.maxBytes else {
            throw ParseError("strings file", at: 0, "\(bytes.count) bytes, limit \(limits.maxBytes)")
        }
        if BinaryPropertyList.isBinary(bytes) || looksLikeXML(bytes) {
            guard case .dictionary(let entries) = try PropertyList.parse(bytes, limits: limits) else {
                throw ParseError("strings file", at: 0, "the property list is not a dictionary")
            }
            return entries.compactMapValues(\.string)
        }
        var parser = TextParser(scalars: Array(decodeText(bytes).unicodeScalars), limits: limits)
        return try parser.parse()
    }

    /// An XML plist starts with `<` after an optional byte-order mark and white space.
    static func looksLikeXML(_ bytes: [UInt8]) -> Bool {
        guard let text = try? XMLPropertyList.utf8(Array(bytes.prefix(256))) else { return false }
        return text.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) } == UInt8(ascii: "<")
    }

    /// UTF-16 by its byte-order mark (or, without one, by NUL high bytes as CoreFoundation
    /// guesses), UTF-8 otherwise; invalid sequences become U+FFFD.
    static func decodeText(_ bytes: [UInt8]) -> String {
        var body = bytes[...]
        var littleEndian: Bool?
        if bytes.starts(with: [0xFF, 0xFE]) {
            littleEndian = true
            body = body.dropFirst(2)
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            littleEndian = false
            body = body.dropFirst(2)
        } else if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return String(decoding: bytes.dropFirst(3), as: UTF8.self)
        } else if bytes.count >= 2, bytes.count % 2 == 0 {
            if bytes[0] != 0, bytes[1] == 0 { littleEndian = true } else if bytes[0] == 0, bytes[1] != 0 { littleEndian = false }
        }
        guard let littleEndian else { return String(decoding: bytes, as: UTF8.self) }
        var units: [UInt16] = []
        units.reserveCapacity(body.count / 2)
        var i = body.startIndex
        while i + 1 < body.endIndex {
            let a = UInt16(body[i]), b = UInt16(body[i + 1])
            units.append(littleEndian ? a | b << 8 : a << 8 | b)
            i += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    /// The OpenStep text form: `key = value;` pairs, optionally inside `{ }`; keys and values are
    /// quoted strings (`"` or `'`, with `\n \t \" \\ \U00e9 \012` escapes) or unquoted words;
    /// `"key";` alone maps the key to itself.
    struct TextParser {
        let scalars: [Unicode.Scalar]
        let limits: PropertyList.Limits
        var index = 0

        func error(_ reason: String) -> ParseError { ParseError("strings file", at: UInt64(index), reason + " (character \(index))") }

        mutating func parse() throws -> [String: String] {
            var entries: [String: String] = [:]
            skipSpaceAndComments()
            var braced = false
            if peek == "{" {
                braced = true
                index += 1
            }
            while true {
                skipSpaceAndComments()
                guard let c = peek else {
                    if braced { throw error("missing }") }
                    return entries
                }
                if braced, c == "}" {
                    index += 1
                    skipSpaceAndComments()
                    guard peek == nil else { throw error("text after the closing }") }
                    return entries
                }
                let key = try token()
                skipSpaceAndComments()
                var value = key
                if peek == "=" {
                    index += 1
                    skipSpaceAndComments()
                    value = try token()
                    skipSpaceAndComments()
                }
                if peek == ";" {
                    index += 1
                } else if peek != nil, !(braced && peek == "}") {
                    throw error("expected ; after \"\(key.prefix(40))\"")
                }
                entries[key] = value
                guard entries.count <= limits.maxValues else { throw error("more than \(limits.maxValues) entries") }
            }
        }

        var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        mutating func skipSpaceAndComments() {
            while let c = peek {
                if c.properties.isWhitespace || c == "\u{FEFF}" {
                    index += 1
                } else if c == "/", index + 1 < scalars.count, scalars[index + 1] == "*" {
                    index += 2
                    while index < scalars.count, !(scalars[index] == "*" && index + 1 < scalars.count && scalars[index + 1] == "/") {
                        index += 1
                    }
                    index = min(scalars.count, index + 2)
                } else if c == "/", index + 1 < scalars.count, scalars[index + 1] == "/" {
                    while let d = peek, d != "\n", d != "\r" { index += 1 }
                } else {
                    return
                }
            }
        }

        static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || c.properties.numericType != nil || "_$:./-".unicodeScalars.contains(c)
        }

        mutating func token() throws -> String {
            guard let c = peek else { throw error("a string is missing at the end") }
            if c == "\"" || c == "'" { return try quoted(c) }
            let start = index
            while let d = peek, Self.isWordCharacter(d) { index += 1 }
            guard index > start else { throw error("unexpected character U+\(String(c.value, radix: 16, uppercase: true))") }
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[start..<index])
            return String(s)
        }

        private mutating func quoted(_ quote: Unicode.Scalar) throws -> String {
            let start = index
            index += 1
            var out = String.UnicodeScalarView()
            var pendingHigh: UInt32? = nil
            func flushHigh() {
                if pendingHigh != nil { out.append("\u{FFFD}") }
                pendingHigh = nil
            }
            while let c = peek {
                index += 1
                if c == quote {
                    flushHigh()
                    return String(out)
                }
                guard c == "\\" else {
                    flushHigh()
                    out.append(c)
                    continue
                }
                guard let e = peek else { break }
                index += 1
                switch e {
                case "a": flushHigh(); out.append("\u{07}")
                case "b": flushHigh(); out.append("\u{08}")
                case "f": flushHigh(); out.append("\u{0C}")
                case "n": flushHigh(); out.append("\n")
                case "r": flushHigh(); out.append("\r")
                case "t": flushHigh(); out.append("\t")
                case "v": flushHigh(); out.append("\u{0B}")
                case "U", "u":
                    var value: UInt32 = 0
                    var digits = 0
                    while digits < 4, let d = peek, let n = UInt32(String(d), radix: 16) {
                        value = value << 4 | n
                        digits += 1
                        index += 1
                    }
                    if (0xD800..<0xDC00).contains(value) {
                        flushHigh()
                        pendingHigh = value
                    } else if (0xDC00..<0xE000).contains(value), let high = pendingHigh {
                        pendingHigh = nil
                        let combined = 0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00)
                        out.append(Unicode.Scalar(combined) ?? "\u{FFFD}")
                    } else {
                        flushHigh()
                        out.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                    }
                case "0"..."7":
                    flushHigh()
                    var value = e.value - 0x30
                    var digits = 1
                    while digits < 3, let d = peek, ("0"..."7").contains(d) {
                        value = value * 8 + d.value - 0x30
                        digits += 1
                        index += 1
                    }
                    out.append(Unicode.Scalar(value) ?? "\u{FFFD}")
                default:
                    flushHigh()
                    out.append(e)
                }
            }
            index = start
            throw error("unterminated string")
        }
    }
}
