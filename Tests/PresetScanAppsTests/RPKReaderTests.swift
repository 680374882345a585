import Foundation
import PresetScanCore
import PresetScanUnpack
import Testing

@testable import PresetScanApps

/// What `Samples/tools/make_rpk.py` wrote to `Samples/rpk/expected.json`: the manifest as Python's
/// json module reads it, certificates as `openssl x509` describes the bytes cut out of the block.
struct RPKExpected: Decodable, Sendable {
    struct Certificate: Decodable, Sendable {
        var sha256: String
        var sha1: String
        var md5: String
        var subject: String
    }
    struct Part: Decodable, Sendable {
        var path: String
        var role: String
        var package: String?
        var name: String?
        var signerSha256: [String]
    }
    struct Number: Decodable, Sendable {
        var canonical: String
        var kind: String
        var sources: [String]
    }
    var package: String?
    var versionCode: UInt64?
    var versionName: String?
    var label: String?
    var labels: [String: String]?
    var permissions: [String]?
    var usesInternet: Bool?
    var metaData: [String: String]?
    var signatureSchemes: [String]
    var signers: [Certificate]
    var outerSigners: [Certificate]?
    var components: [Part]
    var filingNumbers: [Number]?
    var errors: [String]
    var warnings: [String]
}

enum RPKSamples {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/rpk")
    static let expected: [String: RPKExpected] = {
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("expected.json")) else { return [:] }
        return (try? JSONDecoder().decode([String: RPKExpected].self, from: data)) ?? [:]
    }()
    static let names = expected.keys.sorted()

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    static func read(_ name: String, options: PackageReadOptions = PackageReadOptions()) throws -> AppRecord {
        PackageReaders.read(source: try FileByteSource(path: path(name)), location: Location(path: name), name: name, options: options)
    }

    static func bytes(_ name: String) throws -> [UInt8] { try FileByteSource(path: path(name)).readAll() }
}

struct RPKReaderTests {
    @Test func groundTruthIsThere() {
        #expect(RPKSamples.names.count == 7)
    }

