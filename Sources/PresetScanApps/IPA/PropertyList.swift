import PresetScanCore

/// A property-list value (Apple's `plist(5)` model: XML `PropertyList-1.0.dtd` and binary `bplist00`).
///
/// Parsed by hand rather than through libplist: Debian 12's libplist 2.2 cannot read the
/// OpenStep text form `.strings` files use (so a hand-written parser is needed anyway), and its
/// node tree is built, copied and freed recursively with no depth cap. These parsers bound depth,
/// value count and every length, detect reference cycles in binary plists, and throw `ParseError`.
enum PropertyList: Equatable, Sendable {
    case string(String)
    /// Binary plists store up to 128-bit integers; values wider than 64 bits keep their low 64 bits.
    case integer(Int64)
    case real(Double)
    case bool(Bool)
    /// Seconds since 2001-01-01T00:00:00Z (CFAbsoluteTime), as both encodings define dates.
    case date(Double)
    case data([UInt8])
    case array([PropertyList])
    /// Keys are unique; a repeated key keeps its last value, as CoreFoundation does.
    case dictionary([String: PropertyList])
    /// `CF$UID` references (keyed archives); kept only so that such plists still parse.
    case uid(UInt64)

    /// Bounds for one document.
    struct Limits: Sendable {
        /// Nesting of arrays and dictionaries.
        var maxDepth = 64
        /// Values produced, every reference counted (a binary plist may share objects; the count
        /// stops a small file from expanding exponentially).
        var maxValues = 1 << 18
        /// Largest document parsed.
        var maxBytes = 16 << 20

        static let `default` = Limits()
    }

    /// Parses a binary (`bplist00`) or XML property list, by its first bytes.
    static func parse(_ bytes: [UInt8], limits: Limits = .default) throws -> PropertyList {
        guard bytes.count <= limits.maxBytes else {
            throw ParseError("property list", at: 0, "\(bytes.count) bytes, limit \(limits.maxBytes)")
        }
        if BinaryPropertyList.isBinary(bytes) {
            return try BinaryPropertyList.parse(bytes, limits: limits)
        }
        return try XMLPropertyList.parse(bytes, limits: limits)
    }

    subscript(key: String) -> PropertyList? {
        if case .dictionary(let entries) = self { return entries[key] }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var array: [PropertyList]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var dictionary: [String: PropertyList]? {
        if case .dictionary(let entries) = self { return entries }
        return nil
    }

    var data: [UInt8]? {
        if case .data(let bytes) = self { return bytes }
        return nil
    }

    /// Every string value (dictionary keys excluded) with its key path (`CFBundleURLTypes/0/CFBundleURLName`),
    /// depth first in key order, at most `limit` of them.
    func strings(limit: Int = 1 << 16) -> [(path: String, text: String)] {
        var out: [(path: String, text: String)] = []
        var pending: [(path: String, value: PropertyList)] = [("", self)]
        while let (path, value) = pending.popLast(), out.count < limit {
            func child(_ name: String) -> String { path.isEmpty ? name : path + "/" + name }
            switch value {
            case .string(let text): out.append((path, text))
            case .array(let items):
                for (index, item) in items.enumerated().reversed() { pending.append((child(String(index)), item)) }
            case .dictionary(let entries):
                for (key, item) in entries.sorted(by: { $0.key > $1.key }) { pending.append((child(key), item)) }
            default: break
            }
        }
        return out
    }
}

// MARK: - Dates

extension PropertyList {
    /// Seconds between 1970-01-01 and 2001-01-01 (kCFAbsoluteTimeIntervalSince1970).
    static let absoluteTimeOffset: Double = 978_307_200

    /// `2027-03-31T12:00:00Z` → CFAbsoluteTime; nil when the text is not that form.
    static func absoluteTime(iso text: String) -> Double? {
        let s = Array(text.utf8)
        // yyyy-mm-ddThh:mm:ssZ; the time part is optional in some writers.
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= s.count else { return nil }
            var n = 0
            for b in s[range] {
                guard b >= 0x30, b <= 0x39 else { return nil }
                n = n * 10 + Int(b - 0x30)
            }
            return n
        }
        guard s.count >= 10, s[4] == UInt8(ascii: "-"), s[7] == UInt8(ascii: "-"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        if s.count > 10 {
            guard s.count >= 19, s[10] == UInt8(ascii: "T"), s[13] == UInt8(ascii: ":"), s[16] == UInt8(ascii: ":"),
                let h = number(11..<13), let m = number(14..<16), let sec = number(17..<19), h < 24, m < 60, sec < 61
            else { return nil }
            (hour, minute, second) = (h, m, sec)
        }
        let days = CivilTime.days(year: year, month: month, day: day)
        let unix = Double(days * 86_400 + hour * 3_600 + minute * 60 + second)
        return unix - absoluteTimeOffset
    }

    /// CFAbsoluteTime → `2027-03-31T12:00:00Z` (UTC, whole seconds); nil when out of the years 1–9999.
    static func isoString(absoluteTime: Double) -> String? {
        let unix = (absoluteTime + absoluteTimeOffset).rounded(.down)
        guard unix.isFinite, abs(unix) < 253_402_300_800 else { return nil }
        return CivilTime.iso8601(secondsSince1970: Int64(unix))
    }
}
