/// The English catalogue: one text per `MessageKey`. `{0}`, `{1}` … are the message's arguments.
extension MessageKey {
    var english: String {
        switch self {
        // MARK: Fixed terms (SPEC §8)
        case .termFiled: "filed"
        case .termUnfiled: "unfiled"
        case .termCertificateMismatch: "certificate mismatch"
        case .termFilingNotActive: "filing not active"
        case .termExempt: "exempt"
        case .termWaived: "waived"
        case .termFilingNumber: "filing number"
        case .termSponsor: "sponsor"
        case .termAppName: "app name (filed)"
        case .termPackageName: "package name / Bundle ID"
        case .termCertificateMD5: "certificate MD5"
        case .termPublicKey: "public key"
        case .termIncompleteScan: "incomplete scan"

        // MARK: Outcomes
        case .outcomePass: "PASS"
        case .outcomeFail: "FAIL"
        case .outcomeIncomplete: "INCOMPLETE"
        }
    }
}
