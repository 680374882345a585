/// A text for a person, kept as a catalogue key and its arguments so that it renders in any
/// language (SPEC §8). Arguments are facts from the input or the run (identifiers, paths,
/// numbers) and are never translated.
public struct Message: Codable, Sendable, Hashable {
    public var key: MessageKey
    public var arguments: [String]
    /// Parts that are themselves texts for people (a clause, a term), rendered in the same
    /// language and filled in after `arguments`: `{arguments.count}`, `{arguments.count + 1}` …
    public var parts: [Message]

    public init(_ key: MessageKey, _ arguments: String...) {
        self.key = key
        self.arguments = arguments
        self.parts = []
    }

    public init(_ key: MessageKey, arguments: [String], parts: [Message] = []) {
        self.key = key
        self.arguments = arguments
        self.parts = parts
    }

    /// The text in `language`: the catalogue's template with `{0}`, `{1}` … replaced by the
    /// arguments, then the parts. A placeholder without an argument stays as written, so a missing fact shows.
    public func text(_ language: Language) -> String {
        Self.fill(key.template(language), arguments + parts.map { $0.text(language) })
    }

    /// Replaces `{n}` placeholders; `{{` and `}}` are literal braces.
    public static func fill(_ template: String, _ arguments: [String]) -> String {
        var out = ""
        var index = template.startIndex
        while index < template.endIndex {
            let character = template[index]
            let next = template.index(after: index)
            if character == "{", next < template.endIndex, template[next] == "{" {
                out.append("{")
                index = template.index(after: next)
                continue
            }
            if character == "}", next < template.endIndex, template[next] == "}" {
                out.append("}")
                index = template.index(after: next)
                continue
            }
            if character == "{", let close = template[next...].firstIndex(of: "}"),
                let number = Int(template[next..<close]), number >= 0, number < arguments.count
            {
                out += arguments[number]
                index = template.index(after: close)
                continue
            }
            out.append(character)
            index = next
        }
        return out
    }
}

extension MessageKey {
    /// The catalogue's template for this key in `language`.
    public func template(_ language: Language) -> String {
        switch language {
        case .en: english
        case .zhCN: chinese
        }
    }

    /// The placeholder numbers a template uses, for the catalogue's consistency test.
    public static func placeholders(in template: String) -> Set<Int> {
        var found = Set<Int>()
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{") {
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(of: "}") else { break }
            if let number = Int(rest[after..<close]) { found.insert(number) }
            rest = rest[rest.index(after: close)...]
        }
        return found
    }
}

extension Language {
    /// `key`'s template in this language filled with `arguments`: for texts rendered at once.
    public func text(_ key: MessageKey, _ arguments: String...) -> String {
        Message(key, arguments: arguments).text(self)
    }

    /// `one` for a count of 1, else `many` (English plurals; Chinese has one text for both).
    public func count(_ n: Int, one: MessageKey, many: MessageKey) -> String {
        text(n == 1 ? one : many, "\(n)")
    }

    /// Items joined with the language's list separator (`, ` or `，`).
    public func list(_ items: [String]) -> String {
        items.joined(separator: text(.listSeparator))
    }
}
