import Foundation
import PresetScanCore

/// XML property list (Apple's `PropertyList-1.0.dtd`): `<plist>` holding `<dict>`, `<array>`,
/// `<key>`, `<string>`, `<integer>`, `<real>`, `<date>`, `<data>`, `<true/>`, `<false/>`.
///
/// A bounded reader of just that XML subset: no DTD processing or external entities (the five
/// predefined ones and character references only), an explicit stack instead of recursion, the
/// nesting depth and value count capped.
enum XMLPropertyList {
    static func parse(_ input: [UInt8], limits: PropertyList.Limits) throws -> PropertyList {
        var builder = Builder(limits: limits)
        var tokens = Tokenizer(bytes: try utf8(input))
        while let token = try tokens.next() {
            try builder.take(token, at: tokens.tokenStart)
        }
        guard let root = builder.root else {
            throw ParseError("XML plist", at: UInt64(tokens.position), builder.stack.last.map { "document ends inside <\($0.name)>" } ?? "no value")
        }
        return root
    }

    /// The document as UTF-8: a UTF-16 document (with its byte-order mark) is transcoded.
    static func utf8(_ bytes: [UInt8]) throws -> [UInt8] {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(bytes.dropFirst(3)) }
        let littleEndian: Bool
        if bytes.starts(with: [0xFF, 0xFE]) {
            littleEndian = true
        } else if bytes.starts(with: [0xFE, 0xFF]) {
            littleEndian = false
        } else {
            return bytes
        }
        let body = bytes.dropFirst(2)
        var units: [UInt16] = []
        units.reserveCapacity(body.count / 2)
        var i = body.startIndex
        while i + 1 < body.endIndex {
            let a = UInt16(body[i]), b = UInt16(body[i + 1])
            units.append(littleEndian ? a | b << 8 : a << 8 | b)
            i += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }

    enum Token {
        case start(name: String, selfClosing: Bool)
        case end(name: String)
        /// Character data with entities resolved, or a CDATA section.
        case text([UInt8])
    }

    /// Splits the document into tags and text; skips declarations, comments, processing
    /// instructions and the DOCTYPE (its internal subset is skipped, never applied).
    struct Tokenizer {
        let bytes: [UInt8]
        var position = 0
        var tokenStart = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        func error(_ reason: String) -> ParseError { ParseError("XML plist", at: UInt64(tokenStart), reason) }

        func hasPrefix(_ text: String, at index: Int) -> Bool {
            let pattern = Array(text.utf8)
            guard index >= 0, index <= bytes.count - pattern.count else { return false }
            return bytes[index..<index + pattern.count].elementsEqual(pattern)
        }

        /// Index just past the next `terminator` at or after `from`.
        func indexAfter(_ terminator: String, from: Int) throws -> Int {
            let pattern = Array(terminator.utf8)
            var i = from
            while i <= bytes.count - pattern.count {
                if bytes[i] == pattern[0], bytes[i..<i + pattern.count].elementsEqual(pattern) { return i + pattern.count }
                i += 1
            }
            throw error("unterminated construct: no \(terminator)")
        }

