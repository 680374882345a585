import Foundation
import PresetScanApps
import PresetScanCore
import Testing

@testable import PresetScanReport

/// Reporter output is compared byte for byte with committed golden files.
/// Set `PRESETSCAN_UPDATE_GOLDEN=1` to rewrite them after an intended change, and review the diff.
struct InventoryReporterTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static var records: [AppRecord] {
        var hello = AppRecord(location: Location(["update.zip", "system/app/Hello/Hello.apk"]), size: 8538)
        hello.package = "cn.example.hello"
        hello.versionCode = 3
        hello.versionName = "1.2"
        hello.minSdk = 21
        hello.targetSdk = 33
        hello.label = "Hello"
        hello.labels = ["zh-CN": "你好", "zh-TW": "妳好"]
        hello.permissions = ["android.permission.INTERNET", "android.permission.ACCESS_NETWORK_STATE"]
        hello.usesInternet = true
        hello.metaData = [.init(name: "icp_number", value: "京ICP备2023012345号-1A")]
        hello.signatureSchemes = ["v2", "v3"]
        let cert = Signer(
            scheme: "v2", subject: "CN=presetscan sample key A,O=presetscan SAMPLE ONLY,C=CN",
            issuer: "CN=presetscan sample key A,O=presetscan SAMPLE ONLY,C=CN", serialNumber: "1",
            md5: "e038d815edfc62a02b38aec2db7b6f02", sha1: "0aa0", sha256: "33de88b4", publicKeyAlgorithm: "RSA",
            publicKeyBits: 2048, publicKeySha256: "8cab", rsaModulusHex: "c0ffee", rsaModulusDecimal: "12648430")
        var v3 = cert
        v3.scheme = "v3"
        v3.minSdk = 24
        v3.maxSdk = 2_147_483_647
        hello.signers = [cert, v3]
        hello.warnings = [Diagnostic(.warning, "zip.prepended-data", "64 bytes precede the first local file header",
                                     location: hello.location)]
        var broken = AppRecord(location: Location(path: "broken.apk"), size: 122)
        broken.errors = [Diagnostic(.error, "apk.not-a-zip", "not a ZIP archive", location: broken.location)]
        return [hello, broken, harmony, ios]
    }

    /// A HarmonyOS APP pack: two HAPs, a signing profile.
    static var harmony: AppRecord {
        var r = AppRecord(location: Location(["update.zip", "system/app/Harmony/Harmony.app"]), kind: "app", platform: .harmony, size: 20480)
        r.package = "cn.example.harmony"
        r.versionCode = 1_000_000
        r.versionName = "1.0.0"
        r.label = "鸿蒙示例"
        r.permissions = ["ohos.permission.INTERNET"]
        r.usesInternet = true
        r.signatureSchemes = ["hap"]
        r.signers = [Signer(
            scheme: "hap", subject: "CN=presetscan sample HarmonyOS,O=presetscan SAMPLE ONLY,C=CN",
            issuer: "CN=presetscan sample CA,O=presetscan SAMPLE ONLY,C=CN", serialNumber: "7", md5: "0f1e", sha1: "2d3c",
            sha256: "4b5a", publicKeyAlgorithm: "EC", publicKeyBits: 256, publicKeySha256: "6978", rsaModulusHex: nil,
            rsaModulusDecimal: nil)]
        r.profile = SigningProfile(
            source: "entry-default.hap!/hap-signing-block:profile", type: "release", bundleName: "cn.example.harmony",
            appIdentifier: "5765880207853624761", teamIdentifier: "1234567890", teamName: "presetscan SAMPLE ONLY",
            expires: "2027-12-31", certificateSha256: ["4b5a"])
        r.components = [
            Component(path: "entry-default.hap", role: "hap", package: "cn.example.harmony", name: "entry", signerSha256: ["4b5a"]),
            Component(path: "library-default.hsp", role: "hsp", package: "cn.example.harmony", signerSha256: ["4b5a"]),
        ]
        return r
    }

    /// An iOS app: no versionCode, a build number, a provisioning profile, a plug-in.
    static var ios: AppRecord {
        var r = AppRecord(location: Location(path: "Example.ipa"), kind: "ipa", platform: .ios, size: 30720)
        r.package = "cn.example.ios"
        r.versionName = "2.1"
        r.build = "45"
        r.minSdkCodename = nil
        r.label = "Example"
        r.labels = ["zh-Hans": "示例"]
        r.signatureSchemes = ["codesign"]
        r.profile = SigningProfile(
            source: "Payload/Example.app/embedded.mobileprovision", type: "distribution", bundleName: "cn.example.ios",
            appIdentifier: "5J6K7L8M9N.cn.example.ios", teamIdentifier: "5J6K7L8M9N", teamName: "Example Ltd", expires: "2027-06-30")
        r.components = [Component(path: "Payload/Example.app/PlugIns/Share.appex", role: "plugin", package: "cn.example.ios.share",
                                  name: "Share")]
        return r
    }

    static var listReport: ListReport {
        ListReport(
            packages: records.enumerated().map { ListReport.Package(record: $1, sha256: $0 == 1 ? nil : String(repeating: "\($0)", count: 64)) },
            diagnostics: [Diagnostic(.warning, "ext4.note", "a harmless note", location: Location(path: "update.zip"))])
    }

    @Test(arguments: InventoryFormat.allCases)
    func listMatchesGolden(_ format: InventoryFormat) throws {
        let output = try format.listReporter.render(Self.listReport)
        let file = Self.golden.appendingPathComponent("list.\(format.rawValue)")
        if ProcessInfo.processInfo.environment["PRESETSCAN_UPDATE_GOLDEN"] == "1" {
            try Data(output.utf8).write(to: file)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(output == expected)
    }

    /// `inspect` and `list` show what records of every platform carry (SPEC §7).
    @Test(arguments: InventoryFormat.allCases)
    func newFieldsAreShown(_ format: InventoryFormat) throws {
        for output in [try format.reporter.render(Self.records), try format.listReporter.render(Self.listReport)] {
            for needle in ["harmony", "ios", "45", "distribution", "5J6K7L8M9N", "5J6K7L8M9N.cn.example.ios", "release",
                           "Payload/Example.app/PlugIns/Share.appex", "plugin", "cn.example.ios.share", "library-default.hsp", "hsp"] {
                #expect(output.contains(needle), "\(format) lacks \(needle)")
            }
        }
    }

    @Test(arguments: InventoryFormat.allCases)
    func matchesGolden(_ format: InventoryFormat) throws {
        let output = try format.reporter.render(Self.records)
        let file = Self.golden.appendingPathComponent("inventory.\(format.rawValue)")
        if ProcessInfo.processInfo.environment["PRESETSCAN_UPDATE_GOLDEN"] == "1" {
            try Data(output.utf8).write(to: file)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(output == expected)
    }

    /// The list and inspect tables in Chinese (SPEC §8); columns line up by terminal width.
    @Test func chineseTablesMatchGolden() throws {
        for (name, output) in [("list.zh-CN.table", try InventoryFormat.table.listReporter(.zhCN).render(Self.listReport)),
                               ("inventory.zh-CN.table", try InventoryFormat.table.reporter(.zhCN).render(Self.records))] {
            let file = Self.golden.appendingPathComponent(name)
            if ProcessInfo.processInfo.environment["PRESETSCAN_UPDATE_GOLDEN"] == "1" {
                try Data(output.utf8).write(to: file)
            }
            let expected = try String(contentsOf: file, encoding: .utf8)
            #expect(output == expected, "\(name)")
        }
    }

    /// The list table's columns start at the same terminal column on every row, Chinese headers included.
    @Test(arguments: Language.allCases)
    func listColumnsLineUp(_ language: Language) throws {
        let output = try InventoryFormat.table.listReporter(language).render(Self.listReport)
        let rows = output.split(separator: "\n", omittingEmptySubsequences: false).prefix(while: { !$0.isEmpty }).filter { !$0.hasPrefix("  ") }.map(String.init)
        // The second column (KIND) starts where the header's second cell does.
        let header = rows[0]
        let kindHeader = language.text(.listKind)
        let headerRange = try #require(header.range(of: kindHeader))
        let column = String(header[..<headerRange.lowerBound]).displayWidth
        for row in rows.dropFirst() {
            let record = Self.records.first { row.hasPrefix($0.location.description) }
            let prefix = try #require(record).location.description
            let rest = row.dropFirst(prefix.count)
            let pad = rest.prefix(while: { $0 == " " }).count
            #expect(prefix.displayWidth + pad == column, "\(row)")
        }
    }

    @Test func jsonRoundTripsAndKeepsNulls() throws {
        let output = try JSONInventoryReporter().render(Self.records)
        #expect(output.contains("\"verified\" : null"))
        let decoded = try JSONDecoder().decode([AppRecord].self, from: Data(output.utf8))
        #expect(decoded == Self.records)
    }
}
