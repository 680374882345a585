import Foundation
import Testing

@testable import PresetScanRegistry

/// Reading records files: CSV dialect, header aliases, JSON Lines, normalisation and bad rows.
@Suite struct RecordsTests {
    static func rows(_ text: String, bom: Bool = false, name: String = "r.csv") throws -> [RecordsFile.Row] {
        let scratch = Scratch()
        let file = try RecordsFile(
            path: scratch.write(name, text, bom: bom), filingNumbers: FilingNumberValidator(currentYear: 2026))
        var out: [RecordsFile.Row] = []
        while let row = try file.next() { out.append(row) }
        return out
    }

    static func records(_ rows: [RecordsFile.Row]) -> [RegistryRecord] {
        rows.compactMap { if case let .record(r, _) = $0 { r } else { nil } }
    }

    static func bad(_ rows: [RecordsFile.Row]) -> [BadRow] {
        rows.compactMap { if case let .bad(b) = $0 { b } else { nil } }
    }

    @Test(arguments: [
        "filing_number,app_name,sponsor,identifier",
        "FILING_NUMBER,App_Name,SPONSOR,Identifier",
        "服务备案号,APP名称,主办单位名称,包名",
        "备案号,应用名称,主办单位,Bundle ID",
        "备案号,app名称,主办单位, bundle_id ",
        "filing_number,app_name,sponsor,PACKAGE",
    ])
    func headerAliases(header: String) throws {
        let rows = try Self.rows("\(header)\n京ICP备2023012345号-1A,Hello,示例,cn.example.hello\n")
        let record = try #require(Self.records(rows).first)
        #expect(record.identifier == "cn.example.hello")
        #expect(record.platform == .android)
        #expect(record.status == .active)
    }

    @Test func everyChineseColumn() throws {
        let text = """
            服务备案号,APP名称,主办单位名称,平台,包名,签名MD5值,平台公钥,状态,审核通过日期
            京ICP备2023012345号-1A,你好,示例,ios,cn.example.hello,E0:38:D8:15:ED:FC:62:A0:2B:38:AE:C2:DB:7B:6F:02,AB:CD:EF,已撤销,2026/1/5

            """
        let record = try #require(Self.records(try Self.rows(text)).first)
        #expect(record.platform == .ios)
        #expect(record.certMD5 == Fixture.md5A)
        #expect(record.publicKey == "abcdef")
        #expect(record.status == .revoked)
        #expect(record.approvedOn == "2026-01-05")
    }

    @Test func missingRequiredColumnFailsTheFile() {
        #expect(throws: RegistryError.self) { try Self.rows("filing_number,app_name,identifier\nx,y,z\n") }
        #expect(throws: RegistryError.self) { try Self.rows("") }
        #expect(throws: RegistryError.self) { try Self.rows("备案号,服务备案号,app_name,sponsor,identifier\n") }
    }

