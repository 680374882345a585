import Foundation
import PresetScanCore
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

    /// `language` is the table's; the JSON never changes with it.
    public func render(_ results: [FilingParseResult], language: Language = .en) throws -> String {
        switch self {
        case .table: FilingTableReporter.render(results, language: language)
        case .json: try FilingJSONReporter.render(results)
        }
    }
}

/// A block per argument: canonical form, kind, parts and problems.
enum FilingTableReporter {
    static let labels: [MessageKey] = [
        .filingCanonical, .filingKind, .filingValid, .filingBureau, .filingMainNumber, .filingSequence, .filingType, .filingProblems,
    ]

    static func render(_ results: [FilingParseResult], language l: Language) -> String {
        let width = max(12, labels.map { l.text($0).displayWidth }.max() ?? 0)
        var out = ""
        for (n, result) in results.enumerated() {
            if n > 0 { out += "\n" }
            out += result.input + "\n"
            func row(_ key: MessageKey, _ value: String?) {
                guard let value, !value.isEmpty else { return }
                out += "  " + l.text(key).padded(toWidth: width) + " " + value + "\n"
            }
            let no = l.text(.invNo)
            guard let number = result.number else {
                row(.filingKind, l.text(.filingKindNone))
                row(.filingValid, no)
                continue
            }
            row(.filingCanonical, number.canonical)
            row(.filingKind, l.text(describe(number.kind)))
            row(.filingValid, number.isValidAppFiling ? l.text(.invYes) : no)
            row(.filingBureau, number.bureau.map { b in number.province.map { l.text(.scanLocated, b, $0) } ?? b })
            row(.filingMainNumber, number.mainNumber)
            row(.filingSequence, number.sequence.map(String.init))
            row(.filingType, number.serviceType.map { l.text(.scanLocated, $0.rawValue, l.text(describe($0))) })
            row(.filingProblems, number.problems.map(\.rawValue).joined(separator: ", "))
        }
        return out
    }

    static func describe(_ kind: FilingNumber.Kind) -> MessageKey {
        switch kind {
        case .app: .filingKindApp
        case .website: .filingKindWebsite
        case .icpLicence: .filingKindICPLicence
        case .valueAddedLicence: .filingKindValueAdded
        case .policeFiling: .filingKindPolice
        }
    }

    static func describe(_ type: FilingNumber.ServiceType) -> MessageKey {
        switch type {
        case .app: .filingTypeApp
        case .miniProgram: .filingTypeMiniProgram
        case .quickApp: .filingTypeQuickApp
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
