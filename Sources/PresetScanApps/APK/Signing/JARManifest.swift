import PresetScanCore

/// A JAR manifest or signature file (JAR File Specification, "Manifest Specification"): a main
/// section and named sections, each kept with its exact bytes, since .SF digests are over them.
struct JARManifest {
    struct Section {
        /// Attributes in order; names compared without regard to case, as `java.util.jar` does.
        var attributes: [(name: String, value: String)] = []
        /// The section's bytes, its terminating empty line included.
        var bytes: ArraySlice<UInt8>

        func value(_ name: String) -> String? {
            attributes.first { $0.name.caseInsensitiveEquals(name) }?.value
        }

        var name: String? { value("Name") }
    }

    /// Sections beyond this many are an error (a manifest has one per entry).
    static let maxSections = 1 << 20

    var main: Section
    var sections: [Section] = []

    init(_ bytes: [UInt8]) throws {
        var sections: [Section] = []
        var start = 0
        var position = 0
        var current = Section(bytes: bytes[0..<0])
        var lastName: String?
        func endOfLine(_ i: Int) -> (content: Int, next: Int) {
            var j = i
            while j < bytes.count, bytes[j] != 0x0a, bytes[j] != 0x0d { j += 1 }
            if j < bytes.count, bytes[j] == 0x0d, j + 1 < bytes.count, bytes[j + 1] == 0x0a { return (j, j + 2) }
            return (j, min(j + 1, bytes.count))
        }
        while position < bytes.count {
            let (contentEnd, next) = endOfLine(position)
            let line = bytes[position..<contentEnd]
            if line.isEmpty {
                current.bytes = bytes[start..<next]
                sections.append(current)
                guard sections.count <= Self.maxSections else {
                    throw ParseError("JAR manifest", at: UInt64(position), "more than \(Self.maxSections) sections")
                }
                current = Section(bytes: bytes[next..<next])
                lastName = nil
                start = next
            } else if line.first == 0x20 {
                // Continuation of the previous attribute's value.
                if lastName != nil, !current.attributes.isEmpty {
                    current.attributes[current.attributes.count - 1].value += String(decoding: line.dropFirst(), as: UTF8.self)
                }
            } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                let name = String(decoding: bytes[position..<colon], as: UTF8.self)
                var valueStart = colon + 1
                if valueStart < contentEnd, bytes[valueStart] == 0x20 { valueStart += 1 }
                current.attributes.append((name, String(decoding: bytes[valueStart..<contentEnd], as: UTF8.self)))
                lastName = name
            }
            position = next
        }
        if start < bytes.count || sections.isEmpty {
            current.bytes = bytes[start..<bytes.count]
            sections.append(current)
        }
        main = sections.removeFirst()
        self.sections = sections.filter { !$0.attributes.isEmpty }
    }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}