    @Test(arguments: RPKSamples.names)
    func agreesWithTheGroundTruth(_ name: String) throws {
        let truth = try #require(RPKSamples.expected[name])
        let record = try RPKSamples.read(name)
        #expect(record.kind == "rpk")
        #expect(record.platform == .quickapp)
        #expect(record.package == truth.package)
        #expect(record.versionCode == truth.versionCode)
        #expect(record.versionName == truth.versionName)
        #expect(record.label == truth.label)
        #expect(record.labels == truth.labels ?? [:])
        #expect(record.permissions == truth.permissions ?? [])
        #expect(record.usesInternet == (truth.usesInternet ?? false))
        #expect(record.minSdk == nil)
        let metaData = Dictionary(record.metaData.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
        #expect(metaData == truth.metaData ?? [:])
        #expect(record.signatureSchemes == truth.signatureSchemes)
        #expect(record.signers.map(\.sha256) == truth.signers.map(\.sha256))
        #expect(record.signers.map(\.sha1) == truth.signers.map(\.sha1))
        #expect(record.signers.map(\.md5) == truth.signers.map(\.md5))
        #expect(record.signers.map(\.subject) == truth.signers.map(\.subject))
        #expect(record.signers.allSatisfy { $0.scheme == "rpk" })
        #expect(record.verified == nil)
        #expect(record.components.map(\.path) == truth.components.map(\.path))
        #expect(record.components.map(\.role) == truth.components.map(\.role))
        #expect(record.components.map(\.package) == truth.components.map(\.package))
        #expect(record.components.map(\.name) == truth.components.map(\.name))
        #expect(record.components.map(\.signerSha256) == truth.components.map(\.signerSha256))
        #expect(Set(record.errors.map(\.code)) == Set(truth.errors), "\(record.errors)")
        #expect(Set(record.warnings.map(\.code)) == Set(truth.warnings), "\(record.warnings)")
        if let numbers = truth.filingNumbers {
            #expect(record.filingNumbers.map(\.canonical) == numbers.map(\.canonical))
            for (found, planted) in zip(record.filingNumbers, numbers) {
                #expect(found.kind.rawValue == planted.kind)
                #expect(Set(found.sources.map(\.source)) == Set(planted.sources), "\(found.canonical)")
            }
        }
    }

    @Test(arguments: RPKSamples.names)
    func detectedByContentNotByName(_ name: String) throws {
        let archive = try ZipArchive(source: try FileByteSource(path: RPKSamples.path(name)))
        #expect(PackageReaders.reader(for: archive) == RPKReader.self)
    }

    @Test func theSplitFormIsSignedByTheSameKeyAsItsParts() throws {
        let truth = try #require(RPKSamples.expected["split.rpks"])
        let outer = RPK.SigningBlock.read(try ZipArchive(source: try FileByteSource(path: RPKSamples.path("split.rpks"))))
        #expect(outer.signers.map(\.sha256) == truth.outerSigners?.map(\.sha256))
    }

    @Test func noFilingSearchWhenNotAsked() throws {
        let record = try RPKSamples.read("signed.rpk", options: PackageReadOptions(searchFilingNumbers: false))
        #expect(record.filingNumbers.isEmpty)
        #expect(record.package == "cn.example.quick")
    }

    @Test func aZipNamedRPKWithoutAManifestSaysSo() {
        var zip = ZipWriter()
        zip.add("readme.txt", "hello")
        let record = PackageReaders.read(source: MemoryByteSource(zip.build()), location: Location(path: "x.rpk"), name: "x.rpk",
                                         options: PackageReadOptions())
        #expect(record.kind == "rpk")
        #expect(record.platform == .quickapp)
        #expect(record.errors.map(\.code) == ["rpk.no-manifest"])
    }

    @Test func anUndecodableManifestIsSearchedAsBytes() {
        var zip = ZipWriter()
        zip.add("manifest.json", "{\"package\": \"cn.x\", \"icp\": \"京ICP备2023012345号-3K\"")
        zip.add("app.js", "")
        let record = PackageReaders.read(source: MemoryByteSource(zip.build()), location: Location(path: "x"), name: "x",
                                         options: PackageReadOptions())
        #expect(record.errors.map(\.code) == ["rpk.manifest-unreadable"])
        #expect(record.filingNumbers.map(\.canonical) == ["京ICP备2023012345号-3K"])
        #expect(record.filingNumbers.first?.sources.map(\.source) == ["manifest.json"])
    }

    /// signed.rpk with its RPK signing block cut out (the EOCD's offset moved back): META-INF/CERT is
    /// still signed, the package is not.
    @Test func aStrippedSignatureIsUnsignedAndSaysSo() throws {
        var bytes = try RPKSamples.bytes("signed.rpk")
        let archive = try ZipArchive(source: MemoryByteSource(bytes))
        let cd = Int(archive.centralDirectoryOffset)
        let size = Int(ByteReader.u32le(bytes, cd - 24))
        let start = cd - size - 8
        bytes.removeSubrange(start..<cd)
        let eocd = bytes.count - 22
        for (i, byte) in le32(UInt32(start)).enumerated() { bytes[eocd + 16 + i] = byte }
        let record = PackageReaders.read(source: MemoryByteSource(bytes), location: Location(path: "x.rpk"), name: "x.rpk",
                                         options: PackageReadOptions())
        #expect(record.package == "cn.example.quick")
        #expect(record.signers.isEmpty)
        #expect(record.signatureSchemes.isEmpty)
        #expect(record.warnings.map(\.code) == ["rpk.signature-partial"])
    }

    @Test func inconsistentBlockSizesAreAWarning() throws {
        var bytes = try RPKSamples.bytes("signed.rpk")
        let archive = try ZipArchive(source: MemoryByteSource(bytes))
        let cd = Int(archive.centralDirectoryOffset)
        let size = Int(ByteReader.u32le(bytes, cd - 24))
        bytes[cd - size - 8] ^= 0x10  // the leading size field
        let record = PackageReaders.read(source: MemoryByteSource(bytes), location: Location(path: "x.rpk"), name: "x.rpk",
                                         options: PackageReadOptions())
        #expect(record.package == "cn.example.quick")
        #expect(record.signatureSchemes == ["rpk"])
        #expect(record.signers.isEmpty)
        #expect(record.errors.isEmpty)
        #expect(record.warnings.map(\.code) == ["rpk.signature-malformed"])
    }
}

struct RPKFormatTests {
    static let files: [String: [String: RPK.JSON]] = [
        "defaults": ["message": .object(["name": .string("Default"), "list": .array([.string("a"), .array([.string("b0"), .string("b1")])])])],
        "zh": ["message": .object(["name": .string("中文")])],
        "zh-CN": ["message": .object(["other": .string("x")])],
        "zh-HK": ["message": .object(["name": .string("香港")])],
        "en-GB": ["message": .object(["name": .string("British")])],
        "en-US": ["message": .object(["name": .string("American")])],
    ]

    @Test(arguments: [
        ("${message.name}", "", "Default"),
        ("${message.name}", "zh-CN", "中文"),  // zh-CN lacks it: zh next
        ("${message.name}", "zh-HK", "香港"),
        ("${message.name}", "zh-TW", "中文"),
        ("${message.name}", "en", "British"),  // en-* sorted: en-GB first
        ("${message.name}", "en-US", "American"),
        ("${message.name}", "fr", "Default"),
        ("App ${message.name}!", "zh", "App 中文!"),
        ("${message.list[1][0]}", "", "b0"),
        ("${message.list[0]}", "", "a"),
        ("plain", "en", "plain"),
    ])
    func templatesResolveAsTheRuntimeDoes(_ row: (String, String, String)) {
        var resources = RPK.LocaleResources()
        resources.files = Self.files
        #expect(resources.resolve(row.0, locale: row.1) == row.2)
    }

