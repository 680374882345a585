import PresetScanApps
import PresetScanCore
import PresetScanFiling
import PresetScanRegistry
import Testing

@testable import PresetScanPolicy

/// The rules of SPEC §4 on hand-made records and registry answers.
@Suite struct EvaluatorTests {
    static let today = RegistryDate(year: 2026, month: 11, day: 29)!
    static let md5 = "e038d815edfc62a02b38aec2db7b6f02"
    static let sha = String(repeating: "ab", count: 32)

    static func record(_ package: String?, signed: Bool = true, internet: Bool = true, numbers: [EmbeddedFilingNumber] = []) -> AppRecord {
        var r = AppRecord(location: Location(["fw.img", "system/app/X/X.apk"]), size: 10)
        r.package = package
        r.usesInternet = internet
        r.filingNumbers = numbers
        if signed {
            r.signers = [Signer(scheme: "v2", subject: "CN=x", issuer: "CN=x", serialNumber: "1", md5: md5, sha1: "", sha256: sha,
                                publicKeyAlgorithm: "RSA", publicKeyBits: 2048, publicKeySha256: "", rsaModulusHex: "00c0ffee",
                                rsaModulusDecimal: nil)]
        }
        return r
    }

    static func filing(_ number: String, _ id: String, status: FilingStatus = .active, md5s: [String] = [], keys: [String] = []) -> FilingMatch {
        FilingMatch(
            filing: Filing(number: number, appName: "App", sponsor: "Sponsor", status: status),
            identifiers: [FiledIdentifier(platform: .android, identifier: id,
                                          certificates: md5s.map { FiledCertificate(md5: $0) } + keys.map { FiledCertificate(publicKey: $0) })])
    }

    static func number(_ text: String) -> EmbeddedFilingNumber {
        let parsed = FilingNumber.parse(text, currentYear: 2026)!
        return EmbeddedFilingNumber(canonical: parsed.canonical, kind: parsed.kind, valid: parsed.isValidAppFiling, raw: text,
                                    problems: parsed.problems, sources: [.init(source: "assets/about.html", raw: text)])
    }

    func assess(_ r: AppRecord, _ filings: [FilingMatch], policy: Policy = Policy(), known: Set<String> = []) -> AssessedApp {
        Evaluator(policy: policy, today: Self.today).assess(r, filings: filings) { known.contains($0) }
    }

    func rules(_ app: AssessedApp) -> [Rule] { app.findings.map(\.rule) }

    @Test func filedAppWithItsCertificate() {
        let app = assess(Self.record("cn.a"), [Self.filing("京ICP备2023012345号-1A", "cn.a", md5s: [Self.md5])])
        #expect(app.verdict == .filed)
        #expect(app.findings.isEmpty)
        #expect(app.match?.certificateMatched == true)
    }

    @Test func unfiledApp() {
        let app = assess(Self.record("cn.b"), [])
        #expect(app.verdict == .unfiled)
        #expect(rules(app) == [.PS001])
        #expect(app.findings[0].fails)
    }

    @Test func certificateMismatchAndPublicKeyMatch() {
        let wrong = assess(Self.record("cn.a"), [Self.filing("京ICP备2023012345号-1A", "cn.a", md5s: ["00112233445566778899aabbccddeeff"])])
        #expect(wrong.verdict == .certificateMismatch)
        #expect(rules(wrong) == [.PS002])
        // The filed RSA modulus matches the signer's, leading zeros aside.
        let byKey = assess(Self.record("cn.a"), [Self.filing("京ICP备2023012345号-1A", "cn.a", keys: ["C0FFEE"])])
        #expect(byKey.verdict == .filed)
        // No certificate data: nothing to compare, the identifier decides.
        let noData = assess(Self.record("cn.a"), [Self.filing("京ICP备2023012345号-1A", "cn.a")])
        #expect(noData.verdict == .filed)
        #expect(noData.match?.certificateMatched == nil)
    }

    @Test func cancelledFiling() {
        let app = assess(Self.record("cn.a"), [Self.filing("京ICP备2023012345号-1A", "cn.a", status: .cancelled, md5s: [Self.md5])])
        #expect(app.verdict == .filingNotActive)
        #expect(rules(app) == [.PS003])
    }

    @Test func theFilingWithTheMatchingCertificateIsChosen() {
        let app = assess(Self.record("cn.a"), [
            Self.filing("京ICP备2023012345号-1A", "cn.a", md5s: ["00112233445566778899aabbccddeeff"]),
            Self.filing("沪ICP备2024012345号-1A", "cn.a", status: .revoked, md5s: [Self.md5]),
        ])
        #expect(app.match?.filingNumber == "沪ICP备2024012345号-1A")
        #expect(app.verdict == .filingNotActive)
    }

