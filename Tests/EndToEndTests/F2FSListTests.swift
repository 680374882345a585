import Foundation
import Testing

/// `presetscan list` on f2fs images built by `Samples/make-f2fs.sh`: every APK found with the SHA-256
/// `dump.f2fs` extracts (files.tsv), at `image!/path`.
@Suite(.serialized) struct F2FSListTests {
    static let fixtures: URL? = CLI.makeFixtures("make-f2fs.sh", prefix: "presetscan-f2fs-e2e")

    static func expectedAPKs(_ image: String) throws -> Set<String> {
        let dir = try #require(fixtures, "Samples/make-f2fs.sh failed (needs f2fs-tools)")
        let text = try String(contentsOf: dir.appendingPathComponent("files.tsv"), encoding: .utf8)
        var out: Set<String> = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if f.count == 4, f[0] == "f2fs.img", f[1].hasSuffix(".apk") { out.insert("\(image)!/\(f[1])\t\(f[3])") }
        }
        return out
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

    @Test(arguments: ["f2fs.img", "f2fs-extra.img", "lz4.img"])
    func everyAPKFoundWithItsHash(image: String) throws {
        let (status, found, doc) = try Self.list(image)
        let expected = try Self.expectedAPKs(image)
        let foundAPKs = found.filter { $0.contains(".apk\t") }
        #expect(expected == foundAPKs,
                "\(image): missing \(expected.subtracting(foundAPKs).sorted()); found \(found.sorted())")
        #expect(foundAPKs.contains { $0.hasPrefix("\(image)!/app/Hello/Hello.apk\t") })
        #expect(status == 0, "\(image): \(doc["diagnostics"] ?? "")")
        #expect(Self.codes(doc) == ["f2fs.symlink"])
    }

    @Test func unreadableImagesArePS009() throws {
        let (status, _, doc) = try Self.list("broken-magic.img")
        #expect(status != 0)
        #expect(!Self.codes(doc).isEmpty)
        let (status2, found2, doc2) = try Self.list("compressed.img")
        #expect(status2 != 0)
        #expect(Self.codes(doc2).contains("f2fs.compressed"))
        #expect(found2.contains { $0.hasPrefix("compressed.img!/app/Filing/Filing.apk\t") })
    }
}
