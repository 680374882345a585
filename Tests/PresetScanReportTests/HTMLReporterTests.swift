import Foundation
import PresetScanCore
import PresetScanPolicy
import Testing

@testable import PresetScanReport

/// The HTML report (issue 13): overview first, apps grouped by verdict, evidence folded, filters as
/// progressive enhancement, self-contained, in both languages. Rendered from ScanReporterTests' report,
/// which has every verdict, every rule, each kind of suppression and a hostile label. The English golden
/// is `scan.html` (ScanReporterTests.matchesGolden); the Chinese one is `scan.zh-CN.html`.
struct HTMLReporterTests {
    static func render(_ language: Language) throws -> String {
        try HTMLScanReporter(options: ScanRenderOptions(language: language)).render(ScanReporterTests.report)
    }

    @Test func chineseMatchesGolden() throws {
        let output = try Self.render(.zhCN)
        let file = ScanReporterTests.golden.appendingPathComponent("scan.zh-CN.html")
        if ProcessInfo.processInfo.environment["PRESETSCAN_UPDATE_GOLDEN"] == "1" {
            try Data(output.utf8).write(to: file)
        }
        let expected = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        #expect(output == expected, "zh-CN output differs from \(file.lastPathComponent)")
        #expect(try Self.render(.zhCN) == output)
    }

    @Test(arguments: Language.allCases)
    func selfContainedAndEscaped(_ language: Language) throws {
        let output = try Self.render(language)
        #expect(output.hasPrefix("<!DOCTYPE html>\n<html lang=\"\(language.tag)\">"))
        // Exactly one script, ours; nothing loaded from anywhere.
        #expect(output.components(separatedBy: "<script").count == 2)
        #expect(output.contains("<script>\(HTMLScanReporter.script)</script>"))
        for needle in ["src=", "<link", "<img", "<iframe", "<object", "@import", "url(http", "href=\"http", "href=\"//", "<form"] {
            #expect(!output.contains(needle), "\(language) page contains \(needle)")
        }
        // The hostile label is text, never markup.
        #expect(output.contains("&lt;script&gt;&amp;&quot;&#39;\n,=cmd"))
        #expect(!output.contains("<script>&"))
        // The sponsor that a spreadsheet would run is plain text here.
        #expect(output.contains("=HYPERLINK(&quot;http://example.invalid&quot;)"))
        #expect(output.contains("@media print"))
        #expect(output.contains(#"font: 14px/1.6 "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif"#))
        #expect(output.contains(ScanReporterTests.report.registry.sha256))
    }

