import Foundation
import Testing

/// Rules PS012–PS014 (MIIT Notice [2023] No. 105 items 2(8) and 3(4)) on the sample apps, in every
/// report format. The samples already hold each case:
/// - `filing.apk` shows filing numbers and links to beian.miit.gov.cn (`assets/about.html`): no PS014;
/// - `hello.apk` shows its number with no link: PS014;
/// - `unsigned.apk` requests INTERNET and shows no number: PS013 once filed;
/// - `offline.apk` has no network permission and no number: no PS013 though filed;
/// - names: hello's label "Hello" against "ＨＥＬＬＯ!" (width, case, punctuation folded) matches;
///   filing's label "Filing" against "完全不同的名称" does not (PS012, closest label reported).
@Suite(.serialized) struct NoticeRulesTests {
    static let records = """
        filing_number,app_name,sponsor,identifier,status,approved_on
        京ICP备2023012345号-1A,ＨＥＬＬＯ!,Sponsor,cn.example.hello,active,2026-11-20
        京ICP备2023012345号-2A,完全不同的名称,Sponsor,cn.example.filing,active,2026-11-20
        粤ICP备2024054321号-2A,Unsigned,Sponsor,cn.example.unsigned,active,2026-11-20
        粤ICP备2024054321号-3A,离线 "Notes",Sponsor,cn.example.offline,active,2026-11-20

        """

    static let apps = ["filing.apk", "hello.apk", "unsigned.apk", "offline.apk"].map(CLI.sample)

    @Test func eachRuleWhereTheNoticeAsks() throws {
        let scratch = try ScanTests.Scratch()
        let csv = try scratch.write("records.csv", Self.records)
        let json = scratch.path("r.json")
        let result = try CLI.run(["scan"] + Self.apps + ["--registry", csv, "--format", "json", "--output", json, "--no-progress"]
                                 + ScanTests.today)
        // Warnings only: none of the three is in the default failOn.
        #expect(result.status == 0, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let apps = report["apps"] as? [[String: Any]] ?? []
        func rules(_ file: String) -> [String] {
            let app = apps.first { ($0["location"] as? String)?.hasSuffix(file) == true }
            return ((app?["findings"] as? [[String: Any]]) ?? []).compactMap { $0["ruleId"] as? String }.sorted()
        }
        func finding(_ file: String, _ rule: String) -> [String: Any]? {
            let app = apps.first { ($0["location"] as? String)?.hasSuffix(file) == true }
            return ((app?["findings"] as? [[String: Any]]) ?? []).first { $0["ruleId"] as? String == rule }
        }
        #expect(rules("hello.apk") == ["PS014"])
        #expect(!rules("filing.apk").contains("PS014"))
        #expect(rules("filing.apk").contains("PS012"))
        let ps012 = finding("filing.apk", "PS012")
        #expect((ps012?["evidence"] as? [String: String])?["closestLabel"] == "Filing")
        #expect(rules("unsigned.apk").contains("PS013"))
        #expect((finding("unsigned.apk", "PS013")?["message"] as? String)?.contains("run time") == true)
        #expect(!rules("offline.apk").contains("PS013"))
        #expect(!rules("offline.apk").contains("PS012"))
    }

    /// Every format carries the new rules (SARIF rule metadata, JUnit cases, CSV rows, HTML, table),
    /// in both languages; a policy can make them fail the build.
    @Test(arguments: ["en", "zh-CN"])
    func everyFormatCarriesThem(_ lang: String) throws {
        let scratch = try ScanTests.Scratch()
        let csv = try scratch.write("records.csv", Self.records)
        var arguments = ["scan"] + Self.apps + ["--registry", csv, "--no-progress", "--lang", lang, "--color", "never",
                                                 "--output", scratch.path("r.txt")]
        for format in ["json", "sarif", "junit", "csv", "html", "cyclonedx"] { arguments += ["--report", "\(format)=\(scratch.path("r.\(format)"))"] }
        let result = try CLI.run(arguments + ScanTests.today)
        #expect(result.status == 0, "\(result.stderr)")
        for format in ["json", "sarif", "junit", "csv", "html", "txt"] {
            let text = try String(contentsOfFile: scratch.path("r.\(format)"), encoding: .utf8)
            for rule in ["PS012", "PS013", "PS014"] { #expect(text.contains(rule), "\(rule) missing from \(format) (\(lang))") }
        }
        let sarif = try String(contentsOfFile: scratch.path("r.sarif"), encoding: .utf8)
        #expect(sarif.contains("filed-name-mismatch") && sarif.contains("no-filing-system-link"))
        if lang == "zh-CN" {
            let html = try String(contentsOfFile: scratch.path("r.html"), encoding: .utf8)
            #expect(html.contains("没有指向备案系统"))
        }
        let policy = try scratch.write("p.yaml", "version: 1\nfailOn: [PS001, PS012]\n")
        #expect(try CLI.run(["scan"] + Self.apps + ["--registry", csv, "--policy", policy, "--no-progress"] + ScanTests.today).status == 1)
    }
}
