/// Every text presetscan shows a person, by stable key. Each language's catalogue
/// (`Catalogue+en.swift`, `Catalogue+zh-CN.swift`) is an exhaustive switch over these keys, so a
/// key without a text in every language does not compile.
///
/// Keys are grouped by where the text appears; the groups follow the order of the catalogues.
public enum MessageKey: String, CaseIterable, Codable, Sendable {
    // MARK: Fixed terms (SPEC §8)
    case termFiled = "term.filed"
    case termUnfiled = "term.unfiled"
    case termCertificateMismatch = "term.certificate-mismatch"
    case termFilingNotActive = "term.filing-not-active"
    case termExempt = "term.exempt"
    case termWaived = "term.waived"
    case termFilingNumber = "term.filing-number"
    case termSponsor = "term.sponsor"
    case termAppName = "term.app-name"
    case termPackageName = "term.package-name"
    case termCertificateMD5 = "term.certificate-md5"
    case termPublicKey = "term.public-key"
    case termIncompleteScan = "term.incomplete-scan"

    // MARK: Outcomes
    case outcomePass = "outcome.pass"
    case outcomeFail = "outcome.fail"
    case outcomeIncomplete = "outcome.incomplete"
}
