import Foundation
import Testing

/// `presetscan list` on EROFS images built by `Samples/make-erofs.sh`, compared with what
/// `fsck.erofs --extract` (erofs-utils 1.5) extracts from them; for the MicroLZMA and DEFLATE images,
/// which erofs-utils 1.5 cannot decode, with the tree they were made from (the script writes both
/// to `expected.tsv`).
@Suite(.serialized) struct EROFSListTests {
    static let fixtures: URL? = CLI.makeFixtures("make-erofs.sh", prefix: "presetscan-erofs-e2e")

    static func expected(_ sample: String) throws -> Set<String> {
        let dir = try #require(fixtures, "Samples/make-erofs.sh failed (needs erofs-utils and what make-firmware.sh needs)")
        // Three fields a row: sample, location, sha256.
        return try CLI.rows(of: dir.appendingPathComponent("expected.tsv"), sample: sample)
            .filter { $0.split(separator: "\t", omittingEmptySubsequences: false).count == 2 }
    }

    static func list(_ input: String) throws -> (Int32, Set<String>, [String: Any]) {
        let dir = try #require(fixtures)
        let result = try CLI.run(["list", "--hash", "--format", "json", dir.appendingPathComponent(input).path])
        let doc = try #require(result.json as? [String: Any], "no JSON: \(result.stderr)")
        let packages = doc["packages"] as? [[String: Any]] ?? []
        let found = Set(packages.map { p -> String in
            let location = (p["location"] as? String ?? "").replacingOccurrences(of: dir.path + "/", with: "")
            return "\(location)\t\(p["sha256"] as? String ?? "")"
        })
        return (result.status, found, doc)
    }

    static func codes(_ doc: [String: Any]) -> [String] {
        (doc["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    @Test(arguments: ["erofs.img", "erofs-lz4.img", "erofs-lz4hc.img", "erofs-bigpcluster.img", "erofs-ztail.img",
                      "erofs-legacy.img", "erofs-extended.img", "erofs-chunk.img", "erofs-lzma.img", "erofs-deflate.img"])
    func agreesWithTheRealTools(sample: String) throws {
        let expected = try Self.expected(sample)
        #expect(expected.count >= 12)
        let (status, found, doc) = try Self.list(sample)
        #expect(found == expected, "\(sample): only presetscan \(found.subtracting(expected).sorted()), only the tools \(expected.subtracting(found).sorted())")
        #expect(status == 0, "\(sample): \(doc["diagnostics"] ?? "")")
        #expect(doc["complete"] as? Bool == true)
        #expect(Self.codes(doc) == ["erofs.symlink"])
    }

    @Test func unknownIncompatibleFeatureIsPS009() throws {
        let dir = try #require(Self.fixtures)
        var bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent("erofs-lz4hc.img")))
        bytes[1024 + 80] |= 0x80  // EROFS_FEATURE_INCOMPAT_48BIT: not understood, must not be guessed
        try Data(bytes).write(to: dir.appendingPathComponent("future.img"))
        let (status, found, doc) = try Self.list("future.img")
        #expect(status == 3)
        #expect(found.isEmpty)
        #expect(Self.codes(doc) == ["erofs.unsupported-feature"])
    }

    @Test func truncatedImageIsIncomplete() throws {
        let dir = try #require(Self.fixtures)
        let data = try Data(contentsOf: dir.appendingPathComponent("erofs-lzma.img"))
        try data.prefix(data.count / 2).write(to: dir.appendingPathComponent("cut.img"))
        let (status, _, doc) = try Self.list("cut.img")
        #expect(status == 3)
        #expect(Self.codes(doc).contains("erofs.truncated"))
    }
}
