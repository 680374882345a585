import Foundation
import Testing

/// Issue 3: `list` reports the filing numbers each package displays, like `inspect` and `scan`.
@Suite struct ListFilingTests {
    func filings(_ extra: [String]) throws -> [String] {
        let result = try CLI.run(["list", "--format", "json", "--no-progress", CLI.sample("filing.apk")] + extra)
        #expect(result.status == 0, "\(result.stderr)")
        let packages = try #require((result.json as? [String: Any])?["packages"] as? [[String: Any]])
        return (packages.first?["filingNumbers"] as? [[String: Any]] ?? []).compactMap { $0["canonical"] as? String }
    }

    @Test func listReportsFilingNumbersAsInspectDoes() throws {
        let inspect = try CLI.run(["inspect", "--format", "json", CLI.sample("filing.apk")])
        let records = try #require(inspect.json as? [[String: Any]])
        let expected = (records.first?["filingNumbers"] as? [[String: Any]] ?? []).compactMap { $0["canonical"] as? String }
        #expect(expected.contains("京ICP备2023012345号-2A"))
        #expect(try filings([]) == expected)
        #expect(try filings(["--no-filing-search"]).isEmpty)
    }
}
