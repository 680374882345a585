import Foundation
import GRDB
import GRDBSQLite

/// A prepared INSERT bound and stepped through SQLite's C API: millions of rows go through here,
/// and building GRDB argument arrays per row costs more than SQLite's own work.
struct BulkInsert {
    private let statement: Statement
    private let connection: SQLiteConnection?

    /// SQLite copies bound text before `sqlite3_bind_text` returns (`SQLITE_TRANSIENT`).
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        connection = db.sqliteConnection
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(statement.sqliteStatement, index, value)
    }

    func bind(_ index: Int32, _ value: String?) {
        guard var text = value else {
            sqlite3_bind_null(statement.sqliteStatement, index)
            return
        }
        text.withUTF8 { bytes in
            // An empty buffer may have no address; SQLite would read a null pointer as NULL, not "".
            let empty: StaticString = ""
            let base = bytes.baseAddress ?? empty.utf8Start
            _ = base.withMemoryRebound(to: CChar.self, capacity: max(1, bytes.count)) {
                sqlite3_bind_text(statement.sqliteStatement, index, $0, Int32(bytes.count), Self.transient)
            }
        }
    }

    /// Runs the bound insert and resets the statement for the next row.
    func step() throws(BulkInsertError) {
        let code = sqlite3_step(statement.sqliteStatement)
        sqlite3_reset(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "SQLite error \(code)"
            throw BulkInsertError(code: code, message: message)
        }
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
