/// Something noteworthy found while reading input: a trick, a limit hit, a broken structure.
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Codable, Sendable, Comparable {
        case info, warning, error
        var rank: Int {
            switch self {
            case .info: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    public var severity: Severity
    /// Stable machine-readable code, e.g. `zip.duplicate-entry`.
    public var code: String
    public var message: String
    public var location: Location?

    public init(_ severity: Severity, _ code: String, _ message: String, location: Location? = nil) {
        self.severity = severity
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        let where_ = location.map { "\($0): " } ?? ""
        return "\(where_)\(severity.rawValue) [\(code)] \(message)"
    }
}
