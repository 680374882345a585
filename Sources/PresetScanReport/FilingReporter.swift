import Foundation
import PresetScanFiling

/// One `filing parse` argument and what the grammar made of it (nil: not filing-like at all).
public struct FilingParseResult: Sendable, Equatable {
    public var input: String
    public var number: FilingNumber?

    public init(input: String, number: FilingNumber?) {
        self.input = input
        self.number = number
    }

    /// The argument is a valid app filing number once canonicalised.
    public var isValidAppFiling: Bool { number?.isValidAppFiling ?? false }
}

/// The formats of `filing parse`, by `--format` name.
public enum FilingFormat: String, CaseIterable, Sendable {
    case table, json

    public func render(_ results: [FilingParseResult]) throws -> String {
        switch self {
        case .table: FilingTableReporter.render(results)
        case .json: try FilingJSONReporter.render(results)
        }
    }
}

/// A block per argument: canonical form, kind, parts and problems.
enum FilingTableReporter {
    static func render(_ results: [FilingParseResult]) -> String {
        var out = ""
        for (n, result) in results.enumerated() {
            if n > 0 { out += "\n" }
            out += result.input + "\n"
            func row(_ key: String, _ value: String?) {
                guard let value, !value.isEmpty else { return }
                out += "  " + key.padding(12) + " " + value + "\n"
            }
            guard let number = result.number else {
                row("kind", "not a filing number")
                row("valid", "no")
                continue
            }
            row("canonical", number.canonical)
            row("kind", describe(number.kind))
            row("valid", number.isValidAppFiling ? "yes" : "no")
            row("bureau", number.bureau.map { b in number.province.map { "\(b) (\($0))" } ?? b })
            row("main number", number.mainNumber)
            row("sequence", number.sequence.map(String.init))
            row("type", number.serviceType.map { "\($0.rawValue) (\(describe($0)))" })
            row("problems", number.problems.map(\.rawValue).joined(separator: ", "))
        }
        return out
    }

    static func describe(_ kind: FilingNumber.Kind) -> String {
        switch kind {
        case .app: "app filing"
        case .website: "website filing, not an app filing"
        case .icpLicence: "ICP licence, not an app filing"
        case .valueAddedLicence: "value-added telecom licence, not an app filing"
        case .policeFiling: "police filing, not an app filing"
        }
    }

    static func describe(_ type: FilingNumber.ServiceType) -> String {
        switch type {
        case .app: "app"
        case .miniProgram: "mini program"
        case .quickApp: "quick app"
        }
    }
}

/// A JSON array, one object per argument: `input`, `valid`, and `number` (null when the text is
/// not filing-like), keys sorted.
enum FilingJSONReporter {
    struct Row: Encodable {
        var input: String
        var valid: Bool
        var number: FilingNumber?

        enum CodingKeys: String, CodingKey { case input, valid, number }

        // `number` is written as null rather than left out, like every report key.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(input, forKey: .input)
            try c.encode(valid, forKey: .valid)
            try c.encode(number, forKey: .number)
        }
    }

    static func render(_ results: [FilingParseResult]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let rows = results.map { Row(input: $0.input, valid: $0.isValidAppFiling, number: $0.number) }
        return String(decoding: try encoder.encode(rows), as: UTF8.self) + "\n"
    }
}
