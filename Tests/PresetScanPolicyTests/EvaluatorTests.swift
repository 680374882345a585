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
    static let sha1 = String(repeating: "cd", count: 20)

    static func record(
        _ package: String?, signed: Bool = true, internet: Bool = true, numbers: [EmbeddedFilingNumber] = [],
        platform: Platform = .android, kind: String = "apk"
    ) -> AppRecord {
        var r = AppRecord(location: Location(["fw.img", "system/app/X/X.\(kind)"]), kind: kind, platform: platform, size: 10)
        r.package = package
        r.usesInternet = internet
        r.filingNumbers = numbers
        if signed {
            r.signers = [Signer(scheme: "v2", subject: "CN=x", issuer: "CN=x", serialNumber: "1", md5: md5, sha1: sha1, sha256: sha,
                                publicKeyAlgorithm: "RSA", publicKeyBits: 2048, publicKeySha256: "", rsaModulusHex: "00c0ffee",
                                rsaModulusDecimal: nil)]
        }
        return r
    }

    static func filing(
        _ number: String, _ id: String, platform: Platform = .android, status: FilingStatus = .active, md5s: [String] = [],
        sha1s: [String] = [], sha256s: [String] = [], keys: [String] = []
    ) -> FilingMatch {
        let certificates = md5s.map { FiledCertificate(md5: $0) } + sha1s.map { FiledCertificate(sha1: $0) }
            + sha256s.map { FiledCertificate(sha256: $0) } + keys.map { FiledCertificate(publicKey: $0) }
        return FilingMatch(
            filing: Filing(number: number, appName: "App", sponsor: "Sponsor", status: status),
            identifiers: [FiledIdentifier(platform: platform, identifier: id, certificates: certificates)])
    }

    static func number(_ text: String) -> EmbeddedFilingNumber {
        let parsed = FilingNumber.parse(text, currentYear: 2026)!
        return EmbeddedFilingNumber(canonical: parsed.canonical, kind: parsed.kind, valid: parsed.isValidAppFiling, raw: text,
                                    problems: parsed.problems, sources: [.init(source: "assets/about.html", raw: text)])
    }

    /// The notice rules (PS012–PS014) are left out unless asked for: these tests are about the others,
    /// and `NoticeRulesTests` checks those.
    func assess(
        _ r: AppRecord, _ filings: [FilingMatch], policy: Policy = Policy(), known: Set<String> = [], noticeRules: Bool = false
    ) -> AssessedApp {
        var app = Evaluator(policy: policy, today: Self.today).assess(r, filings: filings) { known.contains($0) }
        if !noticeRules { app.findings.removeAll { [.PS012, .PS013, .PS014].contains($0.rule) } }
        return app
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

    @Test func unsignedAppIsWarnedWhenNoCertificateIsFiled() {
        let app = assess(Self.record("cn.a", signed: false), [Self.filing("京ICP备2023012345号-1A", "cn.a")])
        #expect(app.verdict == .filed)
        #expect(rules(app) == [.PS008])
        #expect(!app.findings[0].fails)
    }

    /// SPEC §4 PS002: with certificate data filed, an app with no readable signer fails too.
    @Test func unsignedAppFailsWhenACertificateIsFiled() {
        let app = assess(Self.record("cn.a", signed: false), [Self.filing("京ICP备2023012345号-1A", "cn.a", md5s: [Self.md5])])
        #expect(app.verdict == .certificateMismatch)
        #expect(rules(app) == [.PS002, .PS008])
        #expect(app.findings[0].fails)
        #expect(app.findings[0].message == "cn.a is filed as 京ICP备2023012345号-1A with certificate MD5 \(Self.md5), but has no readable signer certificate")
        #expect(app.match?.certificateMatched == false)
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

    // MARK: Platforms and fingerprints (SPEC §3, §7)

    @Test func eachFingerprintIsComparedWithTheSignerDigestOfItsLength() {
        let harmony = Self.record("cn.h", platform: .harmony, kind: "hap")
        let filed = assess(harmony, [Self.filing("京ICP备2023012345号-1A", "cn.h", platform: .harmony, sha256s: [Self.sha])])
        #expect(filed.verdict == .filed)
        #expect(filed.match?.filedCertificateSHA256s == [Self.sha])
        #expect(filed.match?.certificateMatched == true)
        let ios = Self.record("cn.i", platform: .ios, kind: "ipa")
        #expect(assess(ios, [Self.filing("京ICP备2023012345号-1A", "cn.i", platform: .ios, sha1s: [Self.sha1.uppercased()])]).verdict == .filed)
        // The signer's MD5 written where a SHA-256 is filed matches nothing: lengths decide.
        let wrong = assess(harmony, [Self.filing("京ICP备2023012345号-1A", "cn.h", platform: .harmony, sha256s: [String(repeating: "0", count: 64)])])
        #expect(wrong.verdict == .certificateMismatch)
        let finding = wrong.findings[0]
        #expect(finding.message == "cn.h is filed as 京ICP备2023012345号-1A with certificate SHA-256 \(String(repeating: "0", count: 64)), but is signed with \(Self.sha)")
        #expect(finding.evidence == ["filingNumber": "京ICP备2023012345号-1A", "certSHA256": Self.sha])
        // Two algorithms filed: both named, each with the signer's digest of that algorithm.
        let two = assess(harmony, [Self.filing("京ICP备2023012345号-1A", "cn.h", platform: .harmony, md5s: ["00112233445566778899aabbccddeeff"],
                                                sha256s: [String(repeating: "0", count: 64)])])
        #expect(two.findings[0].message.contains("with certificate MD5 00112233445566778899aabbccddeeff / SHA-256 000"))
        #expect(two.findings[0].message.hasSuffix("but is signed with MD5 \(Self.md5) / SHA-256 \(Self.sha)"))
        #expect(two.findings[0].evidence == ["filingNumber": "京ICP备2023012345号-1A", "certMD5": Self.md5, "certSHA256": Self.sha])
    }

    @Test func androidMismatchKeepsItsMessageAndEvidence() {
        // Baselines hold fingerprints of PS002 findings: the MD5 case must not change.
        let app = assess(Self.record("cn.a"), [Self.filing("京ICP备2023012345号-1A", "cn.a", md5s: ["00112233445566778899aabbccddeeff"])])
        #expect(app.findings[0].message == "cn.a is filed as 京ICP备2023012345号-1A with certificate MD5 00112233445566778899aabbccddeeff, but is signed with \(Self.md5)")
        #expect(app.findings[0].evidence == ["filingNumber": "京ICP备2023012345号-1A", "certMD5": Self.md5])
    }

    @Test func filedOnlyForAnotherPlatformIsUnfiledAndSaysSo() {
        let harmony = Self.record("com.x", platform: .harmony, kind: "hap")
        let app = assess(harmony, [
            Self.filing("京ICP备2023012345号-1A", "com.x", md5s: [Self.md5]),
            Self.filing("沪ICP备2024012345号-2A", "com.x", platform: .ios),
        ])
        #expect(app.verdict == .unfiled)
        #expect(app.match == nil)
        #expect(rules(app) == [.PS001])
        #expect(app.findings[0].message == "com.x is filed only for android (京ICP备2023012345号-1A), ios (沪ICP备2024012345号-2A), not for harmony")
        #expect(app.findings[0].evidence == ["identifier": "com.x", "filedPlatforms": "android,ios"])
        #expect(app.findings[0].fails)
        #expect(app.platform == .harmony)
        // Filed nowhere: the message of old.
        #expect(assess(harmony, []).findings[0].message == "com.x is not in the registry (harmony)")
        // Filed on its own platform too: that filing decides.
        let both = assess(harmony, [
            Self.filing("京ICP备2023012345号-1A", "com.x", md5s: [Self.md5]),
            Self.filing("京ICP备2023012345号-3A", "com.x", platform: .harmony),
        ])
        #expect(both.verdict == .filed)
        #expect(both.match?.filingNumber == "京ICP备2023012345号-3A")
        #expect(both.match?.platform == .harmony)
    }

    // MARK: Policy

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

    /// SPEC §4: the registry speaks first; the policy decides only what would otherwise fail.
    @Test func aMatchingFilingIsFiledWhateverThePolicySays() {
        let own = "京ICP备2023012345号-1A"
        let exempting = Policy(exemptWithoutInternet: true, exemptions: [Exemption(identifier: "cn.*", reason: "all")],
                               waivers: [Waiver(identifier: "cn.a", reason: "r", owner: "o", expires: RegistryDate(year: 2030, month: 1, day: 1)!)])
        let filed = [Self.filing(own, "cn.a", md5s: [Self.md5])]
        // Filed, nothing failing: the exemption does not apply and nothing is suppressed.
        let quiet = assess(Self.record("cn.a", internet: false, numbers: [Self.number("沪ICP备2024012345号-1A")]), filed, policy: exempting,
                           known: [own, "沪ICP备2024012345号-1A"])
        #expect(quiet.verdict == .filed)
        #expect(rules(quiet) == [.PS004])
        #expect(quiet.findings.allSatisfy { $0.suppression == nil && !$0.fails })
        // Filed, but a finding the policy fails on: the exemption suppresses it, the verdict stays filed.
        var strict = exempting
        strict.failOn.insert(.PS006)
        let loud = assess(Self.record("cn.a", numbers: [Self.number("粤ICP备2022054321号-3A")]), filed, policy: strict, known: [own])
        #expect(loud.verdict == .filed)
        #expect(rules(loud) == [.PS004, .PS006])
        #expect(loud.findings.allSatisfy { $0.suppression?.kind == .exemption && !$0.fails })
        // The same with only a waiver.
        var waiverOnly = strict
        waiverOnly.exemptions = []
        waiverOnly.exemptWithoutInternet = false
        let waived = assess(Self.record("cn.a", numbers: [Self.number("粤ICP备2022054321号-3A")]), filed, policy: waiverOnly, known: [own])
        #expect(waived.verdict == .filed)
        #expect(waived.findings.allSatisfy { $0.suppression?.kind == .waiver })
        // Not filed: the exemption decides, and what it suppressed stays listed.
        let mismatch = assess(Self.record("cn.a"), [Self.filing(own, "cn.a", md5s: ["00112233445566778899aabbccddeeff"])], policy: exempting)
        #expect(mismatch.verdict == .exempt)
        #expect(mismatch.findings.map(\.rule) == [.PS002])
        #expect(mismatch.findings[0].suppression?.kind == .exemption)
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
