import Foundation
import Testing

/// `presetscan list` on squashfs images built by `Samples/make-squashfs.sh` with the real
/// `mksquashfs`, compared with what `unsquashfs` extracts (the script's `expected.tsv`).
@Suite(.serialized) struct SquashfsListTests {
    /// The samples, built once per test process into a temporary folder.
    static let samples: URL? = CLI.makeFixtures("make-squashfs.sh", prefix: "presetscan-squashfs")

    static func folder() throws -> URL {
        try #require(samples, "Samples/make-squashfs.sh failed (needs squashfs-tools, libsquashfs1 and what make-firmware.sh needs)")
    }

    static func tsv(_ name: String) throws -> [[String]] {
        let text = try String(contentsOf: try folder().appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    static func expected(_ sample: String) throws -> Set<String> {
        Set(try tsv("expected.tsv").compactMap { f in f.count == 3 && f[0] == sample ? "\(f[1])\t\(f[2])" : nil })
    }

    /// Compressors mksquashfs wrote, split by whether libsquashfs has them (`compressors.tsv`).
    static func compressors(readable: Bool) -> [String] {
        ((try? tsv("compressors.tsv")) ?? []).compactMap { f in f.count == 2 && (f[1] == "yes") == readable ? f[0] : nil }
    }

    /// Runs `list --hash --format json` and returns (status, location⇥sha256 set relative to the folder, document).
    static func list(_ inputs: [String]) throws -> (Int32, Set<String>, [String: Any]) {
        let dir = try folder()
        let result = try CLI.run(["list", "--hash", "--format", "json"] + inputs.map { dir.appendingPathComponent($0).path })
        let doc = try #require(result.json as? [String: Any], "no JSON: \(result.stderr)")
        let packages = doc["packages"] as? [[String: Any]] ?? []
        let prefix = dir.path + "/"
        let found = Set(packages.map { p -> String in
            let location = (p["location"] as? String ?? "").replacingOccurrences(of: prefix, with: "")
            return "\(location)\t\(p["sha256"] as? String ?? "")"
        })
        return (result.status, found, doc)
    }

    static func codes(_ doc: [String: Any]) -> [String] {
        (doc["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    @Test func everyCompressorOfTheLibraryWasBuilt() throws {
        _ = try Self.folder()
        let readable = Set(Self.compressors(readable: true))
        #expect(readable.isSuperset(of: ["gzip", "xz"]))
        // Every compressor written is among the test's arguments below.
        #expect(Set(Self.compressors(readable: false)).union(readable).isSubset(of: ["gzip", "xz", "lz4", "zstd", "lzma", "lzo"]))
    }

    /// Each compressor mksquashfs wrote: the same APKs as unsquashfs extracts where libsquashfs has
    /// it, PS009 naming the compressor where it does not (lzo is never in the library), never a
    /// silently empty image. One mksquashfs lacks was not written and has nothing to compare.
    @Test(arguments: ["gzip", "xz", "lz4", "zstd", "lzma", "lzo"])
    func agreesWithUnsquashfs(compressor: String) throws {
        let sample = "system-\(compressor).sqfs"
        if Self.compressors(readable: true).contains(compressor) {
            try Self.agree(sample)
        } else if Self.compressors(readable: false).contains(compressor) {
            let (status, found, doc) = try Self.list([sample])
            #expect(status == 3)
            #expect(found.isEmpty)
            #expect(doc["complete"] as? Bool == false)
            #expect(Self.codes(doc) == ["squashfs.unsupported-compressor"])
        }
    }

    @Test(arguments: ["system-gzip-4k.sqfs", "system-xz-nofrag.sqfs", "nested-sqfs.simg"])
    func agreesWithTheRealToolsWhenNestedOrOddlyBuilt(sample: String) throws {
        try Self.agree(sample)
    }

    static func agree(_ sample: String) throws {
        let expected = try Self.expected(sample)
        #expect(expected.count >= 11)
        let (status, found, doc) = try Self.list([sample])
        #expect(found == expected, "\(sample): only presetscan \(found.subtracting(expected).sorted()), only unsquashfs \(expected.subtracting(found).sorted())")
        #expect(status == 0, "\(sample): \(doc["diagnostics"] ?? "")")
        #expect(doc["complete"] as? Bool == true)
        #expect(Self.codes(doc) == ["squashfs.symlink"])
    }

    @Test func truncatedImageIsIncompleteNotACrash() throws {
        let dir = try Self.folder()
        let data = try Data(contentsOf: dir.appendingPathComponent("system-gzip-4k.sqfs"))
        for fraction in [1, 2, 3] {
            let cut = dir.appendingPathComponent("cut-\(fraction).sqfs")
            try data.prefix(data.count * fraction / 4).write(to: cut)
            let (status, _, doc) = try Self.list([cut.lastPathComponent])
            #expect(status == 3, "cut at \(fraction)/4")
            #expect(Self.codes(doc).contains { $0.hasPrefix("squashfs.") })
        }
    }
}