    @Test func quotedFieldsWithCommasQuotesAndNewlines() throws {
        let text = [
            "filing_number,app_name,sponsor,identifier,status\n",
            "京ICP备2023012345号-1A,\"Hello, \"\"world\"\"\",\"第一行\n第二行\",cn.example.a,active\r\n",
            "粤ICP备2024054321号-2A,Plain,\"\",cn.example.b,active\r\n",
            "沪ICP备2022000001号-3A,Last,S,cn.example.c,正常",
        ].joined()
        let rows = try Self.rows(text)
        #expect(Self.bad(rows).map(\.line) == [4])
        #expect(Self.bad(rows).first?.reason.contains("sponsor") == true)
        let records = Self.records(rows)
        #expect(records.count == 2)
        #expect(records.first?.appName == "Hello, \"world\"")
        #expect(records.first?.sponsor == "第一行\n第二行")
        // The third record starts on line 5: the quoted newline counts as a line of the file.
        if case let .record(_, line) = rows[2] { #expect(line == 5) } else { Issue.record("third row") }
        #expect(records.last?.identifier == "cn.example.c")
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let rows = try Self.rows("备案号,应用名称,主办单位,包名\n京ICP备2023012345号-1A,A,B,cn.example.a\n", bom: true)
        #expect(Self.records(rows).count == 1)
    }

    @Test func badRowsNameTheirLineAndReason() throws {
        let text = """
            filing_number,app_name,sponsor,identifier,cert_md5,platform,status,approved_on
            京ICP备2023012345号-1A,A,S,cn.example.ok,,,,
            京ICP备2023012345号,A,S,cn.example.website,,,,
            京ICP证030173号,A,S,cn.example.licence,,,,
            京ICP备2023012345号-1A,A,S,cn.example.md5,abc,,,
            京ICP备2023012345号-1A,A,S,cn.example.platform,,symbian,,
            京ICP备2023012345号-1A,A,S,cn.example.status,,,gone,
            京ICP备2023012345号-1A,A,S,cn.example.date,,,,2026-02-30
            京ICP备2023012345号-1A,A,S,cn.example with space,,,,
            京ICP备2023012345号-1A,A,S,cn.example.fields,,,,,extra
            ,A,S,cn.example.empty,,,,
            京ICP备2023012345号-1A,A,S,"cn.example.unterminated,,,,

            """
        let bad = Self.bad(try Self.rows(text))
        #expect(bad.map(\.line) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        #expect(bad.allSatisfy { $0.file.hasSuffix("r.csv") })
        #expect(bad[0].reason.contains("website"))
        #expect(bad[1].reason.contains("licence"))
        #expect(bad[2].reason.contains("cert_md5"))
        #expect(bad[3].reason.contains("platform"))
        #expect(bad[4].reason.contains("status"))
        #expect(bad[5].reason.contains("approved_on"))
        #expect(bad[6].reason.contains("whitespace"))
        #expect(bad[7].reason.contains("fields"))
        #expect(bad[8].reason.contains("filing_number"))
        #expect(bad[9].reason.contains("never closed"))
    }

    @Test func overlongFieldIsOneBadRow() throws {
        let long = String(repeating: "x", count: CSVReader.maxFieldBytes + 10)
        let rows = try Self.rows(
            "filing_number,app_name,sponsor,identifier\n京ICP备2023012345号-1A,\(long),S,cn.example.a\n京ICP备2023012345号-1A,A,S,cn.example.b\n")
        #expect(Self.bad(rows).map(\.line) == [2])
        #expect(Self.bad(rows).first?.reason.contains("longer than") == true)
        #expect(Self.records(rows).map(\.identifier) == ["cn.example.b"])
    }

    @Test func invalidUTF8IsABadRow() throws {
        let scratch = Scratch()
        let path = scratch.path("bad.csv")
        var bytes = Array("filing_number,app_name,sponsor,identifier\n京ICP备2023012345号-1A,".utf8)
        bytes += [0xFF, 0xFE] + Array(",S,cn.example.a\n".utf8)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let file = try RecordsFile(path: path, filingNumbers: FilingNumberValidator(currentYear: 2026))
        guard case let .bad(row) = try file.next() else {
            Issue.record("expected a bad row")
            return
        }
        #expect(row.line == 2)
        #expect(row.reason.contains("UTF-8"))
    }

    @Test func filingNumbersAreStoredCanonical() throws {
        let rows = try Self.rows("备案号,应用名称,主办单位,包名\n京ICP备 ２０２３０１２３４５ 号－1a,A,B,cn.example.a\n川ICP备2023012345号-2A,A,B,cn.example.b\n")
        #expect(Self.records(rows).map(\.filingNumber) == ["京ICP备2023012345号-1A", "蜀ICP备2023012345号-2A"])
    }

    @Test func identifiersKeepTheirCase() throws {
        let rows = try Self.rows("备案号,应用名称,主办单位,包名\n京ICP备2023012345号-1A,A,B,\u{3000} Cn.Example.App \n")
        #expect(Self.records(rows).first?.identifier == "Cn.Example.App")
    }

    @Test(arguments: [
        ("E0:38:D8:15:ED:FC:62:A0:2B:38:AE:C2:DB:7B:6F:02", "e038d815edfc62a02b38aec2db7b6f02"),
        ("e0 38 d8 15 ed fc 62 a0 2b 38 ae c2 db 7b 6f 02", "e038d815edfc62a02b38aec2db7b6f02"),
        ("E038D815EDFC62A02B38AEC2DB7B6F02", "e038d815edfc62a02b38aec2db7b6f02"),
    ])
    func md5Normalisation(text: String, expected: String) {
        #expect(RecordNormalizer.normalizedMD5(text) == expected)
    }

    @Test(arguments: ["", "e038d815", "g038d815edfc62a02b38aec2db7b6f02", "e038d815edfc62a02b38aec2db7b6f0200"])
    func badMD5s(text: String) {
        #expect(RecordNormalizer.normalizedMD5(text) == nil)
    }

    @Test func jsonLines() throws {
        let text = """
            {"filing_number": "京ICP备2023012345号-1A", "APP名称": "你好", "主办单位": "示例", "包名": "cn.example.hello", "签名MD5": "\(Fixture.md5A.uppercased())", "platform": "Android", "状态": "正常"}

            {"filing_number": "粤ICP备2024054321号-2A", "app_name": "x", "sponsor": "y", "identifier": "cn.example.b", "approved_on": null}
            not json
            [1, 2]
            {"filing_number": "粤ICP备2024054321号-2A", "app_name": ["x"], "sponsor": "y", "identifier": "cn.example.c"}
            {"identifier": "cn.example.d", "包名": "cn.example.e", "filing_number": "粤ICP备2024054321号-2A", "app_name": "x", "sponsor": "y"}
            """
        let rows = try Self.rows(text, name: "r.jsonl")
        let records = Self.records(rows)
        #expect(records.count == 2)
        #expect(records.first?.certMD5 == Fixture.md5A)
        #expect(records.first?.appName == "你好")
        #expect(Self.bad(rows).map(\.line) == [4, 5, 6, 7])
    }

    @Test func formatIsFoundByContentNotName() throws {
        let rows = try Self.rows(
            "{\"filing_number\": \"京ICP备2023012345号-1A\", \"app_name\": \"a\", \"sponsor\": \"b\", \"identifier\": \"c.d\"}\n",
            name: "records.csv")
        #expect(Self.records(rows).count == 1)
    }

    @Test(arguments: [("2024-02-29", true), ("2023-02-29", false), ("2026-13-01", false), ("20260101", false), ("2026-1-5", true)])
    func dates(text: String, valid: Bool) {
        #expect((RegistryDate(text: text) != nil) == valid)
    }

    @Test func dateArithmetic() {
        #expect(RegistryDate(text: "1970-01-01")?.daysSinceEpoch == 0)
        #expect(RegistryDate(text: "2026-11-29")?.daysSinceEpoch == 20786)
        #expect(RegistryDate(secondsSinceEpoch: 20786 * 86400 + 86399).text == "2026-11-29")
    }
}
