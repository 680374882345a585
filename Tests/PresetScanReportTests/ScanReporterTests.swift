import Foundation
import PresetScanApps
import PresetScanCore
@testable import PresetScanPolicy
@testable import PresetScanRegistry
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import PresetScanReport

/// Scan reporter output is compared byte for byte with committed golden files, rendered from one
/// deterministic report that has every verdict, every rule, each kind of suppression and a hostile label.
/// Set `PRESETSCAN_UPDATE_GOLDEN=1` to rewrite them after an intended change, and review the diff.
/// The goldens are also fed to the real consumers (SARIF, CycloneDX, JUnit, JSON Schema) by
/// EndToEndTests/ReportConsumersTests.
struct ScanReporterTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let hostileLabel = "<script>&\"'\n,=cmd"

    static func goldenName(_ format: ScanFormat) -> String {
        switch format {
        case .table: "scan.table"
        case .json: "scan.json"
        case .sarif: "scan.sarif"
        case .junit: "scan.junit.xml"
        case .csv: "scan.csv"
        case .html: "scan.html"
        case .cyclonedx: "scan.cdx.json"
        }
    }

    // MARK: The report

    static let signerA = Signer(
        scheme: "v2", subject: "CN=presetscan sample key A,O=presetscan SAMPLE ONLY,C=CN",
        issuer: "CN=presetscan sample key A,O=presetscan SAMPLE ONLY,C=CN", serialNumber: "1",
        md5: "e038d815edfc62a02b38aec2db7b6f02", sha1: "0aa05f0a3c4e9bd54a0b0e6c7f1d2e3a4b5c6d7e",
        sha256: "33de88b47244160ddf2e663c40e9addde4416dd2d27d69d2fa2863f0c1050632", publicKeyAlgorithm: "RSA",
        publicKeyBits: 2048, publicKeySha256: "8cab0b0a9d6c1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012",
        rsaModulusHex: "c0ffee", rsaModulusDecimal: "12648430")
    static let signerB = Signer(
        scheme: "v2", subject: "CN=presetscan sample key B,O=presetscan SAMPLE ONLY,C=CN",
        issuer: "CN=presetscan sample key B,O=presetscan SAMPLE ONLY,C=CN", serialNumber: "2",
        md5: "7e5aa5aca4d9bf5c1135a0168b59a3a5", sha1: "1bb05f0a3c4e9bd54a0b0e6c7f1d2e3a4b5c6d7e",
        sha256: "bb8c8cb87f0f7d3703a67a4592d66b314cf4077472b5f481e03e7d0dac757382", publicKeyAlgorithm: "RSA",
        publicKeyBits: 2048, publicKeySha256: "9dbc0b0a9d6c1e2f3a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012",
        rsaModulusHex: "beef", rsaModulusDecimal: "48879")

    static func record(_ package: String?, _ location: [String], label: String?, version: String? = "1.0",
                       signers: [Signer] = [signerA]) -> AppRecord {
        var record = AppRecord(location: Location(location), size: 4096)
        record.package = package
        record.versionCode = package == nil ? nil : 1
        record.versionName = package == nil ? nil : version
        record.label = label
        record.permissions = ["android.permission.INTERNET"]
        record.usesInternet = true
        record.signatureSchemes = signers.isEmpty ? [] : ["v2"]
        record.signers = signers
        return record
    }

    static func match(_ number: String, _ name: String, _ sponsor: String, _ identifier: String, status: FilingStatus = .active,
                      platform: Platform = .android, md5s: [String] = [signerA.md5], sha1s: [String] = [], sha256s: [String] = [],
                      matched: Bool? = true) -> RegistryMatch {
        RegistryMatch(filingNumber: number, appName: name, sponsor: sponsor, status: status, approvedOn: "2024-05-01",
                      platform: platform, identifier: identifier, filedCertificateMD5s: md5s, filedCertificateSHA1s: sha1s,
                      filedCertificateSHA256s: sha256s, filedPublicKeys: 0, certificateMatched: matched)
    }

    /// A made-up certificate: its digests are `seed`-derived hex, not real fingerprints.
    static func signer(_ scheme: String, _ subject: String, seed: Int) -> Signer {
        func hex(_ bytes: Int, _ salt: Int) -> String {
            var out = ""
            for i in 0..<bytes {
                let byte: Int = (seed * 37 + salt * 101 + i * 11) & 0xFF
                out += String(format: "%02x", byte)
            }
            return out
        }
        return Signer(scheme: scheme, subject: subject, issuer: subject, serialNumber: "\(seed)", md5: hex(16, 1), sha1: hex(20, 2),
                      sha256: hex(32, 3), publicKeyAlgorithm: "EC", publicKeyBits: 256, publicKeySha256: hex(32, 4),
                      rsaModulusHex: nil, rsaModulusDecimal: nil)
    }

    static let signerHarmony = signer("hap", "CN=presetscan sample HarmonyOS,OU=SAMPLE ONLY,O=presetscan,C=CN", seed: 3)
    static let signerIOS = signer("codesign", "CN=Apple Distribution: Example Ltd (5J6K7L8M9N),OU=5J6K7L8M9N,O=Example Ltd,C=CN", seed: 5)
    static let signerQuick = signer("rpk", "CN=presetscan sample quick app,O=presetscan SAMPLE ONLY,C=CN", seed: 7)

    /// A record of another platform (SPEC §7), hand-made as its reader would fill it.
    static func record(_ package: String, kind: String, platform: Platform, _ location: [String], label: String, signer: Signer) -> AppRecord {
        var record = AppRecord(location: Location(location), kind: kind, platform: platform, size: 8192)
        record.package = package
        record.label = label
        record.usesInternet = true
        record.signatureSchemes = [signer.scheme]
        record.signers = [signer]
        return record
    }

    static func finding(_ rule: Rule, _ message: Message, _ location: Location?, subject: String? = nil, evidence: [String: String] = [:],
                        suppression: Suppression? = nil, failOn: Set<Rule> = Policy.defaultFailOn) -> Finding {
        var f = Finding(rule, message, location: location, subject: subject, evidence: evidence)
        f.suppression = suppression
        f.fails = suppression == nil && failOn.contains(rule)
        return f
    }

    static var report: ScanReport {
        let image = "firmware/update 1.zip"
        func at(_ path: String) -> [String] { [image, "payload.bin", "system", path] }

        // filed, with a displayed-number mismatch already in the baseline and an unknown displayed number.
        var hello = record("cn.example.hello", at("system/app/Hello/Hello.apk"), label: "你好 Hello", version: "1.2")
        hello.filingNumbers = [EmbeddedFilingNumber(
            canonical: "京ICP备2023012399号-2A", kind: .app, valid: true, raw: "京ICP备2023012399号-2A", problems: [],
            sources: [.init(source: "AndroidManifest.xml:meta-data/icp_number", raw: "京ICP备2023012399号-2A")])]
        let helloLocation = hello.location
        let helloApp = AssessedApp(
            record: hello, sha256: "5f2b8e0c1d7a4a8f9e3b6c1d2e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4c5", verdict: .filed,
            match: match("京ICP备2023012345号-1A", "你好", "北京示例科技有限公司", "cn.example.hello"),
            findings: [
                finding(.PS004, Message(.findingDisplayedMismatch, "京ICP备2023012399号-2A", "cn.example.hello", "京ICP备2023012345号-1A"), helloLocation,
                        subject: "android:cn.example.hello", evidence: ["filingNumber": "京ICP备2023012399号-2A"],
                        suppression: Suppression(.baseline, Message(.suppressionBaseline))),
                finding(.PS006, Message(.findingUnknownNumber, "京ICP备2023012399号-2A"), helloLocation,
                        subject: "android:cn.example.hello", evidence: ["filingNumber": "京ICP备2023012399号-2A"]),
                finding(.PS014, Message(.findingNoSystemLink, "京ICP备2023012399号-2A", "beian.miit.gov.cn"), helloLocation,
                        subject: "android:cn.example.hello",
                        evidence: ["filingNumber": "京ICP备2023012399号-2A", "source": "AndroidManifest.xml:meta-data/icp_number"]),
            ])

        // unfiled, with a hostile label and a malformed displayed number.
        var evil = record("cn.example.evil", at("system/priv-app/Evil/Evil.apk"), label: hostileLabel)
        evil.filingNumbers = [EmbeddedFilingNumber(
            canonical: "京ICP备2023O12345号-1A", kind: .app, valid: false, raw: "京ICP备2023O12345号-1A", problems: [.badMainNumber],
            sources: [.init(source: "resources.arsc:string/icp", raw: "京ICP备2023O12345号-1A")])]
        let evilApp = AssessedApp(
            record: evil, sha256: nil, verdict: .unfiled, match: nil,
            findings: [
                finding(.PS001, Message(.findingNotInRegistry, "cn.example.evil", "android"), evil.location, subject: "android:cn.example.evil",
                        evidence: ["identifier": "cn.example.evil"]),
                finding(.PS005, Message(.findingMalformedNumber, "京ICP备2023O12345号-1A", "badMainNumber"), evil.location,
                        subject: "android:cn.example.evil", evidence: ["filingNumber": "京ICP备2023O12345号-1A"]),
                finding(.PS011, Message(.findingSignatureInvalid, "cn.example.evil", signerA.md5,
                                         "the signature does not verify (content-mismatch, scheme v2): APK integrity check failed"),
                        evil.location, subject: "android:cn.example.evil", evidence: ["claimedMd5": signerA.md5]),
            ])

        // certificate-mismatch, with a sponsor that a spreadsheet would run as a formula.
        let mismatch = record("cn.example.mismatch", at("system/app/Mismatch/Mismatch.apk"), label: "=1+1", signers: [signerB])
        let mismatchApp = AssessedApp(
            record: mismatch, sha256: nil, verdict: .certificateMismatch,
            match: match("沪ICP备2024000001号-3A", "Mismatch", "=HYPERLINK(\"http://example.invalid\")", "cn.example.mismatch",
                         matched: false),
            findings: [
                finding(.PS002, Message(.findingCertificateMismatch, arguments: ["cn.example.mismatch", "沪ICP备2024000001号-3A"],
                                         parts: [Message(.mismatchFiledCertificates, "MD5 \(signerA.md5)"), Message(.mismatchSignedWith, signerB.md5)]),
                        mismatch.location, subject: "android:cn.example.mismatch",
                        evidence: ["filingNumber": "沪ICP备2024000001号-3A", "certMD5": signerB.md5]),
                finding(.PS012, Message(.findingNameMismatch, "Mismatch", "=1+1", "default"), mismatch.location,
                        subject: "android:cn.example.mismatch", evidence: ["filedName": "Mismatch", "closestLabel": "=1+1", "locale": "default"]),
            ])

        // filing-not-active.
        let revoked = record("cn.example.revoked", at("system/app/Revoked/Revoked.apk"), label: "Revoked")
        let revokedApp = AssessedApp(
            record: revoked, sha256: nil, verdict: .filingNotActive,
            match: match("粤ICP备2019123456号-1A", "Revoked", "-Sponsor, Inc.", "cn.example.revoked", status: .revoked),
            findings: [
                finding(.PS003, Message(.findingFilingRevoked, "cn.example.revoked", "粤ICP备2019123456号-1A"), revoked.location,
                        subject: "android:cn.example.revoked", evidence: ["filingNumber": "粤ICP备2019123456号-1A", "status": "revoked"]),
                finding(.PS013, Message(.findingNumberNotShown, "cn.example.revoked", "粤ICP备2019123456号-1A"), revoked.location,
                        subject: "android:cn.example.revoked", evidence: ["filingNumber": "粤ICP备2019123456号-1A"]),
            ])

        // exempt by an exemption pattern.
        let settings = record("com.android.settings", at("system/priv-app/Settings/Settings.apk"), label: "Settings")
        let exemption = Suppression(.exemption, Message(.suppressionExemption, "com.android.*", "AOSP component with no Internet information service"))
        let settingsApp = AssessedApp(
            record: settings, sha256: nil, verdict: .exempt, match: nil,
            findings: [
                finding(.PS001, Message(.findingNotInRegistry, "com.android.settings", "android"), settings.location,
                        subject: "android:com.android.settings", evidence: ["identifier": "com.android.settings"], suppression: exemption),
            ])

        // waived, and unsigned.
        let kiosk = record("cn.example.kiosk", ["kiosk.apk"], label: "Kiosk", signers: [])
        let waiver = Suppression(.waiver, Message(.suppressionWaiver, "2027-03-31", "qa@example.com", "filing in progress, ticket 1234"))
        let kioskApp = AssessedApp(
            record: kiosk, sha256: "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90", verdict: .waived,
            match: nil,
            findings: [
                finding(.PS001, Message(.findingNotInRegistry, "cn.example.kiosk", "android"), kiosk.location, subject: "android:cn.example.kiosk",
                        evidence: ["identifier": "cn.example.kiosk"], suppression: waiver),
                finding(.PS008, Message(.findingUnsigned, "cn.example.kiosk"), kiosk.location,
                        subject: "android:cn.example.kiosk", suppression: waiver),
            ])

        // unreadable: no identity, an incomplete scan.
        var broken = record(nil, ["broken.apk"], label: nil, signers: [])
        broken.permissions = []
        broken.usesInternet = false
        broken.errors = [Diagnostic(.error, "apk.not-a-zip", "not a ZIP archive", location: broken.location)]
        let brokenApp = AssessedApp(
            record: broken, sha256: nil, verdict: .unfiled, match: nil,
            findings: [
                finding(.PS009, broken.errors[0].packageMessage, broken.location, evidence: ["code": "apk.not-a-zip"]),
            ])

        // HarmonyOS APP pack filed only for Android: unfiled, and the finding says where it is filed.
        var harmony = record("cn.example.harmony", kind: "app", platform: .harmony, at("system/app/Harmony/Harmony.app"),
                             label: "鸿蒙示例", signer: signerHarmony)
        harmony.versionCode = 1_000_000
        harmony.versionName = "1.0.0"
        harmony.permissions = ["ohos.permission.INTERNET"]
        harmony.profile = SigningProfile(
            source: "entry-default.hap!/hap-signing-block:profile", type: "release", bundleName: "cn.example.harmony",
            appIdentifier: "5765880207853624761", teamIdentifier: "1234567890", teamName: "presetscan SAMPLE ONLY",
            expires: "2027-12-31", certificateSha256: [signerHarmony.sha256])
        harmony.components = [
            Component(path: "entry-default.hap", role: "hap", package: "cn.example.harmony", name: "entry", signerSha256: [signerHarmony.sha256]),
            Component(path: "library-default.hsp", role: "hsp", package: "cn.example.harmony", name: "library", signerSha256: [signerHarmony.sha256]),
        ]
        let harmonyApp = AssessedApp(
            record: harmony, sha256: nil, verdict: .unfiled, match: nil,
            findings: [
                finding(.PS001, Message(.findingFiledElsewhere, "cn.example.harmony", "android (京ICP备2023012345号-2A)", "harmony"), harmony.location,
                        subject: "harmony:cn.example.harmony", evidence: ["identifier": "cn.example.harmony", "filedPlatforms": "android"]),
            ])

        // iOS app filed with the SHA-1 its filing carries; a build number and a plug-in.
        var ios = record("cn.example.ios", kind: "ipa", platform: .ios, ["Example.ipa"], label: "Example", signer: signerIOS)
        ios.versionName = "2.1"
        ios.build = "45"
        ios.labels = ["zh-Hans": "示例"]
        ios.profile = SigningProfile(
            source: "Payload/Example.app/embedded.mobileprovision", type: "distribution", bundleName: "cn.example.ios",
            appIdentifier: "5J6K7L8M9N.cn.example.ios", teamIdentifier: "5J6K7L8M9N", teamName: "Example Ltd", expires: "2027-06-30",
            certificateSha256: [signerIOS.sha256])
        ios.components = [Component(path: "Payload/Example.app/PlugIns/Share.appex", role: "plugin", package: "cn.example.ios.share",
                                    name: "Share", signerSha256: [signerIOS.sha256])]
        ios.filingNumbers = [EmbeddedFilingNumber(
            canonical: "京ICP备2023012345号-9A", kind: .app, valid: true, raw: "京ICP备2023012345号-9A", problems: [],
            sources: [.init(source: "Payload/Example.app/zh-Hans.lproj/InfoPlist.strings", raw: "京ICP备2023012345号-9A")])]
        let iosApp = AssessedApp(
            record: ios, sha256: nil, verdict: .filed,
            match: match("京ICP备2023012345号-4A", "示例", "北京示例科技有限公司", "cn.example.ios", platform: .ios, md5s: [],
                         sha1s: [signerIOS.sha1]),
            findings: [
                finding(.PS004, Message(.findingDisplayedMismatch, "京ICP备2023012345号-9A", "cn.example.ios", "京ICP备2023012345号-4A"), ios.location,
                        subject: "ios:cn.example.ios", evidence: ["filingNumber": "京ICP备2023012345号-9A"]),
                finding(.PS006, Message(.findingUnknownNumber, "京ICP备2023012345号-9A"), ios.location,
                        subject: "ios:cn.example.ios", evidence: ["filingNumber": "京ICP备2023012345号-9A"]),
            ])

        // Quick app filed with another certificate's SHA-256.
        var quick = record("cn.example.quick", kind: "rpk", platform: .quickapp, at("system/etc/quickapps/cn.example.quick.rpk"),
                           label: "快应用示例", signer: signerQuick)
        quick.versionCode = 3
        quick.versionName = "1.3"
        quick.permissions = ["system.fetch"]
        let quickApp = AssessedApp(
            record: quick, sha256: nil, verdict: .certificateMismatch,
            match: match("粤ICP备2024000002号-1K", "快应用示例", "广州示例有限公司", "cn.example.quick", platform: .quickapp, md5s: [],
                         sha256s: [signerA.sha256], matched: false),
            findings: [
                finding(.PS002, Message(.findingCertificateMismatch, arguments: ["cn.example.quick", "粤ICP备2024000002号-1K"],
                                         parts: [Message(.mismatchFiledCertificates, "SHA-256 \(signerA.sha256)"),
                                                 Message(.mismatchSignedWith, signerQuick.sha256)]),
                        quick.location, subject: "quickapp:cn.example.quick",
                        evidence: ["filingNumber": "粤ICP备2024000002号-1K", "certSHA256": signerQuick.sha256]),
            ])

        let vendor = Location([image, "payload.bin", "vendor"])
        let diagnostics = [
            Diagnostic(.error, "payload.incremental", "incremental OTA: the vendor partition needs its base build", location: vendor),
            Diagnostic(.warning, "zip.prepended-data", "64 bytes precede the first local file header", location: helloLocation),
        ]
        let runFindings = [
            finding(.PS007, Message(.findingRegistryStale, "2026-09-01", "89", "30"), Location(path: "Samples/registry/filings.csv"),
                    subject: "registry", evidence: ["builtAt": "2026-09-01"]),
            finding(.PS009, diagnostics[0].inputMessage, vendor, evidence: ["code": "payload.incremental"]),
            finding(.PS010, Message(.findingWaiverExpired, "cn.example.old", "12", "qa@example.com", "2026-10-31"),
                    Location(path: "policy.yaml"), subject: "policy",
                    evidence: ["identifier": "cn.example.old", "expires": "2026-10-31", "line": "12"]),
        ]

        let info = SnapshotInfo(
            path: "/tmp/presetscan-import/registry.db", sha256: "d2c1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1",
            schemaVersion: 1, builtAt: "2026-09-01", ageDays: 89, source: "MIIT export <sample>", recordCount: 42,
            contentDigest: String(repeating: "0", count: 64), filingCount: 40, identifierCount: 42, certificateCount: 30,
            countsByPlatform: ["android": 42], countsByStatus: ["active": 40, "revoked": 2], signature: .unchecked(signaturePresent: false))
        var policy = ScanReport.PolicyUsed(Policy(path: "policy.yaml"))
        policy.exemptions = 1
        policy.waivers = 2
        return ScanReport(
            toolVersion: "0.7.0-test", inputs: [image, "kiosk.apk", "broken.apk", "Example.ipa"],
            registry: ScanReport.RegistryUsed(info: info, importedFrom: "Samples/registry/filings.csv"), policy: policy,
            baseline: "baseline.json",
            apps: [helloApp, evilApp, mismatchApp, revokedApp, settingsApp, kioskApp, brokenApp, harmonyApp, iosApp, quickApp],
            findings: runFindings,
            diagnostics: diagnostics)
    }

    // MARK: Goldens

    @Test func reportCoversEveryVerdictRuleAndSuppression() {
        let report = Self.report
        #expect(Set(report.apps.map(\.verdict)) == Set(Verdict.allCases))
        #expect(Set(report.allFindings.map(\.rule)) == Set(Rule.allCases))
        #expect(Set(report.allFindings.compactMap(\.suppression?.kind)) == [.exemption, .waiver, .baseline])
        #expect(report.outcome == .fail)
    }

    @Test(arguments: ScanFormat.allCases)
    func matchesGolden(_ format: ScanFormat) throws {
        let output = try format.reporter().render(Self.report)
        let file = Self.golden.appendingPathComponent(Self.goldenName(format))
        if ProcessInfo.processInfo.environment["PRESETSCAN_UPDATE_GOLDEN"] == "1" {
            try Data(output.utf8).write(to: file)
        }
        // Decoded byte for byte: `String(contentsOf:)` would drop the CSV's byte-order mark.
        let expected = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        #expect(output == expected, "\(format) output differs from \(file.lastPathComponent)")
        // Deterministic: a second rendering is identical.
        #expect(try format.reporter().render(Self.report) == output)
    }

    /// The formats a person reads, in Chinese (SPEC §8): the same report, every text for people from the catalogue.
    @Test(arguments: [ScanFormat.table, .junit, .sarif])
    func matchesChineseGolden(_ format: ScanFormat) throws {
        let options = ScanRenderOptions(language: .zhCN)
        let output = try format.reporter(options).render(Self.report)
        let file = Self.golden.appendingPathComponent(Self.goldenName(format).replacingOccurrences(of: "scan.", with: "scan.zh-CN."))
        if ProcessInfo.processInfo.environment["PRESETSCAN_UPDATE_GOLDEN"] == "1" {
            try Data(output.utf8).write(to: file)
        }
        let expected = String(decoding: try Data(contentsOf: file), as: UTF8.self)
        #expect(output == expected, "\(format) output differs from \(file.lastPathComponent)")
        for term in ["未备案", "证书不一致", "备案已注销或撤销", "豁免", "已批准例外", "已备案"] {
            #expect(output.contains(term), "\(format) lacks \(term)")
        }
    }

    /// Machine fields never follow the language: only texts for people differ between en and zh-CN.
    @Test(arguments: [ScanFormat.json, .sarif, .cyclonedx, .csv])
    func machineFieldsDoNotFollowTheLanguage(_ format: ScanFormat) throws {
        let english = try format.reporter(ScanRenderOptions(language: .en)).render(Self.report)
        let chinese = try format.reporter(ScanRenderOptions(language: .zhCN)).render(Self.report)
        #expect(english != chinese, "\(format) shows no Chinese text")
        if format == .csv {
            let en = Self.parseCSV(String(english.dropFirst())), zh = Self.parseCSV(String(chinese.dropFirst()))
            let text = CSVScanReporter.columns.firstIndex(of: "suppressed") ?? -1
            #expect(en.map { $0.enumerated().filter { $0.offset != text }.map(\.element) }
                == zh.map { $0.enumerated().filter { $0.offset != text }.map(\.element) })
            return
        }
        // Texts for people in these formats: JSON message/reason/signatureDetail, SARIF text/justification/summary,
        // CycloneDX presetscan:finding values.
        let people: Set<String> = ["message", "reason", "signatureDetail", "text", "justification", "summary"]
        func strip(_ value: Any, key: String?) -> Any {
            if let object = value as? [String: Any] {
                if object["name"] as? String == "presetscan:finding" { return ["name": "presetscan:finding"] }
                return object.reduce(into: [String: Any]()) { out, item in
                    out[item.key] = people.contains(item.key) && item.value is String ? "" : strip(item.value, key: item.key)
                }
            }
            if let array = value as? [Any] { return array.map { strip($0, key: key) } }
            return value
        }
        func canonical(_ text: String) throws -> Data {
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
            let stripped = strip(object, key: nil)
            return try JSONSerialization.data(withJSONObject: format == .cyclonedx ? withoutSerial(stripped) : stripped, options: [.sortedKeys])
        }
        func withoutSerial(_ value: Any) -> Any {
            var object = value as? [String: Any] ?? [:]
            object["serialNumber"] = nil
            return object
        }
        #expect(try canonical(english) == canonical(chinese), "\(format) machine fields differ between languages")
    }

    /// Every format says, per app, its platform and kind, and for iOS its build number (SPEC §7).
    @Test(arguments: ScanFormat.allCases)
    func everyFormatShowsPlatformKindAndBuild(_ format: ScanFormat) throws {
        let output = try format.reporter().render(Self.report)
        for needle in ["harmony", "ios", "quickapp", "ipa", "rpk", "cn.example.harmony"] {
            #expect(output.contains(needle), "\(format) lacks \(needle)")
        }
        // CSV lists rule ids, not messages.
        if format != .csv { #expect(output.contains("filed only for android"), "\(format) lacks the PS001 of the HarmonyOS app") }
        let build: String
        switch format {
        case .table, .html: build = "2.1 (45)"
        case .csv: build = ",2.1,45,"
        case .junit: build = "build: 45"
        case .json, .sarif: build = "\"build\" : \"45\""
        case .cyclonedx: build = "\"presetscan:build\""
        }
        #expect(output.contains(build), "\(format) lacks the iOS build")
    }

    @Test func everyFormatHasAReporter() {
        #expect(ScanFormat.allCases.map(\.rawValue) == ["table", "json", "sarif", "junit", "csv", "html", "cyclonedx"])
        for format in ScanFormat.allCases {
            #expect(type(of: format.reporter()).format == format.rawValue)
        }
    }

    // MARK: SARIF

    @Test func sarifHasEveryRuleAndEveryFinding() throws {
        let output = try SARIFScanReporter().render(Self.report)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let runs = try #require(log["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let run = runs[0]
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["informationUri"] == nil)
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == Rule.allCases.map(\.rawValue))
        let levels = rules.compactMap { ($0["defaultConfiguration"] as? [String: Any])?["level"] as? String }
        #expect(levels == Rule.allCases.map { $0.defaultSeverity == .error ? "error" : "warning" })

        let results = try #require(run["results"] as? [[String: Any]])
        let findings = Self.report.allFindings
        #expect(results.count == findings.count)
        for (result, finding) in zip(results, findings) {
            #expect(result["ruleId"] as? String == finding.rule.rawValue)
            let ruleIndex = try #require(result["ruleIndex"] as? Int)
            #expect(rules[ruleIndex]["id"] as? String == finding.rule.rawValue)
            #expect((result["partialFingerprints"] as? [String: String])?.values.first == finding.fingerprint)
            let suppressions = result["suppressions"] as? [[String: Any]]
            if let suppression = finding.suppression {
                #expect(result["level"] as? String == "note")
                #expect(suppressions?.first?["kind"] as? String == "external")
                #expect(suppressions?.first?["justification"] as? String == suppression.reason)
            } else {
                #expect(suppressions == nil)
                #expect(result["level"] as? String == (finding.severity == .error ? "error" : "warning"))
            }
            if let location = finding.location {
                let loc = try #require((result["locations"] as? [[String: Any]])?.first)
                let logical = try #require((loc["logicalLocations"] as? [[String: Any]])?.first)
                #expect(logical["fullyQualifiedName"] as? String == location.description)
            }
        }
        let properties = try #require(run["properties"] as? [String: Any])
        #expect((properties["registry"] as? [String: Any])?["sha256"] as? String == Self.report.registry.sha256)
    }

    @Test(arguments: [
        ("Samples/apk/hello.apk", "Samples/apk/hello.apk"),
        ("/tmp/a b/固件#1.zip", "file:///tmp/a%20b/%E5%9B%BA%E4%BB%B6%231.zip"),
        ("c:weird?x=1", "c%3Aweird%3Fx%3D1"),
    ])
    func sarifURIsAreURIReferences(_ path: String, _ uri: String) {
        #expect(SARIFScanReporter.uri(path: path) == uri)
    }

    // MARK: JUnit

    @Test func junitCountsAndEscaping() throws {
        let output = try JUnitScanReporter().render(Self.report)
        #expect(!output.contains(Self.hostileLabel))
        #expect(output.contains("label: &lt;script&gt;&amp;\"'\n,=cmd"))
        #if canImport(FoundationXML)
        let document = try XMLDocument(data: Data(output.utf8))
        let suites = try document.nodes(forXPath: "/testsuites/testsuite").compactMap { $0 as? XMLElement }
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == ["presetscan", "presetscan.run"])
        let apps = suites[0]
        #expect(apps.elements(forName: "testcase").count == Self.report.apps.count)
        #expect(apps.attribute(forName: "tests")?.stringValue == "10")
        // Evil and harmony (PS001), mismatch and quick (PS002) and revoked (PS003) fail; broken errs (PS009); exempt and waived skip.
        #expect(apps.attribute(forName: "failures")?.stringValue == "5")
        #expect(apps.attribute(forName: "errors")?.stringValue == "1")
        #expect(apps.attribute(forName: "skipped")?.stringValue == "2")
        let run = suites[1]
        #expect(run.elements(forName: "testcase").count == Self.report.findings.count)
        #expect(run.attribute(forName: "errors")?.stringValue == "1")
        let root = try #require(document.rootElement())
        #expect(root.attribute(forName: "tests")?.stringValue == "13")
        let properties = try document.nodes(forXPath: "/testsuites/testsuite[1]/properties/property").compactMap { $0 as? XMLElement }
        let registryPath = properties.first { $0.attribute(forName: "name")?.stringValue == "registry.path" }
        #expect(registryPath?.attribute(forName: "value")?.stringValue == "Samples/registry/filings.csv")
        let platforms = properties.filter { $0.attribute(forName: "name")?.stringValue?.hasPrefix("apps.") == true }
        #expect(platforms.compactMap { $0.attribute(forName: "name")?.stringValue } == ["apps.android", "apps.harmony", "apps.ios", "apps.quickapp"])
        let names = apps.elements(forName: "testcase").compactMap { $0.attribute(forName: "name")?.stringValue }
        #expect(names.contains("cn.example.harmony (harmony app)"))
        #expect(names.contains("cn.example.hello (android apk)"))
        #endif
    }

    @Test func xmlDropsWhatXMLCannotCarry() {
        #expect(JUnitScanReporter.text("a\u{0}b\u{1B}c\u{FFFF}d\te\nf") == "abcd\te\nf")
        #expect(JUnitScanReporter.attribute("<a href='x'>&\n\"") == "\"&lt;a href=&apos;x&apos;&gt;&amp;&#10;&quot;\"")
        #expect(JUnitScanReporter.text("]]>") == "]]&gt;")
    }

    // MARK: CSV

    /// A small RFC 4180 reader, to check what a spreadsheet would see.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false, i = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        while i < scalars.endIndex {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    let next = scalars.index(after: i)
                    if next < scalars.endIndex, scalars[next] == "\"" { field.unicodeScalars.append("\""); i = next } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" { quoted = true
            } else if c == "," { row.append(field); field = ""
            } else if c == "\r" { // CRLF ends a record
            } else if c == "\n" { row.append(field); rows.append(row); row = []; field = ""
            } else { field.unicodeScalars.append(c) }
            i = scalars.index(after: i)
        }
        return rows
    }

    @Test func csvIsRFC4180WithBOMAndNoFormulas() throws {
        let output = try CSVScanReporter().render(Self.report)
        #expect(output.hasPrefix("\u{FEFF}location,identifier,"))
        #expect(output.hasSuffix("\r\n"))
        let rows = Self.parseCSV(String(output.dropFirst()))
        #expect(rows.count == Self.report.apps.count + 1)
        #expect(rows.allSatisfy { $0.count == CSVScanReporter.columns.count })
        let header = rows[0]
        let column = { (name: String) in header.firstIndex(of: name) ?? -1 }
        let evil = try #require(rows.first { $0[column("identifier")] == "cn.example.evil" })
        #expect(evil[column("label")] == Self.hostileLabel)
        #expect(evil[column("failing")] == "PS001 PS011")
        let mismatch = try #require(rows.first { $0[column("identifier")] == "cn.example.mismatch" })
        #expect(mismatch[column("label")] == "'=1+1")
        #expect(mismatch[column("sponsor")] == "'=HYPERLINK(\"http://example.invalid\")")
        let revoked = try #require(rows.first { $0[column("identifier")] == "cn.example.revoked" })
        #expect(revoked[column("sponsor")] == "'-Sponsor, Inc.")
        let kiosk = try #require(rows.first { $0[column("identifier")] == "cn.example.kiosk" })
        #expect(kiosk[column("suppressed")].contains("PS001 waiver: waived until 2027-03-31"))
        for row in rows.dropFirst() {
            for cell in row { #expect(!["=", "+", "-", "@"].contains(cell.first.map(String.init) ?? ""), "formula cell \(cell)") }
        }
    }

    @Test(arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("=SUM(A1)", "'=SUM(A1)"), ("+86 10", "'+86 10"), ("-1", "'-1"), ("@cmd", "'@cmd"), ("\tx", "'\tx"),
        ("=a,b", "\"'=a,b\""), ("nul\u{0}bell\u{7}", "nulbell"), ("", ""),
    ])
    func csvField(_ value: String, _ expected: String) {
        #expect(CSVScanReporter.field(value) == expected)
    }

    // MARK: HTML: see HTMLReporterTests

    // MARK: CycloneDX

    @Test func cyclonedxIsStableAndComplete() throws {
        let output = try CycloneDXScanReporter().render(Self.report)
        let bom = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(bom["bomFormat"] as? String == "CycloneDX")
        #expect(bom["specVersion"] as? String == "1.5")
        let serial = try #require(bom["serialNumber"] as? String)
        #expect(serial.range(of: "^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", options: .regularExpression) != nil)
        let components = try #require(bom["components"] as? [[String: Any]])
        #expect(components.count == Self.report.apps.count)
        let refs = components.compactMap { $0["bom-ref"] as? String }
        #expect(Set(refs).count == refs.count)
        let hello = try #require(components.first { $0["name"] as? String == "cn.example.hello" })
        #expect((hello["hashes"] as? [[String: String]])?.first?["content"] == Self.report.apps.first { $0.record.package == "cn.example.hello" }?.sha256)
        let names = (hello["properties"] as? [[String: String]])?.compactMap { $0["name"] } ?? []
        for name in ["presetscan:location", "presetscan:verdict", "presetscan:filingNumber", "presetscan:certificate:md5",
                     "presetscan:certificate:sha256", "presetscan:label", "presetscan:sponsor"] {
            #expect(names.contains(name), "missing \(name)")
        }
        // A different report gets a different serial number.
        var other = Self.report
        other.apps.removeLast()
        let otherSerial = try #require(try JSONSerialization.jsonObject(with: Data(CycloneDXScanReporter().render(other).utf8)) as? [String: Any])["serialNumber"] as? String
        #expect(otherSerial != serial)
    }
}
