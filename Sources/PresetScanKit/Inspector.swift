import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PresetScanApps
import PresetScanCore

/// Reads app packages given as files and returns one record each, in input order.
///
/// The library entry point behind `presetscan inspect`; it never prints and never exits.
public struct Inspector: Sendable {
    public var limits: Limits
    /// Packages read at once; defaults to the core count.
    public var jobs: Int
    /// Whether packages are searched for filing numbers; off only to time what the search costs.
    public var searchFilingNumbers = true

    public init(limits: Limits = .default, jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.limits = limits
        self.jobs = max(1, jobs)
    }

    /// One record per path, in the order given; unreadable paths get a record with `errors`.
    public func inspect(paths: [String]) -> [AppRecord] {
        // Largest first, so that one big package does not finish alone on one core at the end.
        // One stat(2) per path: the sort compares n log n times, and Foundation's attributes
        // (owner names included) cost as much as reading a small package.
        let sizes = paths.map(Self.fileSize)
        let order = paths.indices.sorted { (sizes[$0], $1) > (sizes[$1], $0) }
        return parallelMap(paths, jobs: jobs, order: order) { inspect(path: $0) }
    }

    /// The file's size, 0 when it cannot be stat'ed (then `inspect(path:)` reports why).
    private static func fileSize(_ path: String) -> UInt64 {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return UInt64(clamping: info.st_size)
    }

    /// Reads one file as an app package of any platform (found by content; by name only when the
    /// content says nothing).
    public func inspect(path: String) -> AppRecord {
        let location = Location(path: path)
        do {
            let source = try FileByteSource(path: path)
            let options = PackageReadOptions(limits: limits, searchFilingNumbers: searchFilingNumbers)
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return PackageReaders.read(source: source, location: location, name: name, options: options)
        } catch {
            var record = AppRecord(location: location, kind: "apk", platform: .android, size: 0)
            record.errors.append(Diagnostic(.error, "input.unreadable", "\(error)", location: location))
            return record
        }
    }
}
