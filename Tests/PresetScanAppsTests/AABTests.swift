import Foundation
import PresetScanCore
import PresetScanUnpack
import Testing

@testable import PresetScanApps

/// App Bundles read like aapt2 reads the proto-format APK of their base module (`Samples/aab`).
struct AABTests {
    static let cases = AndroidSetExpectation.load("aab")

    @Test func groundTruthIsThere() {
        #expect(Self.cases.count >= 4)
    }

    @Test(arguments: cases.map(\.name))
    func readsLikeTheTools(_ name: String) throws {
        guard let expected = Self.cases.first(where: { $0.name == name })?.expected else { return }
        let (record, bytes) = try AndroidSetExpectation.read("aab", name)
        expected.check(record, bytes)
    }

    /// The manifest decodes as `protoc --decode aapt.pb.XmlNode` shows it (Samples/aab/app.manifest.txt).
    @Test func manifestAsProtocShowsIt() throws {
        let archive = try ZipArchive(source: FileByteSource(path: AndroidSetExpectation.path("aab", "app.aab")))
        let bytes = try archive.data(of: try #require(archive.entry(named: AABReader.manifestPath)))
        let node = try Aapt_Pb_XmlNode(serializedBytes: bytes)
        let text = try String(contentsOfFile: AndroidSetExpectation.path("aab", "app.manifest.txt"), encoding: .utf8)
        guard case .element(let manifest)? = node.node else {
            Issue.record("no root element")
            return
        }
        for attribute in manifest.attribute {
            #expect(text.contains("name: \"\(attribute.name)\""))
            #expect(text.contains("value: \"\(attribute.value)\""))
            if attribute.resourceID != 0 { #expect(text.contains("resource_id: \(attribute.resourceID)")) }
        }
        let parsed = try AAB.Manifest.parse(bytes, limits: .default)
        #expect(parsed.versionCodeMajor == .int(1))
        #expect(parsed.metaData.map(\.name) == ["icp_number", "icp_label"])
    }

    /// The resource table: every string protoc shows is found, named as presetscan names it.
    @Test func resourceTableAsProtocShowsIt() throws {
        let archive = try ZipArchive(source: FileByteSource(path: AndroidSetExpectation.path("aab", "app.aab")))
        let bytes = try archive.data(of: try #require(archive.entry(named: AABReader.resourcesPath)))
        let table = AAB.ResourceTable(try Aapt_Pb_ResourceTable(serializedBytes: bytes), limits: .default)
        let text = try String(contentsOfFile: AndroidSetExpectation.path("aab", "app.resources.txt"), encoding: .utf8)
        var strings: [String] = []
        table.forEachString { value, _ in strings.append(value) }
        #expect(!strings.isEmpty)
        for value in strings {
            let escaped = value.unicodeScalars.allSatisfy(\.isASCII) ? value : nil
            if let escaped { #expect(text.contains("value: \"\(escaped)\"")) }
        }
        #expect(table.locales == ["fr", "zh-CN", "zh-TW"])
    }

    @Test func entriesSearched() {
        #expect(AABReader.entryKind(of: "base/dex/classes.dex") == .dex)
        #expect(AABReader.entryKind(of: "feature1/dex/classes2.dex") == .dex)
        #expect(AABReader.entryKind(of: "base/lib/arm64-v8a/libx.so") == .nativeLibrary)
        #expect(AABReader.entryKind(of: "base/assets/web/index.html") == .textAsset)
        #expect(AABReader.entryKind(of: "base/dex/sub/classes.dex") == nil)
        #expect(AABReader.entryKind(of: "META-INF/MANIFEST.MF") == nil)
        #expect(AABReader.entryKind(of: "BUNDLE-METADATA/assets/x.txt") == nil)
        #expect(AABReader.entryKind(of: "classes.dex") == nil)
    }

    /// Configurations convert to ResTable_config as aapt2 deserializes them.
    @Test func configurationBytes() {
        var config = Aapt_Pb_Configuration()
        #expect(ResTableConfig(aapt: config).hasOnlyLocaleQualifiers)
        config.locale = "zh-CN"
        #expect(ResTableConfig(aapt: config).hasOnlyLocaleQualifiers)
        config.density = 480
        config.orientation = .land
        config.uiModeNight = .night
        config.screenLayoutLong = .long
        let converted = ResTableConfig(aapt: config)
        #expect(!converted.hasOnlyLocaleQualifiers)
        #expect(converted.density == 480)
        #expect(converted.orientation == 2)
        #expect(converted.uiMode == 0x20)
        #expect(converted.screenLayout == 0x20)
        #expect(!converted.matchesAaptDevice)
        #expect(AAB.ResourceTable.localeKey("b+sr+Latn") == "sr-Latn")
        #expect(AAB.ResourceTable.localeKey("") == nil)
    }
}
