import Foundation
import Testing

@testable import PresetScanFiling

/// One row of the grammar table: the text, and what `parse` must make of it.
struct GrammarCase: CustomTestStringConvertible, Sendable {
    var text: String
    /// nil: `parse` must return nil (not filing-like at all).
    var canonical: String?
    var kind: FilingNumber.Kind = .app
    var valid = false
    var problems: [FilingNumber.Problem] = []

    var testDescription: String { text }

    static func valid(_ text: String, _ canonical: String, _ problems: [FilingNumber.Problem] = []) -> GrammarCase {
        GrammarCase(text: text, canonical: canonical, kind: .app, valid: true, problems: problems)
    }

    static func invalid(
        _ text: String, _ canonical: String, _ kind: FilingNumber.Kind = .app, _ problems: [FilingNumber.Problem] = []
    ) -> GrammarCase {
        GrammarCase(text: text, canonical: canonical, kind: kind, valid: false, problems: problems)
    }

    static func notFiling(_ text: String) -> GrammarCase { GrammarCase(text: text, canonical: nil) }
}

/// Years are judged against a fixed "now" so the table does not rot.
let testYear = 2026

struct FilingNumberTests {
    /// Each of the 31 bureaus once, with its province, across 8/10-digit numbers and A/X/K.
    static let bureaus: [(String, String, String)] = [
        ("京ICP备2023012345号-1A", "京", "Beijing"), ("津ICP备12345678号-2A", "津", "Tianjin"),
        ("冀ICP备2020000001号-3X", "冀", "Hebei"), ("晋ICP备2019012345号-1K", "晋", "Shanxi"),
        ("蒙ICP备2021001234号-12A", "蒙", "Inner Mongolia"), ("辽ICP备2023009191号-2A", "辽", "Liaoning"),
        ("吉ICP备2010000001号-1A", "吉", "Jilin"), ("黑ICP备2015034567号-999A", "黑", "Heilongjiang"),
        ("沪ICP备05001234号-5A", "沪", "Shanghai"), ("苏ICP备2026036865号-1X", "苏", "Jiangsu"),
        ("浙ICP备2022003456号-7K", "浙", "Zhejiang"), ("皖ICP备2018018888号-1A", "皖", "Anhui"),
        ("闽ICP备2024000111号-3A", "闽", "Fujian"), ("赣ICP备2017002222号-1X", "赣", "Jiangxi"),
        ("鲁ICP备2016012121号-100A", "鲁", "Shandong"), ("豫ICP备2022024242号-1A", "豫", "Henan"),
        ("鄂ICP备2021002021号-4K", "鄂", "Hubei"), ("湘ICP备2012000012号-1A", "湘", "Hunan"),
        ("粤ICP备2023054321号-8A", "粤", "Guangdong"), ("桂ICP备2011001111号-1X", "桂", "Guangxi"),
        ("琼ICP备2014003333号-2A", "琼", "Hainan"), ("渝ICP备2025012345号-1A", "渝", "Chongqing"),
        ("蜀ICP备2020020202号-1A", "蜀", "Sichuan"), ("黔ICP备2019009999号-6A", "黔", "Guizhou"),
        ("滇ICP备2013004444号-1K", "滇", "Yunnan"), ("藏ICP备2016000016号-1A", "藏", "Tibet"),
        ("陕ICP备2024026116号-1A", "陕", "Shaanxi"), ("陇ICP备2018001818号-1A", "陇", "Gansu"),
        ("青ICP备2017000017号-3X", "青", "Qinghai"), ("宁ICP备2021000021号-1A", "宁", "Ningxia"),
        ("新ICP备2022000022号-2A", "新", "Xinjiang"),
    ]

    @Test(arguments: bureaus)
    func everyBureau(_ row: (String, String, String)) throws {
        let number = try #require(FilingNumber.parse(row.0, currentYear: testYear))
        #expect(number.kind == .app)
        #expect(number.isValidAppFiling)
        #expect(number.problems.isEmpty)
        #expect(number.canonical == row.0)
        #expect(number.bureau == row.1)
        #expect(number.province == row.2)
    }

    @Test func thirtyOneDistinctBureaus() {
        #expect(Set(Self.bureaus.map(\.1)).count == 31)
        #expect(Bureau.all.count == 31)
        #expect(Set(Self.bureaus.map(\.1)) == Set(Bureau.all.map { String($0.abbreviation) }))
    }

