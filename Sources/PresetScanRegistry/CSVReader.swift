#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One CSV record: its fields and the 1-based line it starts on.
struct CSVRow {
    var line: Int
    var fields: [String]
    /// Why the record cannot be trusted (bad quoting, invalid UTF-8, a limit hit); fields are best effort.
    var problem: String?
}

/// An RFC 4180 CSV reader over a file: quoted fields may hold commas, quotes (`""`) and line
/// breaks; CRLF, LF and lone CR end records; a leading UTF-8 BOM is skipped.
///
/// Lenient where spreadsheet exports are (as Python's `csv` module): a quote inside an unquoted
/// field is kept as text, and text after a closing quote is appended. Field length and field
/// count are bounded, so a missing closing quote costs one bad record, not unbounded memory.
final class CSVReader {
    static let maxFieldBytes = 1 << 20
    static let maxFields = 256
    /// Bound on the fields kept for one record, so that many long fields cannot add up.
    static let maxRecordBytes = 4 << 20

    private let bytes: FileBytes
    private var line = 1
    private var field: [UInt8] = []
    /// Fields of the previous record: the next one is allocated for as many (one allocation per row).
    private var lastFieldCount = 8

    init(path: String) throws(RegistryError) {
        bytes = try FileBytes(path: path)
        try bytes.skipByteOrderMark()
        field.reserveCapacity(256)
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// The next record that is not a blank line, or nil at the end of the file.
    func next() throws(RegistryError) -> CSVRow? {
        while true {
            guard let row = try readRecord() else { return nil }
            if row.fields.count == 1, row.fields[0].isEmpty, row.problem == nil { continue }
            return row
        }
    }

    private func readRecord() throws(RegistryError) -> CSVRow? {
        let quote: UInt8 = 0x22, comma: UInt8 = 0x2C, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        // The reader's state in locals while a record is read: stored properties of a class would be
        // checked for exclusive access at every byte.
        var line = self.line
        var field: [UInt8] = []
        swap(&field, &self.field)
        defer {
            self.line = line
            swap(&field, &self.field)
        }
        var row = CSVRow(line: line, fields: [], problem: nil)
        row.fields.reserveCapacity(lastFieldCount)
        defer { lastFieldCount = min(max(1, row.fields.count), Self.maxFields) }
        var state = State.fieldStart
        var sawByte = false
        field.removeAll(keepingCapacity: true)

        var recordBytes = 0
        func endField() {
            recordBytes += field.count
            if row.fields.count >= Self.maxFields {
                if row.problem == nil { row.problem = "more than \(Self.maxFields) fields" }
            } else if recordBytes > Self.maxRecordBytes {
                if row.problem == nil { row.problem = "record longer than \(Self.maxRecordBytes) bytes" }
            } else {
                // Decoding repairs invalid UTF-8 (U+FFFD), so the text has the field's bytes exactly
                // when they were valid. (The specialised decoder costs less than `String(validating:)`.)
                var text = field.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
                let valid = text.withUTF8 { decoded in
                    field.withUnsafeBufferPointer { raw in
                        decoded.count == raw.count && (raw.isEmpty || memcmp(decoded.baseAddress!, raw.baseAddress!, raw.count) == 0)
                    }
                }
                row.fields.append(text)
                if !valid, row.problem == nil { row.problem = "field \(row.fields.count) is not valid UTF-8" }
            }
            field.removeAll(keepingCapacity: true)
        }
        func append(_ byte: UInt8) {
            if field.count < Self.maxFieldBytes {
                field.append(byte)
            } else if row.problem == nil {
                row.problem = "a field is longer than \(Self.maxFieldBytes) bytes (a quote never closed?)"
            }
        }
        func appendRun(_ run: UnsafeBufferPointer<UInt8>) {
            if field.count + run.count <= Self.maxFieldBytes {
                field.append(contentsOf: run)
            } else if row.problem == nil {
                row.problem = "a field is longer than \(Self.maxFieldBytes) bytes (a quote never closed?)"
            }
        }
        func endOfLine(_ byte: UInt8) throws(RegistryError) {
            if byte == cr, try bytes.peek() == lf { _ = try bytes.next() }
            line += 1
        }

        while true {
            // Runs of ordinary bytes are copied at once; the state machine below sees only the
            // bytes that matter (delimiters, quotes, line ends) and the first byte of a field.
            if state == .unquoted || state == .quoted {
                let quoted = state == .quoted
                try bytes.consumeRun { run in
                    var i = 0
                    if quoted {
                        while i < run.count, run[i] != quote {
                            if run[i] == lf { line += 1 }
                            i += 1
                        }
                    } else {
                        while i < run.count, run[i] != comma, run[i] != lf, run[i] != cr { i += 1 }
                    }
                    if i > 0 {
                        sawByte = true
                        appendRun(UnsafeBufferPointer(rebasing: run[0..<i]))
                    }
                    return i
                }
            }
            guard let b = try bytes.next() else {
                if !sawByte { return nil }
                if state == .quoted, row.problem == nil { row.problem = "quoted field is never closed" }
                endField()
                return row
            }
            sawByte = true
            switch state {
            case .fieldStart:
                if b == quote {
                    state = .quoted
                } else if b == comma {
                    endField()
                } else if b == lf || b == cr {
                    try endOfLine(b)
                    endField()
                    return row
                } else {
                    append(b)
                    state = .unquoted
                }
            case .unquoted:
                if b == comma {
                    endField()
                    state = .fieldStart
                } else if b == lf || b == cr {
                    try endOfLine(b)
                    endField()
                    return row
                } else {
                    append(b)
                }
            case .quoted:
                if b == quote {
                    state = .quoteInQuoted
                } else {
                    // Line breaks inside quotes belong to the field but still count as lines of the file.
                    if b == lf { line += 1 }
                    append(b)
                }
            case .quoteInQuoted:
                if b == quote {
                    append(quote)
                    state = .quoted
                } else if b == comma {
                    endField()
                    state = .fieldStart
                } else if b == lf || b == cr {
                    try endOfLine(b)
                    endField()
                    return row
                } else {
                    append(b)
                    state = .unquoted
                }
            }
        }
    }
}

/// A JSON Lines reader: one JSON object per line, blank lines skipped, each line bounded.
final class JSONLinesReader {
    static let maxLineBytes = 1 << 20

    private let bytes: FileBytes
    private var line = 0
    private var buffer: [UInt8] = []

    init(path: String) throws(RegistryError) {
        bytes = try FileBytes(path: path)
        try bytes.skipByteOrderMark()
    }

    /// The next non-blank line's bytes and its 1-based number; `tooLong` when the line was cut.
    func next() throws(RegistryError) -> (line: Int, bytes: [UInt8], tooLong: Bool)? {
        while true {
            buffer.removeAll(keepingCapacity: true)
            var tooLong = false
            var sawByte = false
            while let b = try bytes.next() {
                sawByte = true
                if b == 0x0A { break }
                if buffer.count < Self.maxLineBytes { buffer.append(b) } else { tooLong = true }
            }
            guard sawByte else { return nil }
            line += 1
            if buffer.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            return (line, buffer, tooLong)
        }
    }
}
