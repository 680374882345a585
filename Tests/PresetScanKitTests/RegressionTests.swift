import Foundation
import Testing

/// Replays the fuzzers' inputs without sanitizers, through the same targets (RegressionTargets.swift is
/// a symlink to Fuzz/Sources/PresetScanFuzz/Targets.swift): every crasher kept under
/// Fuzz/Regressions/<target>/ and every seed under Fuzz/Corpus/<target>/ must run to the end.
@Suite struct FuzzRegressionTests {
    static let fuzz = Paths.root.appendingPathComponent("Fuzz")

    /// `target/file` for every file under `folder` (a subfolder per target).
    static func inputs(_ folder: String) -> [String] {
        let root = fuzz.appendingPathComponent(folder)
        let fm = FileManager.default
        let targets = (try? fm.contentsOfDirectory(atPath: root.path)) ?? []
        return targets.sorted().flatMap { target in
            ((try? fm.contentsOfDirectory(atPath: root.appendingPathComponent(target).path)) ?? [])
                .filter { !$0.hasPrefix(".") }.sorted().map { "\(target)/\($0)" }
        }
    }

    static func replay(_ folder: String, _ input: String) throws {
        let target = String(input.split(separator: "/")[0])
        let body = try #require(FuzzTargets.named(target), "no fuzz target \(target)")
        let bytes = try [UInt8](Data(contentsOf: fuzz.appendingPathComponent(folder).appendingPathComponent(input)))
        body(bytes)
    }

    @Test(arguments: inputs("Regressions"))
    func crasherNoLongerCrashes(_ input: String) throws { try Self.replay("Regressions", input) }

    @Test(arguments: inputs("Corpus"))
    func seedRuns(_ input: String) throws { try Self.replay("Corpus", input) }

    @Test func everyCorpusFolderNamesATarget() {
        for folder in ["Corpus", "Regressions"] {
            for input in Self.inputs(folder) {
                let target = String(input.split(separator: "/")[0])
                #expect(FuzzTargets.named(target) != nil, "\(folder)/\(target) names no target")
            }
        }
    }
}
