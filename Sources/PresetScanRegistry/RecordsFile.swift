import Foundation

/// A file of records to import (SPEC §3), CSV or JSON Lines told apart by content, read row by row.
final class RecordsFile {
    /// The two formats a records file may have.
    enum Format: String { case csv, jsonLines = "jsonl" }

    /// One row's outcome.
    enum Row {
        case record(RegistryRecord, line: Int)
        case bad(BadRow)
    }

    let path: String
    let format: Format
    private var normalizer: RecordNormalizer
    private var csv: CSVReader?
    private var jsonLines: JSONLinesReader?
    /// CSV: for each field position, the column it holds (nil for columns that are not imported).
    private var columnAtField: [RecordColumn?] = []

    init(path: String, filingNumbers: FilingNumberValidator) throws(RegistryError) {
        self.path = path
        normalizer = RecordNormalizer(filingNumbers: filingNumbers)
        // By content, not by name: JSON Lines starts with an object, anything else is read as CSV.
        let first = try FileBytes(path: path).firstSignificantByte()
        if first == UInt8(ascii: "{") {
            format = .jsonLines
            jsonLines = try JSONLinesReader(path: path)
        } else {
            format = .csv
            let reader = try CSVReader(path: path)
            csv = reader
            try readHeader(reader)
        }
    }

    private func readHeader(_ reader: CSVReader) throws(RegistryError) {
        guard let header = try reader.next() else {
            throw .invalidRecordsFile(path: path, reason: "empty file: no header row")
        }
        if let problem = header.problem {
            throw .invalidRecordsFile(path: path, reason: "header row (line \(header.line)): \(problem)")
        }
        var seen: [RecordColumn: String] = [:]
        for name in header.fields {
            let column = RecordColumn.named(name)
            if let column {
                if let earlier = seen[column] {
                    throw .invalidRecordsFile(
                        path: path, reason: "columns \"\(earlier)\" and \"\(name)\" both name \(column.name)")
                }
                seen[column] = name
            }
            columnAtField.append(column)
        }
        let missing = RecordColumn.allCases.filter { $0.isRequired && seen[$0] == nil }
        guard missing.isEmpty else {
            let names = missing.map { "\($0.name) (\($0.names.dropFirst().joined(separator: ", ")))" }
            throw .invalidRecordsFile(
                path: path, reason: "the header has no column for \(names.joined(separator: "; ")); header: \(header.fields.joined(separator: ","))")
        }
    }

    /// The next row, or nil at the end of the file.
    func next() throws(RegistryError) -> Row? {
        if let csv {
            guard let row = try csv.next() else { return nil }
            if let problem = row.problem { return .bad(BadRow(file: path, line: row.line, reason: problem)) }
            guard row.fields.count == columnAtField.count else {
                return .bad(BadRow(
                    file: path, line: row.line,
                    reason: "\(row.fields.count) fields where the header has \(columnAtField.count) (an unquoted comma?)"))
            }
            var values = [String?](repeating: nil, count: RecordColumn.allCases.count)
            for (i, column) in columnAtField.enumerated() {
                if let column { values[column.rawValue] = row.fields[i] }
            }
            return outcome(values, line: row.line)
        }
        guard let jsonLines, let line = try jsonLines.next() else { return nil }
        if line.tooLong {
            return .bad(BadRow(file: path, line: line.line, reason: "line longer than \(JSONLinesReader.maxLineBytes) bytes"))
        }
        switch Self.values(fromJSON: line.bytes) {
        case let .success(values): return outcome(values, line: line.line)
        case let .failure(rejection): return .bad(BadRow(file: path, line: line.line, reason: rejection.reason))
        }
    }

    private func outcome(_ values: [String?], line: Int) -> Row {
        switch normalizer.record(values) {
        case let .success(record): .record(record, line: line)
        case let .failure(rejection): .bad(BadRow(file: path, line: line, reason: rejection.reason))
        }
    }

    /// A JSON object's values by column; strings and numbers are taken as text, null as absent.
    static func values(fromJSON bytes: [UInt8]) -> Result<[String?], RowRejection> {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes))
        } catch {
            return .failure(RowRejection("not valid JSON"))
        }
        guard let dictionary = object as? [String: Any] else { return .failure(RowRejection("not a JSON object")) }
        var values = [String?](repeating: nil, count: RecordColumn.allCases.count)
        var seen: [RecordColumn: String] = [:]
        for key in dictionary.keys.sorted() {
            guard let column = RecordColumn.named(key) else { continue }
            if let earlier = seen[column] {
                return .failure(RowRejection("keys \"\(earlier)\" and \"\(key)\" both name \(column.name)"))
            }
            seen[column] = key
            switch dictionary[key] {
            case let text as String: values[column.rawValue] = text
            case is NSNull, nil: continue
            case let number as NSNumber:
                values[column.rawValue] = number.stringValue
            default: return .failure(RowRejection("\(key) is not a string"))
            }
        }
        return .success(values)
    }
}
