import Foundation
import PresetScanCore
import PresetScanCrypto
import PresetScanUnpack
import Testing

/// `presetscan list` on Rockchip `update.img` packages built by `Samples/make-rockchip.sh` around the
/// sample `super.img` and `system.simg`, checked by Debian's `rkunpack`: every APK is found with
/// the SHA-256 it has in the inner image, at `update.img!/RKAF!/Image/super.img!/system_a!/…`.
@Suite(.serialized) struct RockchipListTests {
    static let samples: URL? = CLI.makeFixtures("make-rockchip.sh", prefix: "presetscan-rockchip")

    static func folder() throws -> URL {
        try #require(samples, "Samples/make-rockchip.sh failed (needs rkflashtool and what make-firmware.sh needs)")
    }

    static func list(_ sample: String) throws -> (Int32, Set<String>, [String]) { try list(sample, in: try folder()) }

    /// Runs `list --hash --format json` on `dir/sample`: status, location⇥sha256 relative to `dir`, codes.
    static func list(_ sample: String, in dir: URL) throws -> (Int32, Set<String>, [String]) {
        let result = try CLI.run(["list", "--hash", "--format", "json", dir.appendingPathComponent(sample).path])
        let doc = try #require(result.json as? [String: Any], "no JSON: \(result.stderr)")
        let prefix = dir.path + "/"
        let found = Set((doc["packages"] as? [[String: Any]] ?? []).map { p in
            "\((p["location"] as? String ?? "").replacingOccurrences(of: prefix, with: ""))\t\(p["sha256"] as? String ?? "")"
        })
        let codes = (doc["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        return (result.status, found, codes)
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    static func expected(_ sample: String) throws -> Set<String> {
        try CLI.rows(of: try folder().appendingPathComponent("expected.tsv"), sample: sample)
    }

    @Test(arguments: ["update.img", "rkaf.img"])
    func everyAppOfTheInnerImagesIsFound(sample: String) throws {
        let expected = try Self.expected(sample)
        #expect(expected.count >= 30)
        let (status, found, codes) = try Self.list(sample)
        #expect(found == expected, "only presetscan \(found.subtracting(expected).sorted()), only rkunpack \(expected.subtracting(found).sorted())")
        #expect(!codes.contains { $0.hasPrefix("rockchip.") || $0 == "format.unsupported" }, "\(codes)")
        // The inner images alone give the same status (their own notes, if any, come along).
        let (inner, _, _) = try Self.list("fw/super.img")
        #expect(status == inner)
    }

    /// The entries presetscan reads are the files rkunpack extracts, byte for byte.
    @Test func entriesHaveTheBytesRkunpackExtracts() throws {
        let dir = try Self.folder()
        var mine: [String: String] = [:]
        for (sample, container) in [("update.img", try RK.open(source: try FileByteSource(path: dir.appendingPathComponent("update.img").path))),
                                    ("rkaf.img", try RK.open(source: try FileByteSource(path: dir.appendingPathComponent("rkaf.img").path)))] {
            try container.forEachFile({ Issue.record("note \($0.diagnostic.code)") }) { entry in
                mine["\(sample)\t\(entry.path)"] = try Self.hex(Digest.sha256(of: entry.source!))
            }
        }
        let truth = Set(try String(contentsOf: dir.appendingPathComponent("parts.tsv"), encoding: .utf8).split(separator: "\n").map(String.init))
        #expect(Set(mine.map { "\($0.key)\t\($0.value)" }) == truth)
    }

    @Test(arguments: [
        ("update-truncated.img", "rockchip.truncated"),
        ("rkaf-far.img", "rockchip.item-out-of-range"),
        ("rkaf-overlap.img", "rockchip.item-overlap"),
        ("rkaf-count.img", "rockchip.count-overflow"),
        ("rkaf-size.img", "rockchip.size-mismatch"),
    ])
    func malformedPackagesAreNotedAndTheRestIsRead(sample: String, code: String) throws {
        let expected = try Self.expected(sample)
        let (status, found, codes) = try Self.list(sample)
        #expect(codes.contains(code), "\(codes)")
        #expect(found.isSuperset(of: expected), "missing \(expected.subtracting(found).sorted())")
        // Overlapping parts are a warning (every byte is still read); the others leave parts unread.
        #expect(status == (code == "rockchip.item-overlap" ? 0 : 3))
    }
}