    /// The CSP allows exactly the inline script and style, by hash, and nothing else.
    @Test func contentSecurityPolicyPinsTheScriptAndStyle() throws {
        let output = try Self.render(.en)
        let csp = "default-src 'none'; style-src '\(HTMLDigest.cspSource(HTMLScanReporter.style))'; "
            + "script-src '\(HTMLDigest.cspSource(HTMLScanReporter.script))'; img-src 'none'; form-action 'none'; base-uri 'none'"
        #expect(output.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"\(csp)\">"))
        #expect(!output.contains("unsafe-inline"))
        #expect(output.components(separatedBy: "<style>").count == 2)
        #expect(output.contains("<style>\(HTMLScanReporter.style)</style>"))
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("备案号 " + String(repeating: "x", count: 200), nil),
    ])
    func sha256KnownAnswers(_ input: String, _ hex: String?) {
        let digest = HTMLDigest.sha256(Array(input.utf8))
        #expect(digest.count == 32)
        if let hex { #expect(digest.map { String(format: "%02x", $0) }.joined() == hex) }
        #expect(Data(digest).base64EncodedString() == HTMLDigest.base64(digest))
    }

    @Test(arguments: [[UInt8](), [0x66], [0x66, 0x6f], [0x66, 0x6f, 0x6f], [0xff, 0xfe, 0xfd, 0xfc]])
    func base64MatchesFoundation(_ bytes: [UInt8]) {
        #expect(HTMLDigest.base64(bytes) == Data(bytes).base64EncodedString())
    }

    /// Overview first (outcome, chart, failing apps, registry and policy), then the verdict groups in
    /// `Verdict.rank` order, then run findings and diagnostics.
    @Test(arguments: Language.allCases)
    func sectionsComeInReadingOrder(_ language: Language) throws {
        let output = try Self.render(language)
        var needles = ["class=\"outcome outcome-fail\"", "<svg class=\"verdict-chart\"", "id=\"failing\"", "class=\"basis\"", "id=\"filters\""]
        needles += Verdict.allCases.sorted().map { "id=\"verdict-\($0.rawValue)\"" }
        needles += ["id=\"run-findings\"", "id=\"diagnostics\"", "<footer>"]
        let positions = try needles.map { try #require(output.range(of: $0)?.lowerBound, "\(language) page lacks \($0)") }
        #expect(positions == positions.sorted(), "\(language) page is out of order")
    }

    /// Every app with a failing finding is listed in the overview with a link to its card.
    @Test func failingAppsLinkToTheirCards() throws {
        let output = try Self.render(.en)
        let report = ScanReporterTests.report
        let failingTable = try #require(output.components(separatedBy: "<table class=\"failing\">").dropFirst().first?.components(separatedBy: "</table>").first)
        for (index, app) in report.apps.enumerated() {
            let link = "<a href=\"#app-\(index + 1)\">"
            #expect(failingTable.contains(link) == app.findings.contains(where: \.fails), "\(app.record.location)")
            #expect(output.contains("<article class=\"card card-\(app.verdict.rawValue)\" id=\"app-\(index + 1)\" data-verdict=\"\(app.verdict.rawValue)\""))
        }
        #expect(output.components(separatedBy: "<article class=\"card ").count - 1 == report.apps.count)
        // Evidence is folded: a <details> per card, closed.
        #expect(output.components(separatedBy: "<details class=\"evidence\">").count - 1 == report.apps.count)
        #expect(!output.contains("<details open"))
        // The filters are hidden without the script.
        #expect(output.contains("<div id=\"filters\" class=\"filters\" role=\"search\" hidden"))
    }

    @Test func chartHasABarAndCountPerVerdict() throws {
        let output = try Self.render(.zhCN)
        let svg = try #require(output.components(separatedBy: "<svg ").dropFirst().first?.components(separatedBy: "</svg>").first)
        for (verdict, count) in ScanReporterTests.report.verdictCounts {
            #expect(svg.contains("<g class=\"bar bar-\(verdict.rawValue)\">"))
            #expect(svg.contains("\(verdict.mark) \(Message(verdict.term).text(.zhCN))</text>"))
            #expect(svg.contains(">\(count)</text></g>"))
        }
    }

    /// The Chinese page uses SPEC §8's fixed terms and no English interface text.
    @Test func chineseUsesTheFixedTerms() throws {
        let output = try Self.render(.zhCN)
        for term in ["未备案", "证书不一致", "备案已注销或撤销", "豁免", "已批准例外", "已备案", "备案号", "主办单位", "APP名称", "包名 / Bundle ID", "签名MD5", "公钥", "不通过"] {
            #expect(output.contains(term), "no \(term)")
        }
        for english in ["Overview", "Apps by verdict", "Registry snapshot", "Policy<", "Evidence", "Signer certificate", "Location in the image", ">Remedy", "Run findings"] {
            #expect(!output.contains(english), "English \(english) in the Chinese page")
        }
    }

    @Test func escapeRemovesControlsAndBidiOverrides() {
        #expect(HTMLScanReporter.escape("a\u{202E}b\u{0}c\u{1B}[31m<") == "abc[31m&lt;")
        #expect(HTMLScanReporter.path("a/<b>!/c") == "a/<wbr>&lt;b&gt;!/<wbr>c")
    }
}
