import PresetScanApps
import PresetScanCore
import Testing

@testable import PresetScanPolicy

/// PS011 signature-invalid (SPEC §4): a claimed signer that does not verify.
@Suite struct SignatureInvalidTests {
    typealias E = EvaluatorTests

    static func tampered() -> AppRecord {
        var r = E.record("cn.a")
        r.verified = false
        r.verificationFailure = VerificationFailure("v3", .contentMismatch, "APK integrity check failed")
        r.warnings = [Diagnostic(.warning, Evaluator.verifyFailedCode,
            "the signature does not verify (content-mismatch, scheme v3): APK integrity check failed")]
        return r
    }

    @Test func ruleIsAnErrorInTheDefaultFailOn() {
        #expect(Rule.PS011.name == "signature-invalid")
        #expect(Rule.PS011.defaultSeverity == .error)
        #expect(Policy.defaultFailOn == [.PS001, .PS002, .PS003, .PS011])
    }

    @Test func tamperedFiledAppIsNotFiled() {
        let filing = E.filing("京ICP备2023012345号-1A", "cn.a", md5s: [E.md5])
        let app = EvaluatorTests().assess(Self.tampered(), [filing])
        #expect(EvaluatorTests().rules(app).sorted() == [.PS002, .PS011])
        #expect(app.verdict == .certificateMismatch)
        let ps011 = app.findings.first { $0.rule == .PS011 }
        #expect(ps011?.message.contains("content-mismatch") == true)
        #expect(ps011?.message.contains(E.md5) == true)
    }

    @Test func tamperedUnfiledAppHasPS011AndPS001() {
        let app = EvaluatorTests().assess(Self.tampered(), [])
        #expect(EvaluatorTests().rules(app).sorted() == [.PS001, .PS011])
    }

    @Test func verifiedOrUnknownGivesNoPS011() {
        var r = E.record("cn.a")
        r.verified = true
        #expect(!EvaluatorTests().rules(EvaluatorTests().assess(r, [])).contains(.PS011))
        r.verified = nil
        #expect(!EvaluatorTests().rules(EvaluatorTests().assess(r, [])).contains(.PS011))
    }

    /// v2/v3 only with minSdk below 24: apksigner does not verify it (no v1 for old platforms),
    /// but the claimed signer did verify: no PS011, and the certificate still counts.
    @Test func missingSchemeForOldPlatformsIsNotPS011() {
        var r = E.record("cn.a")
        r.verified = false
        r.verificationFailure = VerificationFailure("v1", .missingSignature, "Missing META-INF/MANIFEST.MF")
        r.warnings = [Diagnostic(.warning, Evaluator.verifyFailedCode,
            "the signature does not verify (missing-signature, scheme v1): Missing META-INF/MANIFEST.MF")]
        let app = EvaluatorTests().assess(r, [E.filing("京ICP备2023012345号-1A", "cn.a", md5s: [E.md5])])
        #expect(app.findings.isEmpty)
        #expect(app.verdict == .filed)
    }

    @Test func unsignedAppIsPS008NotPS011() {
        var r = E.record("cn.a", signed: false)
        r.verified = false
        let rules = EvaluatorTests().rules(EvaluatorTests().assess(r, []))
        #expect(rules.contains(.PS008))
        #expect(!rules.contains(.PS011))
    }
}