        mutating func next() throws -> Token? {
            while position < bytes.count {
                tokenStart = position
                guard bytes[position] == UInt8(ascii: "<") else {
                    let end = bytes[position...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
                    let raw = bytes[position..<end]
                    position = end
                    return .text(XMLPropertyList.resolveEntities(raw))
                }
                if hasPrefix("<?", at: position) {
                    position = try indexAfter("?>", from: position + 2)
                } else if hasPrefix("<!--", at: position) {
                    position = try indexAfter("-->", from: position + 4)
                } else if hasPrefix("<![CDATA[", at: position) {
                    let end = try indexAfter("]]>", from: position + 9)
                    let text = Array(bytes[(position + 9)..<(end - 3)])
                    position = end
                    return .text(text)
                } else if hasPrefix("<!", at: position) {
                    position = try skipDeclaration(from: position + 2)
                } else if hasPrefix("</", at: position) {
                    let close = try indexAfter(">", from: position + 2)
                    let name = String(decoding: bytes[(position + 2)..<(close - 1)], as: UTF8.self)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    position = close
                    return .end(name: name)
                } else {
                    return try startTag()
                }
            }
            return nil
        }

        /// `<!DOCTYPE ... [ ... ]>`: to the `>` outside quotes and the bracketed subset.
        private func skipDeclaration(from start: Int) throws -> Int {
            var i = start
            var inSubset = false
            var quote: UInt8? = nil
            while i < bytes.count {
                let b = bytes[i]
                if let q = quote {
                    if b == q { quote = nil }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    quote = b
                } else if b == UInt8(ascii: "[") {
                    inSubset = true
                } else if b == UInt8(ascii: "]") {
                    inSubset = false
                } else if b == UInt8(ascii: ">"), !inSubset {
                    return i + 1
                }
                i += 1
            }
            throw error("unterminated <! declaration")
        }

        /// `<name attr="v" ...>` or `<name .../>`; attributes are skipped (quoted values may hold `>`).
        private mutating func startTag() throws -> Token {
            var i = position + 1
            let nameStart = i
            while i < bytes.count, !Self.isNameEnd(bytes[i]) { i += 1 }
            let name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
            guard !name.isEmpty else { throw error("empty tag name") }
            var quote: UInt8? = nil
            while i < bytes.count {
                let b = bytes[i]
                if let q = quote {
                    if b == q { quote = nil }
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") {
                    quote = b
                } else if b == UInt8(ascii: ">") {
                    let selfClosing = i > nameStart && bytes[i - 1] == UInt8(ascii: "/")
                    position = i + 1
                    return .start(name: name, selfClosing: selfClosing)
                }
                i += 1
            }
            throw error("unterminated tag <\(name)")
        }

        private static func isNameEnd(_ b: UInt8) -> Bool {
            b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r")
                || b == UInt8(ascii: "/") || b == UInt8(ascii: ">")
        }
    }

