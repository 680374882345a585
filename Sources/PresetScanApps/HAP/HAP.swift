import Foundation
import PresetScanCore

/// HarmonyOS package formats (SPEC §7 `hap`, `hsp`, `app`): the structures a HAP carries, each in
/// its own file (`HAP+ModuleJSON`, `HAP+ResourceIndex`, `HAP+SigningBlock`, `HAP+Profile`, ...).
public enum HAP {
    /// The permission that lets a HarmonyOS app reach the network.
    public static let internetPermission = "ohos.permission.INTERNET"

    /// Largest JSON document read (module.json, config.json, pack.info, a profile): real ones are
    /// a few KiB; anything past this is not what the bundle manager would install.
    static let maxJSONBytes = 8 << 20
    /// Largest resources.index read into memory (real ones are well under a few MiB).
    static let maxResourceIndexBytes = 64 << 20

    /// A JSON object read with `JSONSerialization`, or nil when `bytes` hold no object.
    static func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        guard let object = value as? [String: Any] else { throw JSONShapeError() }
        return object
    }

    struct JSONShapeError: Error, CustomStringConvertible {
        var description: String { "the document is not a JSON object" }
    }
}

/// Typed reads of a `JSONSerialization` value, lenient on what a hostile file may put there.
enum JSONValue {
    static func string(_ value: Any?) -> String? {
        guard let text = value as? String, !text.isEmpty else { return nil }
        return text
    }

    static func object(_ value: Any?) -> [String: Any]? { value as? [String: Any] }

    static func array(_ value: Any?) -> [Any] { value as? [Any] ?? [] }

    /// A non-negative integer: a JSON number without a fraction, or a string of digits.
    static func unsigned(_ value: Any?) -> UInt64? {
        guard let signed = signed(value), signed >= 0 else { return nil }
        return UInt64(signed)
    }

    /// An integer: a JSON number without a fraction (within Int64), or a string of digits.
    static func signed(_ value: Any?) -> Int64? {
        if let text = value as? String { return Int64(text.trimmingCharacters(in: .whitespaces)) }
        guard let number = value as? NSNumber else { return nil }
        let double = number.doubleValue
        guard double.isFinite, double.rounded() == double, double.magnitude < 9.2e18 else { return nil }
        return number.int64Value
    }
}