    @Test(arguments: ["${message.missing}", "${name}", "${message.list[7]}", "${message.list[x]}", "${message.name.deeper}"])
    func unresolvedTemplatesGiveNil(_ text: String) {
        var resources = RPK.LocaleResources()
        resources.files = Self.files
        #expect(resources.resolve(text, locale: "zh-CN") == nil)
    }

    @Test func localeFilesAreOneLevelUnderI18n() {
        #expect(RPK.LocaleResources.localeName(of: "i18n/zh-CN.json") == "zh-CN")
        #expect(RPK.LocaleResources.localeName(of: "i18n/sub/zh-CN.json") == nil)
        #expect(RPK.LocaleResources.localeName(of: "i18n/.json") == nil)
        #expect(RPK.LocaleResources.localeName(of: "src/i18n/en.json") == nil)
    }

    @Test(arguments: [
        ("system.fetch", true), ("system.request", true), ("system.websocketfactory", true), ("system.uploadtask", true),
        ("system.downloadtask", true), ("system.webview", true), ("service.pay", true), ("service.ad", true),
        ("system.network", false), ("system.prompt", false), ("service.exchange", false), ("system.storage", false),
    ])
    func networkFeatures(_ row: (String, Bool)) {
        #expect(RPK.Manifest.isNetworkFeature(row.0) == row.1)
    }

    @Test func manifestFieldsAreReadLikeTheRuntime() throws {
        let root = try RPK.JSON.object(from: Array("""
            {"package": "cn.x", "versionCode": "7", "versionName": 2.5, "minPlatformVersion": 1080,
             "features": [{"name": "system.fetch"}, {"name": "system.fetch"}, {"nome": 1}, "service.push"],
             "permissions": [{"origin": "*"}, {"name": "hapjs.permission.LOCATION"}]}
            """.utf8))
        let manifest = RPK.Manifest(root)
        #expect(manifest.package == "cn.x")
        #expect(manifest.versionCode == 7)
        #expect(manifest.versionName == "2.5")
        #expect(manifest.minPlatformVersion == "1080")
        #expect(manifest.features == ["system.fetch", "service.push"])
        #expect(manifest.permissions == ["hapjs.permission.LOCATION"])
        #expect(manifest.warnings.isEmpty)

        let bad = RPK.Manifest(try RPK.JSON.object(from: Array(#"{"package": 5, "versionCode": -1, "features": {}}"#.utf8)))
        #expect(bad.package == nil)
        #expect(bad.versionCode == nil)
        #expect(bad.warnings.map(\.code) == ["rpk.bad-field", "rpk.bad-field", "rpk.bad-field"])
    }

    @Test func manifestStringsAreNamedByTheirPath() throws {
        let root = try RPK.JSON.object(from: Array(#"{"b": {"c": ["x", {"d": "y"}]}, "a": "z", "n": 1}"#.utf8))
        let strings = RPK.JSON.object(root).strings()
        #expect(strings.map(\.path) == ["a", "b.c[0]", "b.c[1].d"])
        #expect(strings.map(\.value) == ["z", "x", "y"])
    }

    @Test func aTopLevelArrayIsNoManifest() {
        #expect(throws: (any Error).self) { try RPK.JSON.object(from: Array("[1, 2]".utf8)) }
        #expect(throws: (any Error).self) { try RPK.JSON.object(from: Array("{".utf8)) }
        #expect((try? RPK.JSON.object(from: [0xEF, 0xBB, 0xBF] + Array("{}".utf8))) == [:])
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: (any Error).self) { try RPK.JSON.object(from: Array("{\"a\": \(deep)}".utf8)) }
        var zip = ZipWriter()
        zip.add("manifest.json", "{\"package\": \"cn.x\", \"config\": \(deep)}")
        zip.add("app.js", "")
        let record = PackageReaders.read(source: MemoryByteSource(zip.build()), location: Location(path: "x"), name: "x",
                                         options: PackageReadOptions())
        #expect(record.errors.map(\.code) == ["rpk.manifest-unreadable"])
    }

    @Test func subpackageNames() {
        #expect(RPKReader.subpackageName("cn.x.app.base.srpk", package: "cn.x.app") == "base")
        #expect(RPKReader.subpackageName("cn.x.app.sub1.srpk", package: nil) == "sub1")
        #expect(RPKReader.subpackageName("cn.x.app.rpk", package: "cn.x.app") == nil)
    }
}
