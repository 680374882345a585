import PresetScanCore
import PresetScanUnpack
import Testing

@testable import PresetScanApps

/// `PackageReaders` picks a reader from each kind's characteristic entries (SPEC §7), and a ZIP
/// given as a package that no reader accepts still gives a record with an error.
struct PackageDetectionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var entries: [String]
        /// The first kind of the reader expected to accept it; nil: a plain ZIP.
        var kind: String?
        var testDescription: String { label }
    }

    static let cases: [Case] = [
        Case(label: "APK", entries: ["AndroidManifest.xml", "resources.arsc", "classes.dex", "META-INF/CERT.RSA"], kind: "apk"),
        Case(label: "APEX is not an APK", entries: ["AndroidManifest.xml", "apex_manifest.pb", "apex_payload.img", "apex_pubkey"],
             kind: nil),
        Case(label: "compressed APEX is not an APK", entries: ["AndroidManifest.xml", "apex_manifest.pb", "original_apex"], kind: nil),
        Case(label: "AAB", entries: ["BundleConfig.pb", "base/manifest/AndroidManifest.xml", "base/resources.pb", "base/dex/classes.dex"],
             kind: "aab"),
        Case(label: "APKS with toc.pb", entries: ["toc.pb", "splits/base-master.apk", "splits/base-xxhdpi.apk"], kind: "apks"),
        Case(label: "XAPK", entries: ["manifest.json+xapk", "com.example.app.apk", "config.arm64_v8a.apk", "icon.png"], kind: "apks"),
        Case(label: "APKM", entries: ["info.json+apkm", "base.apk", "split_config.en.apk", "icon.png"], kind: "apks"),
        Case(label: "a ZIP of apps with an unrelated manifest.json is a container", entries: ["manifest.json", "a.apk", "b.apk"], kind: nil),
        Case(label: "IPA", entries: ["Payload/", "Payload/Demo.app/", "Payload/Demo.app/Info.plist", "Payload/Demo.app/Demo"],
             kind: "ipa"),
        Case(label: "HAP, stage model", entries: ["module.json", "resources.index", "ets/modules.abc", "pack.info"], kind: "hap"),
        Case(label: "HAP, FA model", entries: ["config.json", "resources.index", "assets/js/default/app.js"], kind: "hap"),
        Case(label: "HarmonyOS APP pack", entries: ["pack.info", "entry-default.hap", "feature-default.hap"], kind: "app"),
        Case(label: "RPK", entries: ["META-INF/CERT", "manifest.json", "app.js", "pages/Index/index.js"], kind: "rpk"),
        Case(label: "RPK without a digest list", entries: ["manifest.json", "app.js"], kind: "rpk"),
        Case(label: "RPKS", entries: ["cn.example.quick.rpk", "cn.example.quick.base.srpk", "cn.example.quick.sub1.srpk"],
             kind: "rpk"),
        Case(label: "plain ZIP with a manifest.json and no JS", entries: ["manifest.json", "readme.txt"], kind: nil),
        Case(label: "web extension: manifest.json beside scripts", entries: ["manifest.json", "background.js", "content/main.js"],
             kind: nil),
        Case(label: "a ZIP of quick apps is a container", entries: ["a.rpk", "b.rpk"], kind: nil),
        Case(label: "plain ZIP", entries: ["docs/readme.txt", "config.json"], kind: nil),
    ]

    /// XAPK and APKM metadata name their own keys (a set is recognised by them); other entries are `{}`.
    static func content(of name: String) -> String {
        switch name {
        case "manifest.json+xapk": #"{"xapk_version": 2, "package_name": "com.example.app"}"#
        case "info.json+apkm": #"{"apkm_version": 5, "pname": "com.example.app"}"#
        default: "{}"
        }
    }

    static func archive(_ entries: [String]) throws -> ZipArchive {
        var zip = ZipWriter()
        for entry in entries {
            let name = entry.split(separator: "+").first.map(String.init) ?? entry
            zip.add(name, name.hasSuffix("/") ? [] : Array(content(of: entry).utf8))
        }
        return try ZipArchive(source: MemoryByteSource(zip.build()))
    }

    @Test(arguments: cases)
    func readerByContent(_ c: Case) throws {
        let reader = PackageReaders.reader(for: try Self.archive(c.entries))
        #expect(reader?.kinds.first == c.kind)
    }

    @Test(arguments: cases)
    func contentWinsOverTheName(_ c: Case) throws {
        // A misleading name does not change what the content says.
        guard c.kind != nil else { return }
        let reader = PackageReaders.reader(for: try Self.archive(c.entries), name: "misnamed.ipa")
        #expect(reader?.kinds.first == c.kind)
    }

    /// (name, kind — nil where the reader decides between several —, platform)
    @Test(arguments: [("x.hap", "hap", Platform.harmony), ("x.rpk", "rpk", .quickapp), ("x.rpks", "rpk", .quickapp),
                      ("x.ipa", "ipa", .ios), ("x.apk", "apk", .android), ("x.xapk", nil, .android)] as [(String, String?, Platform)])
    func aPlainZipNamedAsAPackageIsAnError(_ row: (String, String?, Platform)) {
        var zip = ZipWriter()
        zip.add("readme.txt", "not an app")
        let record = PackageReaders.read(
            source: MemoryByteSource(zip.build()), location: Location(path: row.0), name: row.0, options: PackageReadOptions())
        if let kind = row.1 { #expect(record.kind == kind) }
        #expect(record.platform == row.2)
        #expect(record.package == nil)
        #expect(!record.errors.isEmpty, "\(row.0) was read in silence")
    }

    @Test func aPlainZipGivenAsAPackageIsAnError() {
        var zip = ZipWriter()
        zip.add("manifest.json", "{}")
        let record = PackageReaders.read(
            source: MemoryByteSource(zip.build()), location: Location(path: "x.zip"), name: "x.zip", options: PackageReadOptions())
        #expect(record.errors.map(\.code) == ["package.unknown-kind"])
    }

    @Test(arguments: ["x.hap", "x.rpk", "x.rpks", "x.apk"])
    func notAZipNamedAsAPackageIsAnError(_ name: String) {
        let record = PackageReaders.read(
            source: MemoryByteSource(Array("just text".utf8)), location: Location(path: name), name: name, options: PackageReadOptions())
        #expect(record.errors.map(\.code) == ["\(record.kind).not-a-zip"])
        #expect(record.kind == PackageReaders.kindGuess(name))
    }

    @Test func everySuffixSaysPackage() {
        for suffix in [".apk", ".apks", ".xapk", ".apkm", ".aab", ".hap", ".hsp", ".ipa", ".rpk", ".rpks"] {
            #expect(PackageReaders.namesPackage("Some/Dir/App" + suffix.uppercased()), "\(suffix)")
        }
        #expect(!PackageReaders.namesPackage("bundle.zip"))
    }
}
