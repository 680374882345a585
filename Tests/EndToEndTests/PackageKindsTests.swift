import Foundation
import Testing

/// Packages of every platform preset in one image (`Samples/make-mixed.sh`): each one is listed
/// with its kind, platform and identity, or with an error that makes the scan incomplete (PS009);
/// none vanishes, and a scan never passes over them.
@Suite(.serialized) struct PackageKindsTests {
    static let fixtures: URL? = CLI.makeFixtures("make-mixed.sh", prefix: "presetscan-mixed")

    static func expected() throws -> Set<String> {
        let dir = try #require(fixtures, "Samples/make-mixed.sh failed (needs e2fsprogs, zip, python3)")
        let text = try String(contentsOf: dir.appendingPathComponent("expected.tsv"), encoding: .utf8)
        return Set(text.split(separator: "\n").map(String.init))
    }

    /// `list --format json` of `input`, as rows like expected.tsv's (location relative to the input).
    static func listed(_ input: String) throws -> (status: Int32, rows: Set<String>, doc: [String: Any]) {
        let dir = try #require(fixtures)
        let result = try CLI.run(["list", "--format", "json", dir.appendingPathComponent(input).path])
        let doc = try #require(result.json as? [String: Any], "no JSON: \(result.stderr)")
        let packages = doc["packages"] as? [[String: Any]] ?? []
        let prefixes = [dir.appendingPathComponent(input).path + "!/", dir.appendingPathComponent(input).path + "/"]
        let rows = Set(packages.map { p -> String in
            var location = p["location"] as? String ?? ""
            for prefix in prefixes where location.hasPrefix(prefix) { location = String(location.dropFirst(prefix.count)) }
            let errors = p["errors"] as? [Any] ?? []
            return [location, p["kind"] as? String ?? "?", p["platform"] as? String ?? "?", p["package"] as? String ?? "-",
                    errors.isEmpty ? "ok" : "error"].joined(separator: "\t")
        })
        return (result.status, rows, doc)
    }

    @Test(arguments: ["mixed.img", "tree"])
    func everyPackageIsListedOrAnError(input: String) throws {
        let expected = try Self.expected()
        #expect(expected.count >= 7)
        let (status, rows, doc) = try Self.listed(input)
        #expect(rows == expected, "only presetscan: \(rows.subtracting(expected).sorted()); only expected: \(expected.subtracting(rows).sorted())")
        // Broken packages make the listing incomplete.
        #expect(status == 3, "\(doc["diagnostics"] ?? "")")
        #expect(doc["complete"] as? Bool == false)
    }

    @Test func scanNeverPassesOverThem() throws {
        let dir = try #require(Self.fixtures)
        let result = try CLI.run([
            "scan", dir.appendingPathComponent("mixed.img").path, "--registry", "Samples/registry/filings.csv",
            "--format", "json", "--no-progress",
        ])
        let doc = try #require(result.json as? [String: Any], "no JSON: \(result.stderr)")
        #expect(result.status != 0)
        let apps = doc["apps"] as? [[String: Any]] ?? []
        let findings = apps.flatMap { $0["findings"] as? [[String: Any]] ?? [] }
        let rules = Set(findings.compactMap { $0["ruleId"] as? String })
        #expect(rules.contains("PS009"), "broken packages are PS009")
        let platforms = Set(apps.compactMap { $0["platform"] as? String })
        #expect(platforms.isSuperset(of: ["android", "quickapp", "harmony"]))
    }
}