    /// `&lt;` `&gt;` `&amp;` `&quot;` `&apos;` `&#NN;` `&#xNN;`; anything else stays as written.
    static func resolveEntities(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        guard raw.contains(UInt8(ascii: "&")) else { return Array(raw) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = raw.startIndex
        while i < raw.endIndex {
            let b = raw[i]
            guard b == UInt8(ascii: "&"),
                let semicolon = raw[i..<min(raw.endIndex, i + 12)].firstIndex(of: UInt8(ascii: ";"))
            else {
                out.append(b)
                i += 1
                continue
            }
            let name = String(decoding: raw[(i + 1)..<semicolon], as: UTF8.self)
            var replacement: [UInt8]?
            switch name {
            case "lt": replacement = [UInt8(ascii: "<")]
            case "gt": replacement = [UInt8(ascii: ">")]
            case "amp": replacement = [UInt8(ascii: "&")]
            case "quot": replacement = [UInt8(ascii: "\"")]
            case "apos": replacement = [UInt8(ascii: "'")]
            default:
                if name.hasPrefix("#x") || name.hasPrefix("#X") {
                    replacement = UInt32(name.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { Array(String($0).utf8) }
                } else if name.hasPrefix("#") {
                    replacement = UInt32(name.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init).map { Array(String($0).utf8) }
                }
            }
            if let replacement {
                out += replacement
                i = semicolon + 1
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }

    /// Builds values from tokens with an explicit stack.
    struct Builder {
        struct Frame {
            enum Content {
                case plist
                case array([PropertyList])
                case dictionary([String: PropertyList], pendingKey: String?)
                case text([UInt8])
            }
            var name: String
            var content: Content
        }

        let limits: PropertyList.Limits
        var stack: [Frame] = []
        var root: PropertyList?
        var produced = 0
        private var sawPlist = false

        init(limits: PropertyList.Limits) { self.limits = limits }

        static let textElements: Set<String> = ["key", "string", "integer", "real", "date", "data", "true", "false"]

        mutating func take(_ token: Token, at offset: Int) throws {
            func error(_ reason: String) -> ParseError { ParseError("XML plist", at: UInt64(offset), reason) }
            switch token {
            case .text(let bytes):
                if let last = stack.indices.last, case .text(var held) = stack[last].content {
                    stack[last].content = .plist  // releases `held` so that the append does not copy
                    held += bytes
                    stack[last].content = .text(held)
                }
                // Text between container elements is layout whitespace; anything else is ignored too.
            case .start(let name, let selfClosing):
                if root != nil, stack.isEmpty { throw error("content after the root value: <\(name)>") }
                if let open = stack.last, case .text = open.content { throw error("<\(name)> inside <\(open.name)>") }
                let frame: Frame
                switch name {
                case "plist":
                    guard stack.isEmpty, !sawPlist else { throw error("<plist> not at the top") }
                    sawPlist = true
                    frame = Frame(name: name, content: .plist)
                case "array":
                    frame = Frame(name: name, content: .array([]))
                case "dict":
                    frame = Frame(name: name, content: .dictionary([:], pendingKey: nil))
                default:
                    guard Self.textElements.contains(name) else { throw error("unknown element <\(name)>") }
                    frame = Frame(name: name, content: .text([]))
                }
                guard stack.count < limits.maxDepth else { throw error("nested deeper than \(limits.maxDepth)") }
                stack.append(frame)
                if selfClosing { try take(.end(name: name), at: offset) }
            case .end(let name):
                guard let frame = stack.popLast() else { throw error("</\(name)> without an open element") }
                guard frame.name == name else { throw error("</\(name)> closes <\(frame.name)>") }
                produced += 1
                guard produced <= limits.maxValues else { throw error("more than \(limits.maxValues) values") }
                let value: PropertyList
                switch frame.content {
                case .plist: return
                case .array(let items): value = .array(items)
                case .dictionary(let entries, let pending):
                    if let pending { throw error("<key>\(pending)</key> without a value") }
                    value = .dictionary(entries)
                case .text(let bytes):
                    if name == "key" {
                        guard let last = stack.indices.last, case .dictionary(let entries, let pending) = stack[last].content else {
                            throw error("<key> outside a <dict>")
                        }
                        guard pending == nil else { throw error("two <key>s in a row") }
                        stack[last].content = .dictionary(entries, pendingKey: String(decoding: bytes, as: UTF8.self))
                        return
                    }
                    value = try Self.scalar(name, bytes, error)
                }
                try attach(value, error)
            }
        }

        private mutating func attach(_ value: PropertyList, _ error: (String) -> ParseError) throws {
            guard let last = stack.indices.last else {
                root = value
                return
            }
            switch stack[last].content {
            case .plist:
                guard root == nil else { throw error("more than one value in <plist>") }
                root = value
            case .array(var items):
                stack[last].content = .array([])  // keeps `items` uniquely referenced
                items.append(value)
                stack[last].content = .array(items)
            case .dictionary(var entries, let pending):
                guard let key = pending else { throw error("a value without a <key> in <dict>") }
                stack[last].content = .dictionary([:], pendingKey: nil)
                entries[key] = value
                stack[last].content = .dictionary(entries, pendingKey: nil)
            case .text:
                throw error("a value inside a text element")
            }
        }

        private static func scalar(_ name: String, _ bytes: [UInt8], _ error: (String) -> ParseError) throws -> PropertyList {
            let text = String(decoding: bytes, as: UTF8.self)
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            switch name {
            case "string": return .string(text)
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "integer":
                if let n = Int64(trimmed) { return .integer(n) }
                if let n = UInt64(trimmed) { return .integer(Int64(bitPattern: n)) }
                let lower = trimmed.lowercased()
                if lower.hasPrefix("0x"), let n = UInt64(lower.dropFirst(2), radix: 16) { return .integer(Int64(bitPattern: n)) }
                throw error("<integer>\(trimmed.prefix(40))</integer> is no integer")
            case "real":
                guard let n = Double(trimmed) else { throw error("<real>\(trimmed.prefix(40))</real> is no number") }
                return .real(n)
            case "date":
                guard let t = PropertyList.absoluteTime(iso: trimmed) else { throw error("<date>\(trimmed.prefix(40))</date> is no ISO 8601 date") }
                return .date(t)
            case "data":
                let compact = trimmed.filter { !$0.isWhitespace }
                guard let data = Data(base64Encoded: compact) else { throw error("<data> is not base64") }
                return .data([UInt8](data))
            default:
                throw error("unknown element <\(name)>")
            }
        }
    }
}
