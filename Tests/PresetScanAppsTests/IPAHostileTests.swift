import Foundation
import PresetScanCore
import PresetScanUnpack
import Testing

@testable import PresetScanApps

/// Damaged IPAs and damaged parts: the reader never traps and always returns a record.
struct IPAHostileTests {
    /// Entries whose bytes are damaged: the ones the reader parses.
    static func parsed(_ name: String) -> Bool {
        name.hasSuffix("Info.plist") || name.hasSuffix(".strings") || name.hasSuffix(".mobileprovision")
            || name.hasSuffix(".plist") || name.hasSuffix(".dylib") || !(name.split(separator: "/").last ?? "").contains(".")
    }

    static func mutate(_ bytes: [UInt8], round: Int, _ rng: inout SplitMix64) -> [UInt8] {
        guard !bytes.isEmpty else { return bytes }
        if round % 5 == 4 { return Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng))) }
        var out = bytes
        for _ in 0..<(1 + round % 6) {
            let i = Int.random(in: 0..<out.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: out[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
            case 1: out[i] = UInt8.random(in: 0...255, using: &rng)
            default: out[i] = [0x00, 0xFF, 0x7F, 0x80][Int.random(in: 0..<4, using: &rng)]
            }
        }
        return out
    }

    /// One entry damaged per round, rezipped stored, read whole: 150 rounds per sample.
    @Test(arguments: ["hello.ipa", "universal.ipa"])
    func damagedEntriesNeverTrap(_ name: String) throws {
        let entries = try IPASamples.entries(name)
        let targets = entries.indices.filter { Self.parsed(entries[$0].name) }
        #expect(targets.count >= 6)
        var rng = SplitMix64(state: 0x1FA_5EED &+ UInt64(name.utf8.count))
        for round in 0..<150 {
            var damaged = entries
            let target = targets[Int.random(in: 0..<targets.count, using: &rng)]
            damaged[target].data = Self.mutate(entries[target].data, round: round, &rng)
            let zip = StoredZip.make(damaged)
            let record = PackageReaders.read(source: MemoryByteSource(zip), location: Location(path: "mutant-\(round)"), name: name,
                                             options: PackageReadOptions())
            #expect(record.kind == "ipa")
            #expect(record.package != nil || !record.errors.isEmpty, "round \(round) (\(entries[target].name)): neither a package nor an error")
        }
    }

    /// The archives themselves, cut and flipped (mostly breaking the ZIP or the deflate streams).
    @Test(arguments: ["hello.ipa", "universal.ipa", "sig-past-end.ipa"])
    func damagedArchivesNeverTrap(_ name: String) throws {
        let original = try FileByteSource(path: IPASamples.path(name)).readAll()
        var rng = SplitMix64(state: 0xA11CE &+ UInt64(original.count))
        for round in 0..<60 {
            let bytes = Self.mutate(original, round: round, &rng)
            let record = PackageReaders.read(source: MemoryByteSource(bytes), location: Location(path: "cut"), name: name, options: PackageReadOptions())
            #expect(record.package != nil || !record.errors.isEmpty)
        }
    }

    /// The parsers alone on damaged inputs: errors are thrown, nothing traps.
    @Test func damagedPartsNeverTrap() throws {
        let entries = try IPASamples.entries("hello.ipa") + IPASamples.entries("universal.ipa")
        var rng = SplitMix64(state: 42)
        for entry in entries where Self.parsed(entry.name) {
            for round in 0..<20 {
                let bytes = Self.mutate(entry.data, round: round, &rng)
                _ = try? PropertyList.parse(bytes)
                _ = try? StringsFile.parse(bytes)
                let source = MemoryByteSource(bytes)
                for slice in (try? MachO.slices(of: source)) ?? [] {
                    if let cms = (try? MachO.SuperBlob.read(slice, in: source))??.cms, !cms.isEmpty {
                        _ = try? MachO.SuperBlob.signers(cms: cms)
                    }
                }
                _ = try? IPA.ProvisioningProfile.read(bytes, source: entry.name)
            }
        }
    }
}
