import Foundation
import PresetScanApps
import PresetScanCore
import PresetScanPolicy
import PresetScanRegistry
import PresetScanReport

/// The pipeline behind `presetscan scan` (named so as not to clash with Foundation.Scanner) (SPEC §4, §5): inputs → containers → app packages →
/// records → registry matches → rules → verdicts → a `ScanReport`.
///
/// The library entry point users embed; it never prints and never exits.
public struct ScanPipeline: Sendable {
    /// Finds and reads the packages (parallelism, limits, hashing, progress are set on it).
    public var lister: Lister
    public var policy: Policy
    /// Today, for the registry's age and waiver expiry.
    public var now: Date
    /// The baseline report's path and the fingerprints of its findings (`--baseline`).
    public var baseline: (path: String, fingerprints: Set<String>)?
    /// Record every input's size and SHA-256 in the report (`--hash-inputs`).
    public var hashInputs = false

    public init(policy: Policy = Policy(), lister: Lister = Lister(), now: Date = Date()) {
        self.policy = policy
        self.lister = lister
        self.lister.searchFilingNumbers = true
        self.lister.verifySignatures = true
        self.now = now
        self.baseline = nil
    }

    /// Reads `baseline` (a previous `scan --format json` report) for `--baseline`.
    public mutating func useBaseline(path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        baseline = (path, try JSONScanReporter.fingerprints(in: data))
    }

    public struct Result: Sendable {
        public var report: ScanReport
        /// Inputs that do not exist or cannot be opened (exit 2).
        public var unusableInputs: [String]
    }

    /// Scans `inputs` against `registry`. Throws only when the registry cannot answer (exit 2).
    public func scan(inputs: [String], registry: RegistryInput) throws(RegistryError) -> Result {
        // Before the scan, one file at a time: the hashes never compete with its parallel reads.
        let inputHashes = hashInputs ? InputHasher.hash(inputs: inputs) : nil
        let listed = lister.list(inputs: inputs)
        let evaluator = Evaluator(
            policy: policy, today: RegistryDate(secondsSinceEpoch: now.timeIntervalSince1970), baseline: baseline?.fingerprints)
        var known: [String: Bool] = [:]
        var apps: [AssessedApp] = []
        for package in listed.report.packages {
            let record = package.record
            var filings: [FilingMatch] = []
            if let identifier = record.package {
                // The identifier on the app's own platform (SPEC §7); when it is not filed there, on
                // every platform, so that PS001 can say where else it is filed.
                filings = try registry.snapshot.lookup(identifier: identifier, platform: record.platform)
                if filings.isEmpty { filings = try registry.snapshot.lookup(identifier: identifier) }
            }
            for number in record.filingNumbers where number.kind == .app && number.valid && known[number.canonical] == nil {
                known[number.canonical] = try registry.snapshot.lookup(filingNumber: number.canonical) != nil
            }
            apps.append(evaluator.assess(record, sha256: package.sha256, filings: filings) { known[$0] ?? false })
        }
        // Run findings name the file the user gave, not an import's temporary copy.
        var info = registry.snapshot.info
        info.path = registry.used.path
        let runFindings = evaluator.runFindings(registry: info, diagnostics: listed.report.diagnostics)
        let report = ScanReport(
            toolVersion: PresetScanVersion.current, inputs: inputs, registry: registry.used, policy: ScanReport.PolicyUsed(policy),
            baseline: baseline?.path, apps: apps, findings: runFindings, diagnostics: listed.report.diagnostics,
            inputHashes: inputHashes)
        return Result(report: report, unusableInputs: listed.unusableInputs)
    }
}
