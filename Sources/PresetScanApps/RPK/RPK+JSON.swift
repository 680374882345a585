import Foundation
import PresetScanCore

/// Namespace of the quick-app package format (Quick App Alliance, hapjs): `manifest.json`, `i18n/`,
/// the RPK signing block and the `.rpks` split form.
enum RPK {}

extension RPK {
    /// A decoded JSON value (RFC 8259) as the quick-app runtime sees it: numbers keep whether they
    /// were integers, so `versionCode: 12` and `versionCode: 12.5` can be told apart.
    enum JSON: Decodable, Equatable, Sendable {
        case null
        case bool(Bool)
        case integer(Int64)
        case number(Double)
        case string(String)
        case array([JSON])
        case object([String: JSON])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int64.self) {
                self = .integer(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([JSON].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: JSON].self))
            }
        }

        /// Decodes `bytes` (UTF-8, a leading BOM allowed) whose top level must be an object.
        static func object(from bytes: [UInt8]) throws -> [String: JSON] {
            var data = Data(bytes)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { data = data.dropFirst(3) }
            guard case .object(let root) = try JSONDecoder().decode(JSON.self, from: data) else {
                throw ParseError("JSON", at: 0, "the top level is not an object")
            }
            return root
        }

        var string: String? {
            if case .string(let s) = self { return s }
            return nil
        }

        /// The text hapjs' `JSONObject.optString` gives for a scalar: strings as they are, numbers
        /// printed (`1.0` stays `1.0`, as Python prints it); nil for anything else.
        var scalarText: String? {
            switch self {
            case .string(let s): s
            case .integer(let n): String(n)
            case .number(let d): d.isFinite ? "\(d)" : nil
            case .bool(let b): b ? "true" : "false"
            default: nil
            }
        }

        subscript(key: String) -> JSON? {
            if case .object(let o) = self { return o[key] }
            return nil
        }

        /// Every string in the value with its path (`config.data.icp`, `features[0].name`), objects in
        /// key order so results are stable; at most `limit` strings.
        func strings(prefix: String = "", limit: Int = 100_000) -> [(path: String, value: String)] {
            var out: [(String, String)] = []
            var stack: [(String, JSON)] = [(prefix, self)]
            // Iterative, so hostile nesting cannot exhaust the stack here.
            while let (path, value) = stack.popLast(), out.count < limit {
                switch value {
                case .string(let s):
                    out.append((path, s))
                case .array(let items):
                    for (i, item) in items.enumerated().reversed() { stack.append(("\(path)[\(i)]", item)) }
                case .object(let fields):
                    for (key, item) in fields.sorted(by: { $0.key < $1.key }).reversed() {
                        stack.append((path.isEmpty ? key : "\(path).\(key)", item))
                    }
                default:
                    break
                }
            }
            return out
        }
    }
}
