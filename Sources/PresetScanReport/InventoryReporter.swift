import PresetScanApps
import PresetScanCore

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

    public var reporter: any InventoryReporter { reporter(.en) }

    /// The reporter for this format; `language` is the language of the table's texts for people.
    public func reporter(_ language: Language) -> any InventoryReporter {
        switch self {
        case .table: TableInventoryReporter(language: language)
        case .json: JSONInventoryReporter()
        }
    }
}
