import Foundation
import PresetScanCore
import PresetScanCrypto
import PresetScanUnpack
import Testing

@testable import PresetScanApps

/// Ground truth of `Samples/splits/expected.json` and `Samples/aab/expected.json`, written by
/// `Samples/tools/make_android_sets.py` from aapt/aapt2 dump badging, apksigner, protoc and openssl.
struct AndroidSetExpectation: Decodable, Sendable {
    struct Part: Decodable, Sendable, Equatable {
        var path: String
        var role: String
        var package: String?
        var name: String?
        var signerSha256: [String]
    }

    /// The table of contents as python's json reads it (XAPK `manifest.json`, APKM `info.json`).
    struct Metadata: Decodable, Sendable {
        var package_name: String?
        var version_code: String?
        var version_name: String?
        var pname: String?
        var versioncode: String?
        var release_version: String?
    }

    var kind: String
    var sha256: String
    var package: String?
    var versionCode: UInt64?
    var versionName: String?
    var minSdk: Int?
    var targetSdk: Int?
    var label: String?
    var labels: [String: String]?
    var permissions: [String]?
    var signerSha256: [String]?
    var signatureSchemes: [String]?
    var components: [Part]?
    var filingNumbers: [String: [String]]?
    var metaData: [String: String]?
    var metadata: Metadata?
    var errors: [String]
    var warnings: [String]

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func load(_ folder: String) -> [(name: String, expected: AndroidSetExpectation)] {
        let url = root.appendingPathComponent("Samples/\(folder)/expected.json")
        guard let data = try? Data(contentsOf: url),
            let all = try? JSONDecoder().decode([String: AndroidSetExpectation].self, from: data)
        else { return [] }
        return all.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func path(_ folder: String, _ name: String) -> String {
        root.appendingPathComponent("Samples/\(folder)/\(name)").path
    }

    /// Reads a sample as `inspect` does: by content, the name only for what content cannot say.
    static func read(_ folder: String, _ name: String) throws -> (AppRecord, [UInt8]) {
        let bytes = try FileByteSource(path: path(folder, name)).readAll()
        let record = PackageReaders.read(
            source: MemoryByteSource(bytes), location: Location(path: name), name: name, options: PackageReadOptions())
        return (record, bytes)
    }

    /// Compares everything the ground truth states with the record.
    func check(_ record: AppRecord, _ bytes: [UInt8]) {
        #expect(Digest.sha256(bytes).hexString == sha256, "the sample changed since expected.json was written")
        #expect(record.kind == kind)
        #expect(record.platform == .android)
        #expect(Set(record.errors.map(\.code)) == Set(errors), "errors: \(record.errors)")
        let warningCodes = Set(record.warnings.map(\.code))
        #expect(Set(warnings).isSubset(of: warningCodes), "warnings: \(record.warnings)")
        #expect(record.package == package)
        guard package != nil else { return }
        if warnings.isEmpty { #expect(record.warnings.isEmpty, "unexpected warnings: \(record.warnings)") }
        #expect(record.versionCode == versionCode)
        #expect(record.versionName == versionName)
        #expect(record.minSdk == minSdk)
        #expect(record.targetSdk == targetSdk)
        #expect(record.label == label)
        #expect(record.labels == (labels ?? [:]))
        #expect(record.permissions == (permissions ?? []))
        #expect(record.usesInternet == (permissions ?? []).contains("android.permission.INTERNET"))
        #expect(Set(record.signers.map(\.sha256)) == Set(signerSha256 ?? []))
        #expect(record.signatureSchemes == (signatureSchemes ?? []))
        if let components {
            #expect(record.components.map(\.path) == components.map(\.path))
            for (mine, theirs) in zip(record.components, components) {
                #expect(mine.role == theirs.role, "\(mine.path)")
                #expect(mine.package == theirs.package, "\(mine.path)")
                #expect(mine.name == theirs.name, "\(mine.path)")
                #expect(mine.signerSha256 == theirs.signerSha256, "\(mine.path)")
            }
        }
        if let filingNumbers {
            var found: [String: [String]] = [:]
            for number in record.filingNumbers where number.kind == .app {
                found[number.canonical] = number.sources.map(\.source).sorted()
            }
            #expect(found == filingNumbers)
        }
        if let metaData {
            #expect(Dictionary(record.metaData.map { ($0.name, $0.value ?? "") }) { a, _ in a } == metaData)
        }
    }
}

/// Split sets read like the tools read their APKs (`Samples/splits`).
struct SplitSetTests {
    static let cases = AndroidSetExpectation.load("splits")

    @Test func groundTruthIsThere() {
        #expect(Self.cases.count >= 11)
    }

    @Test(arguments: cases.map(\.name))
    func readsLikeTheTools(_ name: String) throws {
        guard let expected = Self.cases.first(where: { $0.name == name })?.expected else { return }
        let (record, bytes) = try AndroidSetExpectation.read("splits", name)
        expected.check(record, bytes)
    }

    /// Found by content, not by name: the same bytes under another name are the same set.
    @Test(arguments: cases.map(\.name).filter { $0 != "encrypted.apkm" })
    func detectedByContent(_ name: String) throws {
        let bytes = try FileByteSource(path: AndroidSetExpectation.path("splits", name)).readAll()
        let archive = try ZipArchive(source: MemoryByteSource(bytes))
        #expect(PackageReaders.reader(for: archive) == SplitSetReader.self)
        let record = PackageReaders.read(
            source: MemoryByteSource(bytes), location: Location(path: "renamed.zip"), name: "renamed.zip", options: PackageReadOptions())
        #expect(record.kind == Self.cases.first { $0.name == name }?.expected.kind)
    }

    /// The table of contents reads as python's json and protoc read it.
    @Test(arguments: ["app.apks", "app.xapk", "app.apkm", "toc-mismatch.xapk", "no-toc.apks"])
    func tableOfContents(_ name: String) throws {
        let archive = try ZipArchive(source: FileByteSource(path: AndroidSetExpectation.path("splits", name)))
        let metadata = SplitSet.metadata(of: archive)
        #expect(metadata.diagnostics.isEmpty)
        let json = Self.cases.first { $0.name == name }?.expected.metadata
        switch name {
        case "app.apks":
            // Samples/splits/app.toc.txt is protoc --decode of the same toc.pb.
            let text = try String(contentsOfFile: AndroidSetExpectation.path("splits", "app.toc.txt"), encoding: .utf8)
            #expect(text.contains("package_name: \"\(metadata.package ?? "?")\""))
            #expect(metadata.baseCandidates.first == "splits/base-master.apk")
            #expect(metadata.roles["splits/base-zh.apk"] == "split")
        case "no-toc.apks":
            #expect(metadata.source == nil && metadata.package == nil)
        case let xapk where xapk.hasSuffix(".xapk"):
            #expect(metadata.package == json?.package_name)
            #expect(metadata.versionCode.map(String.init) == json?.version_code)
            #expect(metadata.versionName == json?.version_name)
            #expect(metadata.baseCandidates.first == "cn.example.split.apk")
        default:
            #expect(metadata.package == json?.pname)
            #expect(metadata.versionCode.map(String.init) == json?.versioncode)
            #expect(metadata.versionName == json?.release_version)
        }
    }

    /// Broken tables of contents: the set is still read from its base, with a warning.
    @Test func unreadableTableOfContents() throws {
        let original = try ZipArchive(source: FileByteSource(path: AndroidSetExpectation.path("splits", "app.apks")))
        var entries = try original.entries.map { ($0.name, try original.data(of: $0)) }
        entries[0].1 = [0xFF, 0xFF, 0xFF, 0x0F, 0x0A, 0x80]
        let record = SplitSetReader.read(
            archive: try ZipArchive(source: MemoryByteSource(StoredZip.build(entries))), location: Location(path: "bad-toc.apks"),
            options: PackageReadOptions())
        #expect(record.warnings.contains { $0.code == "apks.toc-unreadable" })
        #expect(record.package == "cn.example.split")
        #expect(record.errors.isEmpty)

        let xapk = try ZipArchive(source: FileByteSource(path: AndroidSetExpectation.path("splits", "app.xapk")))
        var xEntries = try xapk.entries.map { ($0.name, try xapk.data(of: $0)) }
        xEntries[0].1 = Array("{\"package_name\": [".utf8)
        xEntries[2].0 = "base.apk"
        let xRecord = SplitSetReader.read(
            archive: try ZipArchive(source: MemoryByteSource(StoredZip.build(xEntries))), location: Location(path: "bad.xapk"),
            options: PackageReadOptions())
        #expect(xRecord.warnings.contains { $0.code == "xapk.manifest-unreadable" })
        #expect(xRecord.package == "cn.example.split")
    }

    /// A split that is no APK is a part of the app that could not be read: PS009, the base still identifies the app.
    @Test func unreadableSplit() throws {
        let original = try ZipArchive(source: FileByteSource(path: AndroidSetExpectation.path("splits", "no-toc.apks")))
        var entries = try original.entries.map { ($0.name, try original.data(of: $0)) }
        entries.append(("split_config.fr.apk", Array("not a zip".utf8)))
        let record = SplitSetReader.read(
            archive: try ZipArchive(source: MemoryByteSource(StoredZip.build(entries))), location: Location(path: "x.apks"),
            options: PackageReadOptions())
        #expect(record.package == "cn.example.split")
        #expect(record.errors.map(\.code) == ["splits.split-unreadable"])
        #expect(record.errors.first?.location == Location(["x.apks", "split_config.fr.apk"]))
    }

    /// A ZIP of several apps with some other `manifest.json` is no split set: each APK stays an app.
    @Test func unrelatedManifestIsNoSet() throws {
        let set = try ZipArchive(source: FileByteSource(path: AndroidSetExpectation.path("splits", "app.xapk")))
        let apk = try set.data(of: try #require(set.entry(named: "cn.example.split.apk")))
        let bundle = StoredZip.build([
            ("manifest.json", Array("{\"name\": \"apps for the kiosk build\", \"apps\": [\"a.apk\", \"b.apk\"]}".utf8)),
            ("a.apk", apk), ("b.apk", apk),
        ])
        #expect(PackageReaders.reader(for: try ZipArchive(source: MemoryByteSource(bundle))) == nil)
    }

    /// An old XAPK: one APK named after the app, beside its OBB, no `split_apks`.
    @Test func loneAPKIsTheBase() throws {
        let set = try ZipArchive(source: FileByteSource(path: AndroidSetExpectation.path("splits", "app.xapk")))
        let apk = try set.data(of: try #require(set.entry(named: "cn.example.split.apk")))
        let xapk = StoredZip.build([
            ("manifest.json", Array("{\"xapk_version\": 1, \"package_name\": \"cn.example.split\", \"version_code\": 5}".utf8)),
            ("Split 3.0.apk", apk), ("Android/obb/cn.example.split/main.5.cn.example.split.obb", [1, 2, 3]),
        ])
        let record = PackageReaders.read(
            source: MemoryByteSource(xapk), location: Location(path: "old.xapk"), name: "old.xapk", options: PackageReadOptions())
        #expect(record.kind == "xapk")
        #expect(record.package == "cn.example.split")
        #expect(record.errors.isEmpty && record.warnings.isEmpty)
        #expect(record.components.map(\.path) == ["Split 3.0.apk"])
    }

    /// Without the filing search (`list`), identity and parts are the same.
    @Test func withoutFilingSearch() throws {
        let archive = try ZipArchive(source: FileByteSource(path: AndroidSetExpectation.path("splits", "app.xapk")))
        let record = SplitSetReader.read(
            archive: archive, location: Location(path: "app.xapk"), options: PackageReadOptions(searchFilingNumbers: false))
        #expect(record.filingNumbers.isEmpty)
        #expect(record.package == "cn.example.split")
        #expect(record.components.count == 3)
    }

    @Test func encryptedHeader() {
        #expect(!SplitSet.EncryptedAPKMHeader.matches(Array("PK\u{3}\u{4}".utf8) + [UInt8](repeating: 0, count: 80)))
        #expect(!SplitSet.EncryptedAPKMHeader.matches([0, 2]))
        let name = "x.apkm"
        let text = MemoryByteSource(Array("just some text, long enough to be mistaken for a header if we were careless.".utf8))
        #expect(SplitSetReader.diagnoseNonZip(source: text, name: name, location: Location(path: name)) == nil)
    }
}

