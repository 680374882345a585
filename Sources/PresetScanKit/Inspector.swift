import Dispatch
import Foundation
import PresetScanApps
import PresetScanCore

/// Reads app packages given as files and returns one record each, in input order.
///
/// The library entry point behind `presetscan inspect`; it never prints and never exits.
public struct Inspector: Sendable {
    public var limits: Limits
    /// Packages read at once; defaults to the core count.
    public var jobs: Int

    public init(limits: Limits = .default, jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.limits = limits
        self.jobs = max(1, jobs)
    }

    /// One record per path, in the order given; unreadable paths get a record with `errors`.
    public func inspect(paths: [String]) -> [AppRecord] {
        let results = ResultSlots<AppRecord>(count: paths.count)
        let next = Counter()
        let workers = min(jobs, max(1, paths.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = next.take(below: paths.count) {
                results[i] = inspect(path: paths[i])
            }
        }
        return results.values()
    }

    /// Reads one file as an app package (found by content, not by name).
    public func inspect(path: String) -> AppRecord {
        let location = Location(path: path)
        do {
            let source = try FileByteSource(path: path)
            return APKReader.read(source: source, location: location, limits: limits)
        } catch {
            var record = AppRecord(location: location, kind: "apk", size: 0)
            record.errors.append(Diagnostic(.error, "input.unreadable", "\(error)", location: location))
            return record
        }
    }
}

/// Hands out indices to worker threads.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()

    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// Fixed slots written by parallel workers, read once all are done.
final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    subscript(i: Int) -> T? {
        get { lock.lock(); defer { lock.unlock() }; return slots[i] }
        set { lock.lock(); slots[i] = newValue; lock.unlock() }
    }

    func values() -> [T] { slots.compactMap { $0 } }
}
