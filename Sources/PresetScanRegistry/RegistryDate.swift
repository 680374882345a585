import PresetScanCore

/// A calendar date written `YYYY-MM-DD` (also accepted with `/` or `.` and unpadded month and day).
public struct RegistryDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(text: String) {
        // Fast path for the canonical `YYYY-MM-DD`, the form of nearly every exported row.
        if text.utf8.count == 10, let fast = text.utf8.withContiguousStorageIfAvailable(Self.canonical) {
            switch fast {
            case let .valid(date):
                self = date
                return
            case .invalid: return nil
            case .notCanonical: break
            }
        }
        let parts = text.trimmingWhitespace().split(omittingEmptySubsequences: false) { $0 == "-" || $0 == "/" || $0 == "." }
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Whether `text` is `YYYY-MM-DD` with ASCII digits (valid or not as a date): then a valid
    /// date's `text` is `text` itself.
    static func isCanonicalText(_ text: String) -> Bool {
        guard text.utf8.count == 10,
              let result = text.utf8.withContiguousStorageIfAvailable(canonical)
        else { return false }
        if case .notCanonical = result { return false }
        return true
    }

    /// The outcome of reading exactly `YYYY-MM-DD`.
    private enum CanonicalParse { case valid(RegistryDate), invalid, notCanonical }

    private static func canonical(_ b: UnsafeBufferPointer<UInt8>) -> CanonicalParse {
        func digit(_ i: Int) -> Int? { b[i] >= 0x30 && b[i] <= 0x39 ? Int(b[i] - 0x30) : nil }
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
              let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9)
        else { return .notCanonical }
        let date = RegistryDate(year: y0 * 1000 + y1 * 100 + y2 * 10 + y3, month: m0 * 10 + m1, day: d0 * 10 + d1)
        return date.map { .valid($0) } ?? .invalid
    }

    public init?(year: Int, month: Int, day: Int) {
        guard (1900...9999).contains(year), (1...12).contains(month) else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// `YYYY-MM-DD`.
    public var text: String {
        func pad(_ n: Int, _ width: Int) -> String {
            let digits = String(n)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public var description: String { text }

    /// Days since 1970-01-01 (proleptic Gregorian), for ages.
    public var daysSinceEpoch: Int { CivilTime.days(year: year, month: month, day: day) }

    /// The UTC calendar date of a moment given in seconds since 1970.
    public init(secondsSinceEpoch seconds: Double) {
        (year, month, day) = CivilTime.date(days: Int((seconds / 86400).rounded(.down)))
    }

    public static func < (a: RegistryDate, b: RegistryDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }
}
