import PresetScanApps

/// Renders app records (the output of `inspect` and `list`) in one format.
///
/// One conforming type per format, each in its own file; output is deterministic.
public protocol InventoryReporter: Sendable {
    /// Format name as given to `--format`.
    static var format: String { get }
    func render(_ records: [AppRecord]) throws -> String
}

/// The inventory formats, by `--format` name.
public enum InventoryFormat: String, CaseIterable, Sendable {
    case table, json

    public var reporter: any InventoryReporter {
        switch self {
        case .table: TableInventoryReporter()
        case .json: JSONInventoryReporter()
        }
    }
}
