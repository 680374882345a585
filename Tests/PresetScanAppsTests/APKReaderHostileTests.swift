import Foundation
import PresetScanCore
import Testing

@testable import PresetScanApps

/// Deterministic pseudo-random numbers (SplitMix64), so a failing mutation can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Whole-APK reading on damaged input: it must never trap, and a record always comes back.
struct APKReaderHostileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let seeds: [String] = {
        var files = ["hello.apk", "offline.apk", "duplicate-entry.apk", "cd-mismatch.apk"]
            .map { root.appendingPathComponent("Samples/apk/\($0)").path }
        let corpus = "/usr/share/doc/androguard/examples"
        files += ["android/TestsAndroguard/bin/TestActivity.apk", "signing/apksig/v3-only-with-stamp.apk",
                  "signing/apksig/golden-rsa-minSdkVersion-1-out.apk", "tests/com.example.android.tvleanback.apk"]
            .map { "\(corpus)/\($0)" }
            .filter { FileManager.default.fileExists(atPath: $0) }
        return files
    }()

    @Test(arguments: seeds)
    func mutatedBytesNeverTrap(_ path: String) throws {
        let original = try FileByteSource(path: path).readAll()
        guard original.count > 64 else { return }
        var rng = SplitMix64(state: UInt64(truncatingIfNeeded: path.hashValue & 0xffff) | 1)
        for round in 0..<150 {
            var bytes = original
            // Damage where parsers look: the tail (EOCD, central directory) and random spots.
            for _ in 0..<(1 + round % 8) {
                let tailBias = Int.random(in: 0..<4, using: &rng) == 0
                let i = tailBias ? bytes.count - 1 - Int.random(in: 0..<min(bytes.count, 4096), using: &rng)
                                 : Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] = UInt8.random(in: 0...255, using: &rng)
            }
            let record = APKReader.read(source: MemoryByteSource(bytes), location: Location(path: "mutant-\(round)"))
            #expect(record.package != nil || !record.errors.isEmpty, "round \(round): neither a package nor an error")
        }
    }

    @Test(arguments: seeds)
    func everyTruncationGivesARecord(_ path: String) throws {
        let original = try FileByteSource(path: path).readAll()
        let step = max(1, original.count / 97)
        for cut in stride(from: 0, to: original.count, by: step) {
            let record = APKReader.read(source: MemoryByteSource(Array(original[0..<cut])), location: Location(path: "cut"))
            #expect(record.package != nil || !record.errors.isEmpty)
        }
    }
}
