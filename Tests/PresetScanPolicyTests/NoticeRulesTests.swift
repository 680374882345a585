import PresetScanApps
import PresetScanCore
import PresetScanFiling
import Testing

@testable import PresetScanPolicy

/// PS012–PS014 on records (MIIT Notice [2023] No. 105): the name filed, the number shown, the link.
@Suite struct NoticeRulesTests {
    typealias E = EvaluatorTests

    func rules(_ record: AppRecord, name: String = "Hello") -> [Rule] {
        var filing = E.filing("京ICP备2023012345号-1A", "cn.a", md5s: [E.md5])
        filing.filing.appName = name
        return E().assess(record, [filing], noticeRules: true).findings.map(\.rule).filter { $0 >= .PS012 }
    }

    @Test func numberShownWithTheLinkIsQuiet() {
        var r = E.record("cn.a", numbers: [E.number("京ICP备2023012345号-1A")])
        r.label = "Hello"
        r.filingSystemLinks = ["assets/about.html"]
        #expect(rules(r).isEmpty)
        r.filingSystemLinks = []
        #expect(rules(r) == [.PS014])
    }

    @Test func filedNetworkedAppWithoutANumberIsPS013() {
        var r = E.record("cn.a")
        r.label = "Hello"
        #expect(rules(r) == [.PS013])
        r.usesInternet = false
        #expect(rules(r).isEmpty, "no network access: nothing to show")
        // Unfiled apps are PS001's business, not PS013's.
        var unfiled = E.record("cn.b")
        unfiled.label = "Hello"
        #expect(E().assess(unfiled, [], noticeRules: true).findings.map(\.rule).filter { $0 >= .PS012 }.isEmpty)
    }

    @Test(arguments: [
        ("Hello", "ＨＥＬＬＯ!"), ("微信 WeChat", "微信"), ("离线 \"Notes\" it's offline", "离线 \"Notes\""), ("Hello, 你好", "hello"),
        ("Ｑｕｉｃｋ　Ｄｅｍｏ", "quick-demo"),
    ])
    func namesThatMatchAsAPersonReadsThem(_ label: String, _ filed: String) {
        #expect(NameMatch.matches(label, filed))
        var r = E.record("cn.a", numbers: [E.number("京ICP备2023012345号-1A")])
        r.filingSystemLinks = ["x"]
        r.label = label
        #expect(rules(r, name: filed).isEmpty)
    }

    @Test func nameThatDoesNotMatchNamesTheClosestLabel() throws {
        var r = E.record("cn.a", numbers: [E.number("京ICP备2023012345号-1A")])
        r.filingSystemLinks = ["x"]
        r.label = "Totally Else"
        r.labels = ["zh-CN": "你好世界", "en": "Helo"]
        var filing = E.filing("京ICP备2023012345号-1A", "cn.a", md5s: [E.md5])
        filing.filing.appName = "Hello"
        let finding = try #require(E().assess(r, [filing], noticeRules: true).findings.first { $0.rule == .PS012 })
        #expect(finding.evidence["closestLabel"] == "Helo")
        #expect(finding.evidence["locale"] == "en")
        #expect(finding.severity == .warning)
        #expect(!Policy.defaultFailOn.contains(.PS012))
    }

    @Test func foldingIgnoresWidthCasePunctuationAndSpace() {
        #expect(NameMatch.fold("Ｈｅｌｌｏ，　Ｗｏｒｌｄ！") == "helloworld")
        #expect(NameMatch.fold("“离线”·笔记") == "离线笔记")
        #expect(!NameMatch.matches("", "x"))
        #expect(!NameMatch.matches("!!!", "..."))
    }
}
