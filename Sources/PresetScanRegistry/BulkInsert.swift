import Foundation
import GRDB
import GRDBSQLite

/// Rows inserted through SQLite's C API, several rows per statement: millions of rows go through
/// here, and both GRDB's per-row argument arrays and one `sqlite3_step` per row cost more than
/// SQLite's own B-tree work. Rows are buffered until a statement's worth (`rowsPerStatement`) is
/// complete; `flush()` writes the rest and must run before the table is read or indexed.
final class BulkInsert {
    /// A bound value, kept until its row's statement runs.
    private enum Value {
        case int(Int64)
        case text(String)
        case null
    }

    static let rowsPerStatement = 64

    private let batch: Statement
    private let single: Statement
    private let connection: SQLiteConnection?
    private let columns: Int
    private var row: [Value]
    private var pending: [Value] = []

    /// SQLite copies bound text before `sqlite3_bind_text` returns (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, table: String, columns names: [String]) throws {
        let tuple = "(" + Array(repeating: "?", count: names.count).joined(separator: ", ") + ")"
        let head = "INSERT INTO \(table) (\(names.joined(separator: ", "))) VALUES "
        batch = try db.makeStatement(sql: head + Array(repeating: tuple, count: Self.rowsPerStatement).joined(separator: ", "))
        single = try db.makeStatement(sql: head + tuple)
        connection = db.sqliteConnection
        columns = names.count
        row = Array(repeating: .null, count: names.count)
        pending.reserveCapacity(names.count * Self.rowsPerStatement)
    }

    func bind(_ index: Int32, _ value: Int64) { row[Int(index) - 1] = .int(value) }

    func bind(_ index: Int32, _ value: String?) { row[Int(index) - 1] = value.map(Value.text) ?? .null }

    /// Ends the row bound so far; runs a statement when a batch of rows is complete.
    func step() throws(BulkInsertError) {
        pending.append(contentsOf: row)
        for i in row.indices { row[i] = .null }
        if pending.count == columns * Self.rowsPerStatement {
            try run(batch, pending)
            pending.removeAll(keepingCapacity: true)
        }
    }

    /// Inserts the rows still buffered, one statement each.
    func flush() throws(BulkInsertError) {
        var start = 0
        while start < pending.count {
            try run(single, pending[start..<start + columns])
            start += columns
        }
        pending.removeAll(keepingCapacity: true)
    }

    private func run(_ statement: Statement, _ values: ArraySlice<Value>) throws(BulkInsertError) {
        let handle = statement.sqliteStatement
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case let .int(number): sqlite3_bind_int64(handle, index, number)
            case .null: sqlite3_bind_null(handle, index)
            case var .text(text):
                text.withUTF8 { bytes in
                    // An empty buffer may have no address; SQLite would read a null pointer as NULL, not "".
                    let empty: StaticString = ""
                    let base = bytes.baseAddress ?? empty.utf8Start
                    _ = base.withMemoryRebound(to: CChar.self, capacity: max(1, bytes.count)) {
                        sqlite3_bind_text(handle, index, $0, Int32(bytes.count), Self.transient)
                    }
                }
            }
        }
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "SQLite error \(code)"
            throw BulkInsertError(code: code, message: message)
        }
    }

    private func run(_ statement: Statement, _ values: [Value]) throws(BulkInsertError) {
        try run(statement, values[...])
    }
}

/// An insert SQLite refused (disk full, I/O error); the builder reports it as a write failure.
struct BulkInsertError: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    var description: String { "SQLite error \(code): \(message)" }
}

/// Rows read and normalised on a second thread while the caller inserts them (2 cores: one parses,
/// one writes). Batches are bounded, so memory stays flat however large the input.
final class RowPipeline: @unchecked Sendable {
    /// Rows of one file, in order.
    struct Batch {
        var file: String
        var rows: [RecordsFile.Row]
    }

    static let batchSize = 4096
    static let maxQueuedBatches = 16

    private let condition = NSCondition()
    private var queue: [Batch] = []
    private var finished = false
    private var failure: RegistryError?
    private var cancelled = false
    private let files: [RecordsFile]

    /// Takes ownership of `files`: from `start()` on, only the reading thread touches them.
    init(files: [RecordsFile]) {
        self.files = files
    }

    func start() {
        let thread = Thread { [self] in produce() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func produce() {
        do {
            for file in files {
                var rows: [RecordsFile.Row] = []
                rows.reserveCapacity(Self.batchSize)
                while let row = try file.next() {
                    rows.append(row)
                    if rows.count == Self.batchSize {
                        guard push(Batch(file: file.path, rows: rows)) else { return }
                        rows.removeAll(keepingCapacity: true)
                    }
                }
                if !rows.isEmpty { guard push(Batch(file: file.path, rows: rows)) else { return } }
            }
            finish(nil)
        } catch {
            finish(error)
        }
    }

    /// Queues a batch, waiting while the queue is full; false when the consumer cancelled.
    private func push(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= Self.maxQueuedBatches && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    private func finish(_ error: RegistryError?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, nil when every file was read; rethrows a read error of the producer.
    func next() throws(RegistryError) -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished { condition.wait() }
        if !queue.isEmpty {
            let batch = queue.removeFirst()
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    /// Stops the producer (it exits at its next batch); always call before dropping the pipeline.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}
