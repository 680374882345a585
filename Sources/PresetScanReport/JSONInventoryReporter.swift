import Foundation
import PresetScanApps

/// A JSON array of app records, keys sorted, pretty-printed.
public struct JSONInventoryReporter: InventoryReporter {
    public static let format = "json"

    public init() {}

    public func render(_ records: [AppRecord]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(records)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
