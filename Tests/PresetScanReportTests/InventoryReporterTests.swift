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
        return [hello, broken]
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

    @Test func jsonRoundTripsAndKeepsNulls() throws {
        let output = try JSONInventoryReporter().render(Self.records)
        #expect(output.contains("\"verified\" : null"))
        let decoded = try JSONDecoder().decode([AppRecord].self, from: Data(output.utf8))
        #expect(decoded == Self.records)
    }
}
