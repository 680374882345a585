import ArgumentParser
import Dispatch
import Foundation
import PresetScanKit
import PresetScanRegistry

/// Lookup latency from several threads at once, as a parallel scan sees it (`Benchmarks/registry.sh`).
struct RegistryBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-lookup",
        abstract: "Time identifier lookups from several threads (for Benchmarks/registry.sh).",
        shouldDisplay: false)

    @Argument(help: "The snapshot.")
    var snapshot: String

    @Option(help: "Threads looking up at once.")
    var threads = 4

    @Option(help: "Lookups per thread.")
    var lookups = 20000

    func run() throws {
        try runRegistry {
            let opened = try RegistrySnapshot(path: snapshot)
            let sample = try opened.sampleIdentifiers(count: 10000)
            guard !sample.isEmpty else { throw RegistryError.noRecords }
            let threads = max(1, self.threads), lookups = max(1, self.lookups)
            let latencies = Locked<[UInt64]>([])
            let failures = Locked(0)
            let start = DispatchTime.now().uptimeNanoseconds
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                var mine: [UInt64] = []
                mine.reserveCapacity(lookups)
                for n in 0..<lookups {
                    // Every third query misses, as most preset apps of a scan are looked up once and some are unfiled.
                    let (platform, identifier) = sample[(n * 7919 + worker * 104729) % sample.count]
                    let query = n % 3 == 2 ? identifier + ".unfiled" : identifier
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let found = (try? opened.lookup(identifier: query, platform: platform)) ?? []
                    mine.append(DispatchTime.now().uptimeNanoseconds - t0)
                    if found.isEmpty != (n % 3 == 2) { failures.withLock { $0 += 1 } }
                }
                latencies.withLock { $0.append(contentsOf: mine) }
            }
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let sorted = latencies.withLock { $0.sorted() }
            func percentile(_ p: Double) -> Double {
                Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1000
            }
            print(String(
                format: "lookups %d on %d threads in %.2f s (%.0f/s): p50 %.1f us, p99 %.1f us, p99.9 %.1f us, max %.1f us; wrong answers %d",
                sorted.count, threads, wall, Double(sorted.count) / wall, percentile(0.5), percentile(0.99),
                percentile(0.999), Double(sorted.last ?? 0) / 1000, failures.withLock { $0 }))
        }
    }
}
