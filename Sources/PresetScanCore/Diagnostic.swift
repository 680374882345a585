/// Something noteworthy found while reading input: a trick, a limit hit, a broken structure.
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Codable, Sendable, Comparable {
        case info, warning, error
        public static func < (a: Severity, b: Severity) -> Bool {
            let order: [Severity] = [.info, .warning, .error]
            return order.firstIndex(of: a)! < order.firstIndex(of: b)!
        }
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
