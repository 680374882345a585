import Foundation
import PresetScanCore
import Testing

@testable import PresetScanReport

/// `scan --hash-inputs`: every format carries each input's size and SHA-256, and only when asked
/// (the goldens, rendered without, stay as they were).
@Suite struct EvidenceReporterTests {
    static let imageSHA = String(repeating: "ab", count: 32)
    static let folderSHA = String(repeating: "cd", count: 32)

    static var report: ScanReport {
        var report = ScanReporterTests.report
        report.inputHashes = [
            .init(path: "firmware/update 1.zip", kind: .file, size: 123_456_789, sha256: imageSHA),
            .init(path: "kiosk.apk", kind: .folder, size: 42, sha256: folderSHA, files: 3),
        ]
        return report
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(arguments: ScanFormat.allCases)
    func everyFormatCarriesTheHashesOnlyWhenAsked(_ format: ScanFormat) throws {
        let with = try format.reporter().render(Self.report)
        #expect(with.contains(Self.imageSHA) && with.contains(Self.folderSHA), "\(format)")
        #expect(with.contains("123456789"), "\(format)")
        let without = try format.reporter().render(ScanReporterTests.report)
        #expect(!without.contains(Self.imageSHA), "\(format)")
    }

    @Test func jsonKeepsInputsAndAddsInputHashes() throws {
        let document = try Self.json(try JSONScanReporter().render(Self.report))
        #expect(document["inputs"] as? [String] == ScanReporterTests.report.inputs)
        let hashes = try #require(document["inputHashes"] as? [[String: Any]])
        #expect(hashes.count == 2)
        #expect(hashes[0]["path"] as? String == "firmware/update 1.zip")
        #expect(hashes[0]["kind"] as? String == "file")
        #expect(hashes[0]["size"] as? Int == 123_456_789)
        #expect(hashes[0]["sha256"] as? String == Self.imageSHA)
        #expect(hashes[0]["files"] == nil)
        #expect(hashes[1]["files"] as? Int == 3)
        #expect(try Self.json(try JSONScanReporter().render(ScanReporterTests.report))["inputHashes"] == nil)
    }

    /// SARIF's own way (§3.24): `run.artifacts` with `length` and `hashes["sha-256"]`; a folder is a directory.
    @Test func sarifListsTheInputsAsArtifacts() throws {
        let log = try Self.json(try SARIFScanReporter().render(Self.report))
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let artifacts = try #require(run["artifacts"] as? [[String: Any]])
        #expect((artifacts[0]["location"] as? [String: Any])?["uri"] as? String == "firmware/update%201.zip")
        #expect(artifacts[0]["length"] as? Int == 123_456_789)
        #expect(artifacts[0]["hashes"] as? [String: String] == ["sha-256": Self.imageSHA])
        #expect(artifacts[1]["roles"] as? [String] == ["analysisTarget", "directory"])
        #expect(artifacts[1]["hashes"] == nil)
        #expect((artifacts[1]["properties"] as? [String: Any])?["manifestSha256"] as? String == Self.folderSHA)
    }

    @Test func cycloneDXDescribesTheScannedBuild() throws {
        let bom = try Self.json(try CycloneDXScanReporter().render(Self.report))
        let component = try #require((bom["metadata"] as? [String: Any])?["component"] as? [String: Any])
        #expect(component["type"] as? String == "firmware")
        let inputs = try #require(component["components"] as? [[String: Any]])
        #expect(inputs[0]["type"] as? String == "file")
        #expect(inputs[0]["hashes"] as? [[String: String]] == [["alg": "SHA-256", "content": Self.imageSHA]])
        #expect(inputs[1]["type"] as? String == "data")
        // The apps stay the BOM's components.
        #expect((bom["components"] as? [Any])?.count == ScanReporterTests.report.apps.count)
    }

    @Test func junitHasThemAsSuiteProperties() throws {
        let xml = try JUnitScanReporter().render(Self.report)
        #expect(xml.contains("<property name=\"input.1.sha256\" value=\"\(Self.imageSHA)\"/>"))
        #expect(xml.contains("<property name=\"input.1.size\" value=\"123456789\"/>"))
        #expect(xml.contains("<property name=\"input.2.kind\" value=\"folder\"/>"))
        #expect(xml.contains("<property name=\"input.2.files\" value=\"3\"/>"))
    }

    /// Columns after the others, so a reader by column name is unaffected; each row names its input.
    @Test func csvGainsInputColumns() throws {
        let rows = ScanReporterTests.parseCSV(try CSVScanReporter().render(Self.report))
        let header = rows[0].map { $0.replacingOccurrences(of: "\u{FEFF}", with: "") }
        #expect(Array(header.prefix(CSVScanReporter.columns.count)) == CSVScanReporter.columns)
        #expect(Array(header.suffix(3)) == ["input", "input_size", "input_sha256"])
        for row in rows.dropFirst() {
            #expect(row.count == header.count)
            if row[0].hasPrefix("firmware/update 1.zip!/") { #expect(row.suffix(3) == ["firmware/update 1.zip", "123456789", Self.imageSHA]) }
        }
        #expect(rows.dropFirst().contains { $0.last == Self.imageSHA })
    }

    @Test(arguments: [Language.en, .zhCN])
    func tableAndHTMLShowThemInTheReportsLanguage(_ language: Language) throws {
        let options = ScanRenderOptions(language: language)
        let table = try TableScanReporter(options: options).render(Self.report)
        #expect(table.contains(language.text(.evidenceTableFile, "firmware/update 1.zip", "123456789", Self.imageSHA)))
        #expect(table.contains(language.text(.evidenceTableFolder, "kiosk.apk", "3", "42", Self.folderSHA)))
        let html = try HTMLScanReporter(options: options).render(Self.report)
        #expect(html.contains(HTMLScanReporter.escape(language.text(.evidenceHTMLInputs))))
        #expect(html.contains(HTMLScanReporter.escape(language.text(.evidenceHTMLManifestNote))))
    }

    @Test func appsAreMatchedToTheInputTheyCameFrom() {
        var report = ScanReporterTests.report
        report.inputHashes = [
            .init(path: "fw/super.img", kind: .file, size: 1, sha256: Self.imageSHA),
            .init(path: "pulled", kind: .folder, size: 2, sha256: Self.folderSHA, files: 1),
            .init(path: "a.simg", kind: .file, size: 3, sha256: Self.imageSHA),
            .init(path: "b.simg", kind: .file, size: 4, sha256: Self.imageSHA),
        ]
        #expect(report.inputHashes(for: Location(["fw/super.img", "system", "app/A.apk"])).map(\.path) == ["fw/super.img"])
        #expect(report.inputHashes(for: Location(["pulled/app/A/A.apk"])).map(\.path) == ["pulled"])
        #expect(report.inputHashes(for: Location(["pulledx/A.apk"])).isEmpty)
        #expect(report.inputHashes(for: Location(["a.simg+b.simg", "app/A.apk"])).map(\.path) == ["a.simg", "b.simg"])
    }
}