    static let cases: [GrammarCase] = [
        // Historic abbreviations map to the official bureau and stay valid.
        .valid("川ICP备2023012345号-1A", "蜀ICP备2023012345号-1A", [.historicAbbreviation]),
        .valid("贵ICP备2023012345号-1A", "黔ICP备2023012345号-1A", [.historicAbbreviation]),
        .valid("云ICP备12345678号-2X", "滇ICP备12345678号-2X", [.historicAbbreviation]),
        .valid("甘ICP备2020001234号-1K", "陇ICP备2020001234号-1K", [.historicAbbreviation]),
        // Service types.
        .valid("京ICP备2023012345号-1X", "京ICP备2023012345号-1X"),
        .valid("京ICP备2023012345号-1K", "京ICP备2023012345号-1K"),
        .invalid("京ICP备2023012345号-1B", "京ICP备2023012345号-1B", .app, [.badServiceType]),
        // Main numbers: 8 digits (any), 10 digits from 2010 up to this year.
        .valid("京ICP备00000001号-1A", "京ICP备00000001号-1A"),
        .valid("京ICP备2010000000号-1A", "京ICP备2010000000号-1A"),
        .valid("京ICP备2026999999号-1A", "京ICP备2026999999号-1A"),
        .invalid("京ICP备2009012345号-1A", "京ICP备2009012345号-1A", .app, [.badYear]),
        .invalid("京ICP备2027012345号-1A", "京ICP备2027012345号-1A", .app, [.badYear]),
        .invalid("京ICP备1234567号-1A", "京ICP备1234567号-1A", .app, [.badMainNumber]),
        .invalid("京ICP备123456789号-1A", "京ICP备123456789号-1A", .app, [.badMainNumber]),
        .invalid("京ICP备20230123456号-1A", "京ICP备20230123456号-1A", .app, [.badMainNumber]),
        // Sequence: 1–999, no leading zero.
        .valid("京ICP备2023012345号-999A", "京ICP备2023012345号-999A"),
        .invalid("京ICP备2023012345号-0A", "京ICP备2023012345号-0A", .app, [.badSequence]),
        .invalid("京ICP备2023012345号-1000A", "京ICP备2023012345号-1000A", .app, [.badSequence]),
        .invalid("京ICP备2023012345号-01A", "京ICP备2023012345号-01A", .app, [.leadingZero]),
        .invalid("京ICP备2023012345号-007A", "京ICP备2023012345号-007A", .app, [.leadingZero]),
        // Cosmetic variants canonicalise and stay valid.
        .valid("京ICP备２０２３０１２３４５号-１Ａ", "京ICP备2023012345号-1A", [.fullWidth]),
        .valid("京ＩＣＰ备2023012345号－1A", "京ICP备2023012345号-1A", [.fullWidth]),
        .valid("京ｉｃｐ备2023012345号-1ａ", "京ICP备2023012345号-1A", [.fullWidth, .lowerCase]),
        .valid("京ICP备2023012345号–1A", "京ICP备2023012345号-1A", [.nonAsciiDash]),
        .valid("京ICP备2023012345号—1A", "京ICP备2023012345号-1A", [.nonAsciiDash]),
        .valid("京ICP备2023012345号−1A", "京ICP备2023012345号-1A", [.nonAsciiDash]),
        .valid("京ICP备 2023012345 号-2A", "京ICP备2023012345号-2A", [.spacing]),
        .valid("京 ICP 备 2023012345 号 - 2 A", "京ICP备2023012345号-2A", [.spacing]),
        .valid("京ICP备\u{3000}2023012345号-2A", "京ICP备2023012345号-2A", [.spacing]),
        .valid("京icp备2023012345号-1a", "京ICP备2023012345号-1A", [.lowerCase]),
        .valid("京Icp备2023012345号-1x", "京ICP备2023012345号-1X", [.lowerCase]),
        .valid("京ICP备2023012345-1A", "京ICP备2023012345号-1A", [.missingHao]),
        .valid("京ICP备2023012345號-1A", "京ICP备2023012345号-1A"),
        .valid("  京ICP备2023012345号-1A  ", "京ICP备2023012345号-1A"),
        .valid(
            "川ｉｃｐ备 ２０２３０１２３４５－３ａ", "蜀ICP备2023012345号-3A",
            [.fullWidth, .spacing, .missingHao, .historicAbbreviation, .lowerCase]),
        // Bureau problems.
        .invalid("ICP备2023012345号-1A", "ICP备2023012345号-1A", .app, [.missingBureau]),
        .invalid("港ICP备2023012345号-1A", "港ICP备2023012345号-1A", .app, [.unknownBureau]),
        .invalid("中ICP备2023012345号-1A", "中ICP备2023012345号-1A", .app, [.unknownBureau]),
        .invalid("京ICP备2023012345号-1A备案", "京ICP备2023012345号-1A", .app, [.trailingText]),
        // Website filings: no service type.
        .invalid("京ICP备2023012345号", "京ICP备2023012345号", .website),
        .invalid("京ICP备12345678号-1", "京ICP备12345678号-1", .website),
        .invalid("京ICP备2023012345号-3", "京ICP备2023012345号-3", .website),
        .invalid("粤ICP备12345678号", "粤ICP备12345678号", .website),
        .invalid("京ICP备12345678", "京ICP备12345678号", .website, [.missingHao]),
        // Licences and police filings are classified, never app filings.
        .invalid("京ICP证030173号", "京ICP证030173号", .icpLicence),
        .invalid("沪ICP证 130164 号", "沪ICP证130164号", .icpLicence, [.spacing]),
        .invalid("京B2-20150033", "京B2-20150033", .valueAddedLicence),
        .invalid("粤B1-20180123", "粤B1-20180123", .valueAddedLicence),
        .invalid("京B2－20150033", "京B2-20150033", .valueAddedLicence, [.fullWidth]),
        .invalid("京公网安备11010502030143号", "京公网安备11010502030143号", .policeFiling),
        .invalid("川公网安备51019002004313号", "蜀公网安备51019002004313号", .policeFiling, [.historicAbbreviation]),
        .invalid("京公网安备 11010502030143", "京公网安备11010502030143号", .policeFiling, [.spacing, .missingHao]),
        // Not filing-like at all.
        .notFiling(""),
        .notFiling("hello"),
        .notFiling("京ICP"),
        .notFiling("京ICP备案"),
        .notFiling("京ICP号2023012345"),
        .notFiling("ICPClient"),
        .notFiling("B2-20150033"),
        .notFiling("京东商城"),
    ]

