import Foundation
import PresetScanCore
import PresetScanUnpack
import Testing

@testable import PresetScanApps

/// Split sets and App Bundles on damaged input: never a trap, always a record that either
/// identifies the app or says in `errors` why it cannot.
struct SplitSetHostileTests {
    static func sample(_ folder: String, _ name: String) throws -> [UInt8] {
        try FileByteSource(path: AndroidSetExpectation.path(folder, name)).readAll()
    }

    static func read(_ bytes: [UInt8], name: String, filing: Bool = true) -> AppRecord {
        PackageReaders.read(
            source: MemoryByteSource(bytes), location: Location(path: name), name: name,
            options: PackageReadOptions(searchFilingNumbers: filing))
    }

    static func flip(_ bytes: inout [UInt8], count: Int, in range: Range<Int>, using rng: inout SplitMix64) {
        guard !range.isEmpty else { return }
        for _ in 0..<count {
            bytes[Int.random(in: range, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        }
    }

    static let files: [(folder: String, name: String, seed: UInt64)] = [
        ("splits", "app.apks", 11), ("splits", "app.xapk", 12), ("splits", "app.apkm", 13), ("splits", "no-toc.apks", 14),
        ("aab", "app.aab", 21), ("aab", "label-cycle.aab", 22),
    ]

    /// Bytes changed anywhere in the file: the outer ZIP, the nested APKs, the tables of contents.
    @Test(arguments: files.map { "\($0.folder)/\($0.name)" })
    func mutatedFilesNeverTrap(_ path: String) throws {
        let file = try #require(Self.files.first { "\($0.folder)/\($0.name)" == path })
        let original = try Self.sample(file.folder, file.name)
        var rng = SplitMix64(state: file.seed)
        for round in 0..<60 {
            var bytes = original
            Self.flip(&bytes, count: 1 + round % 6, in: 0..<bytes.count, using: &rng)
            let record = Self.read(bytes, name: file.name, filing: round % 3 != 0)
            #expect(record.package != nil || !record.errors.isEmpty, "round \(round): neither a package nor an error")
        }
    }

    @Test(arguments: files.map { "\($0.folder)/\($0.name)" })
    func everyTruncationGivesARecord(_ path: String) throws {
        let file = try #require(Self.files.first { "\($0.folder)/\($0.name)" == path })
        let original = try Self.sample(file.folder, file.name)
        let step = max(1, original.count / 41)
        for cut in stride(from: 0, to: original.count, by: step) {
            let record = Self.read(Array(original[0..<cut]), name: file.name)
            #expect(record.package != nil || !record.errors.isEmpty, "cut at \(cut)")
        }
    }

    /// The protobuf and JSON entries themselves damaged inside an intact ZIP, so every mutation
    /// reaches the decoders: toc.pb, manifest.json, info.json, the bundle's manifest and resources.pb.
    @Test(arguments: [
        ("splits", "app.apks", "toc.pb"), ("splits", "app.xapk", "manifest.json"), ("splits", "app.apkm", "info.json"),
        ("aab", "app.aab", "base/manifest/AndroidManifest.xml"), ("aab", "app.aab", "base/resources.pb"),
        ("aab", "label-cycle.aab", "base/resources.pb"),
    ])
    func mutatedTablesNeverTrap(_ folder: String, _ name: String, _ target: String) throws {
        let archive = try ZipArchive(source: MemoryByteSource(try Self.sample(folder, name)))
        let entries = try archive.entries.map { ($0.name, try archive.data(of: $0)) }
        let index = try #require(entries.firstIndex { $0.0 == target })
        var rng = SplitMix64(state: UInt64(target.utf8.count) &* 0x9E37_79B9 | 1)
        for round in 0..<50 {
            var mutated = entries
            var bytes = mutated[index].1
            switch round % 3 {
            case 0: Self.flip(&bytes, count: 1 + round % 5, in: 0..<bytes.count, using: &rng)
            case 1: bytes = Array(bytes.prefix(Int.random(in: 0..<max(bytes.count, 1), using: &rng)))
            default:
                let at = Int.random(in: 0...bytes.count, using: &rng)
                bytes.insert(contentsOf: (0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
            }
            mutated[index].1 = bytes
            let record = Self.read(StoredZip.build(mutated), name: name)
            #expect(record.package != nil || !record.errors.isEmpty, "round \(round)")
        }
    }

    /// An XML tree nested far deeper than any manifest: the decoder's depth limit stops it, with an error.
    @Test func deeplyNestedManifest() throws {
        func varint(_ n: Int) -> [UInt8] {
            var n = n
            var out: [UInt8] = []
            repeat {
                out.append(UInt8(n & 0x7F) | (n > 0x7F ? 0x80 : 0))
                n >>= 7
            } while n > 0
            return out
        }
        var node: [UInt8] = [0x0A, 0x00]  // XmlNode { element {} }
        for _ in 0..<5000 {
            let element = [UInt8(5 << 3 | 2)] + varint(node.count) + node  // XmlElement { child: node }
            node = [UInt8(1 << 3 | 2)] + varint(element.count) + element  // XmlNode { element }
        }
        #expect(throws: ParseError.self) { try AAB.Manifest.parse(node, limits: .default) }
        let record = Self.read(StoredZip.build([("base/manifest/AndroidManifest.xml", node)]), name: "deep.aab")
        #expect(record.errors.map(\.code) == ["aab.manifest-unreadable"])
    }

    /// Many APKs: read up to the limit, the rest reported (PS009), never silently dropped.
    @Test func tooManyAPKs() throws {
        let base = try ZipArchive(source: MemoryByteSource(try Self.sample("splits", "no-toc.apks")))
        let entries = try base.entries.map { ($0.name, try base.data(of: $0)) }
        let extra = (0..<(SplitSet.maxAPKs + 2)).map { ("split_\($0).apk", [UInt8]("x".utf8)) }
        let record = Self.read(StoredZip.build(entries + extra), name: "many.apks", filing: false)
        #expect(record.errors.contains { $0.code == "splits.limit" })
        #expect(record.package == "cn.example.split")
    }
}
