import Foundation
import Testing

/// `presetscan filing parse` and the `filingNumbers` of `inspect`, through the binary.
struct FilingTests {
    /// Arguments and the exit status they must give: 0 only when every one is a valid app filing.
    static let exits: [([String], Int32)] = [
        (["陕ICP备2024026116号-1A"], 0),
        (["辽ICP备2023009191号-2A", "苏ICP备2026036865号-1X", "京ICP备 ２０２３０１２３４５ 号－1a"], 0),
        (["京ICP备2023012345号"], 1),
        (["京ICP证030173号"], 1),
        (["京B2-20150033"], 1),
        (["京公网安备11010502030143号"], 1),
        (["京ICP备2023012345号-01A"], 1),
        (["陕ICP备2024026116号-1A", "not a number"], 1),
    ]

    @Test(arguments: exits)
    func exitStatus(_ row: ([String], Int32)) throws {
        let result = try CLI.run(["filing", "parse"] + row.0)
        #expect(result.status == row.1, "\(row.0): \(result.stderr)")
    }

    @Test func tableShowsCanonicalFormAndProblems() throws {
        let result = try CLI.run(["filing", "parse", "川ICP备 2023012345 号—2a", "京公网安备11010502030143号"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("canonical    蜀ICP备2023012345号-2A"))
        #expect(result.stdout.contains("valid        yes"))
        #expect(result.stdout.contains("bureau       蜀 (Sichuan)"))
        #expect(result.stdout.contains("problems     spacing, historicAbbreviation, lowerCase, nonAsciiDash"))
        #expect(result.stdout.contains("kind         police filing, not an app filing"))
    }

    @Test func jsonHasOneObjectPerArgument() throws {
        let result = try CLI.run(["filing", "parse", "--format", "json", "京ICP备2023012345号-1A", "hello", "京ICP证030173号"])
        #expect(result.status == 1)
        let rows = try #require(result.json as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(rows.map { $0["input"] as? String } == ["京ICP备2023012345号-1A", "hello", "京ICP证030173号"])
        #expect(rows.map { $0["valid"] as? Bool } == [true, false, false])
        #expect(rows[1]["number"] is NSNull)
        let licence = try #require(rows[2]["number"] as? [String: Any])
        #expect(licence["kind"] as? String == "icpLicence")
        #expect(licence["canonical"] as? String == "京ICP证030173号")
        for key in ["raw", "canonical", "kind", "bureau", "province", "mainNumber", "sequence", "serviceType", "problems", "valid"] {
            #expect(licence.keys.contains(key), "missing \(key)")
        }
    }

    @Test func noArgumentIsAUsageError() throws {
        let result = try CLI.run(["filing", "parse"])
        #expect(result.status != 0)
        #expect(result.status != 1)
    }

    @Test func inspectReportsFilingNumbersInJSON() throws {
        let result = try CLI.run(["inspect", "--format", "json", CLI.sample("filing.apk")])
        #expect(result.status == 0)
        let record = try #require((result.json as? [[String: Any]])?.first)
        let numbers = try #require(record["filingNumbers"] as? [[String: Any]])
        #expect(numbers.count == 13)
        let dex = try #require(numbers.first { $0["canonical"] as? String == "闽ICP备2024000111号-3A" })
        #expect(dex["valid"] as? Bool == true)
        #expect(dex["kind"] as? String == "app")
        let sources = dex["sources"] as? [[String: Any]] ?? []
        #expect(sources.map { $0["source"] as? String } == ["classes.dex"])
        for key in ["canonical", "kind", "valid", "raw", "problems", "sources"] {
            #expect(dex.keys.contains(key), "missing \(key)")
        }
    }

    @Test func inspectTableListsFilingNumbersAndSources() throws {
        let result = try CLI.run(["inspect", CLI.sample("filing.apk")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("filing       京ICP备2023012345号-2A (app filing, valid)"))
        #expect(result.stdout.contains("from       resources.arsc:string/icp_number[zh-CN]: 京ICP备２０２３０１２３４５号－２Ａ"))
        #expect(result.stdout.contains("filing       京ICP证030173号 (ICP licence, not an app filing)"))
        #expect(result.stdout.contains("filing       京ICP备2009012345号-01A (app filing, invalid: badYear, leadingZero)"))
    }

    @Test func samplesWithoutNumbersReportAnEmptyList() throws {
        let result = try CLI.run(["inspect", "--format", "json", CLI.sample("offline.apk"), CLI.sample("unsigned.apk")])
        let records = try #require(result.json as? [[String: Any]])
        for record in records { #expect((record["filingNumbers"] as? [Any])?.isEmpty == true) }
    }
}