    @Test(arguments: cases)
    func grammar(_ c: GrammarCase) {
        let number = FilingNumber.parse(c.text, currentYear: testYear)
        guard let canonical = c.canonical else {
            #expect(number == nil)
            return
        }
        guard let number else {
            Issue.record("not parsed: \(c.text)")
            return
        }
        #expect(number.canonical == canonical)
        #expect(number.kind == c.kind)
        #expect(number.isValidAppFiling == c.valid)
        #expect(number.problems == c.problems)
    }

    @Test func countsAtLeastSixtyCases() {
        #expect(Self.cases.count + Self.bureaus.count >= 60)
    }

    @Test func partsOfAnAppFiling() throws {
        let number = try #require(FilingNumber.parse("陕ICP备2024026116号-12X", currentYear: testYear))
        #expect(number.raw == "陕ICP备2024026116号-12X")
        #expect(number.mainNumber == "2024026116")
        #expect(number.sequence == 12)
        #expect(number.serviceType == .miniProgram)
        #expect(number.province == "Shaanxi")
    }

    @Test func rawKeepsTheTextAsWritten() throws {
        let text = "京ICP备 ２０２３０１２３４５ 号－1a"
        let number = try #require(FilingNumber.parse(text, currentYear: testYear))
        #expect(number.raw == text)
        #expect(number.canonical == "京ICP备2023012345号-1A")
    }

    @Test func jsonCarriesEveryKeyAndValid() throws {
        let number = try #require(FilingNumber.parse("京ICP备2023012345号", currentYear: testYear))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(number), as: UTF8.self)
        #expect(json.contains("\"serviceType\":null"))
        #expect(json.contains("\"valid\":false"))
        #expect(json.contains("\"kind\":\"website\""))
        let back = try JSONDecoder().decode(FilingNumber.self, from: Data(json.utf8))
        #expect(back == number)
    }

    @Test func defaultYearIsThisYear() throws {
        let thisYear = FilingNumber.currentYear
        #expect(thisYear >= 2026)
        let next = try #require(FilingNumber.parse("京ICP备\(thisYear + 1)012345号-1A"))
        #expect(next.problems == [.badYear])
    }
}