    @Test func unsignedAppIsWarnedNotMismatched() {
        let app = assess(Self.record("cn.a", signed: false), [Self.filing("京ICP备2023012345号-1A", "cn.a", md5s: [Self.md5])])
        #expect(app.verdict == .filed)
        #expect(rules(app) == [.PS008])
        #expect(!app.findings[0].fails)
    }

    @Test func embeddedNumbers() {
        let own = "京ICP备2023012345号-1A"
        let r = Self.record("cn.a", numbers: [
            Self.number(own), Self.number("沪ICP备2024012345号-1A"), Self.number("粤ICP备2022054321号-3A"),
            Self.number("京ICP备2009012345号-01A"), Self.number("京公网安备11010502030143号"),
        ])
        let app = assess(r, [Self.filing(own, "cn.a", md5s: [Self.md5])], known: [own, "沪ICP备2024012345号-1A"])
        #expect(app.verdict == .filed)
        // 沪: filed elsewhere → PS004; 粤: unknown → PS004 + PS006; the bad year → PS005; police filing: nothing.
        #expect(rules(app) == [.PS004, .PS004, .PS005, .PS006])
        #expect(app.findings.allSatisfy { !$0.fails })
    }

    @Test func unreadablePackageIsIncompleteNotUnfiled() {
        var r = Self.record(nil, signed: false, internet: false)
        r.errors = [Diagnostic(.error, "zip.truncated", "truncated")]
        let app = assess(r, [], policy: Policy(exemptWithoutInternet: true))
        #expect(app.verdict == .unfiled)
        #expect(rules(app) == [.PS009])
        #expect(app.findings[0].suppression == nil)
        #expect(!app.findings[0].fails)  // PS009 is not in the default failOn: exit 3, not 1
    }

    @Test func exemptions() {
        let policy = Policy(exemptWithoutInternet: true, exemptions: [Exemption(identifier: "com.android.*", reason: "AOSP")])
        let aosp = assess(Self.record("com.android.settings"), [], policy: policy)
        #expect(aosp.verdict == .exempt)
        #expect(aosp.findings.map(\.suppression?.kind) == [.exemption])
        #expect(!aosp.findings[0].fails)
        let offline = assess(Self.record("cn.offline", internet: false), [], policy: policy)
        #expect(offline.verdict == .exempt)
        // Off by default.
        #expect(assess(Self.record("cn.offline", internet: false), []).verdict == .unfiled)
    }

    @Test func waiversApplyUntilTheyExpire() {
        let live = Waiver(identifier: "cn.kiosk", reason: "in progress", owner: "qa", expires: RegistryDate(year: 2026, month: 11, day: 29)!)
        let expired = Waiver(identifier: "cn.old", reason: "old", owner: "qa", expires: RegistryDate(year: 2026, month: 11, day: 28)!)
        let otherSigner = Waiver(identifier: "cn.signer", certSha256: String(repeating: "cd", count: 32), reason: "r", owner: "o",
                                 expires: RegistryDate(year: 2030, month: 1, day: 1)!)
        let policy = Policy(waivers: [live, expired, otherSigner], path: "policy.yaml")
        let kiosk = assess(Self.record("cn.kiosk"), [], policy: policy)
        #expect(kiosk.verdict == .waived)
        #expect(kiosk.findings.allSatisfy { $0.suppression?.kind == .waiver && !$0.fails })
        #expect(assess(Self.record("cn.old"), [], policy: policy).verdict == .unfiled)
        #expect(assess(Self.record("cn.signer"), [], policy: policy).verdict == .unfiled)
        let run = Evaluator(policy: policy, today: Self.today).runFindings(registry: nil, diagnostics: [])
        #expect(run.map(\.rule) == [.PS010])
        #expect(run[0].message.contains("cn.old"))
    }

    @Test func baselineKnownFindingsDoNotFail() {
        let first = assess(Self.record("cn.b"), [])
        let evaluator = Evaluator(policy: Policy(), today: Self.today, baseline: Set(first.findings.map(\.fingerprint)))
        let again = evaluator.assess(Self.record("cn.b"), filings: []) { _ in false }
        #expect(again.findings.map(\.suppression?.kind) == [.baseline])
        #expect(!again.findings[0].fails)
        let other = evaluator.assess(Self.record("cn.c"), filings: []) { _ in false }
        #expect(other.findings[0].fails)
    }

    @Test func runFindingsFromDiagnostics() {
        let evaluator = Evaluator(policy: Policy(failOn: [.PS001, .PS009]), today: Self.today)
        let run = evaluator.runFindings(registry: nil, diagnostics: [
            Diagnostic(.error, "ota.incremental", "incremental OTA", location: Location(path: "ota.zip")),
            Diagnostic(.warning, "ext4.note", "harmless"),
        ])
        #expect(run.map(\.rule) == [.PS009])
        #expect(run[0].fails)
    }
}
