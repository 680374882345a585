import PresetScanApps
import PresetScanCore

/// What `presetscan list` found: every app package (with its sha256 when asked) and every
/// diagnostic raised while unpacking, both in location order.
public struct ListReport: Sendable, Equatable {
    /// One app package found by content.
    public struct Package: Sendable, Equatable {
        public var record: AppRecord
        /// Lower-case hex SHA-256 of the package bytes (`--hash`).
        public var sha256: String?

        public init(record: AppRecord, sha256: String? = nil) {
            self.record = record
            self.sha256 = sha256
        }
    }

    public var packages: [Package]
    public var diagnostics: [Diagnostic]

    public init(packages: [Package], diagnostics: [Diagnostic]) {
        self.packages = packages
        self.diagnostics = diagnostics
    }

    /// Some input (or a package) could not be read completely: PS009.
    public var isIncomplete: Bool {
        diagnostics.contains { $0.severity == .error } || packages.contains { !$0.record.errors.isEmpty }
    }
}

/// Renders a `ListReport` in one format.
public protocol ListReporter: Sendable {
    static var format: String { get }
    func render(_ report: ListReport) throws -> String
}

extension InventoryFormat {
    /// The `list` reporter for this format.
    public var listReporter: any ListReporter { listReporter(.en) }

    /// The `list` reporter for this format in `language`.
    public func listReporter(_ language: Language) -> any ListReporter {
        switch self {
        case .table: TableListReporter(language: language)
        case .json: JSONListReporter()
        }
    }
}
