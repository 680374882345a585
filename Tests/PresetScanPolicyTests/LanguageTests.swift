import Foundation
import PresetScanCore
import Testing

@testable import PresetScanPolicy

/// Findings, suppressions and rules speak the reader's language (SPEC §8); what machines read does not change.
struct LanguageTests {
    @Test(arguments: [
        ("ext4.truncated", IncompleteCause.truncated), ("sparse.truncated", .truncated), ("apkm.encrypted", .encrypted),
        ("ext4.encrypted", .encrypted), ("limit.entries", .limit), ("splits.limit", .limit), ("ota.incremental", .unsupported),
        ("package.unknown-kind", .unsupported), ("apk.no-manifest", .missingPart), ("blockota.missing-new-data", .missingPart),
        ("squashfs.directory-loop", .damaged), ("payload.bad-partition-name", .damaged), ("zip.duplicate-entry", .damaged),
        ("signing.block-malformed", .damaged), ("input.unreadable", .unreadable), ("apk.not-a-zip", .unreadable),
    ])
    func incompleteCauseFromCode(_ code: String, _ cause: IncompleteCause) {
        #expect(IncompleteCause(code: code) == cause)
    }

    @Test func ps009KeepsTheParserDetailAndNamesTheCause() {
        let diagnostic = Diagnostic(.error, "ext4.truncated", "ext4 inode 12 at offset 0x4400: truncated")
        let finding = Finding(.PS009, diagnostic.inputMessage, location: nil)
        #expect(finding.message == "ext4 inode 12 at offset 0x4400: truncated")
        #expect(finding.text(.zhCN) == "输入不完整（文件被截断）：ext4 inode 12 at offset 0x4400: truncated")
        let package = Finding(.PS009, diagnostic.packageMessage, location: nil)
        #expect(package.message == "package not read completely: ext4 inode 12 at offset 0x4400: truncated")
        #expect(package.text(.zhCN).hasPrefix("应用包不完整"))
    }

    @Test func findingsAndSuppressionsRenderInEitherLanguage() {
        let finding = Finding(.PS001, Message(.findingNotInRegistry, "cn.a", "android"), location: nil, subject: "android:cn.a")
        #expect(finding.text(.en) == "cn.a is not in the registry (android)")
        #expect(finding.text(.zhCN) == "cn.a 在备案库中没有备案记录（android）")
        // The fingerprint (`--baseline`) and the English message do not depend on a language.
        #expect(finding.fingerprint == Finding(.PS001, "anything", location: nil, subject: "android:cn.a").fingerprint)
        let waiver = Suppression(.waiver, Message(.suppressionWaiver, "2027-03-31", "qa@example.com", "ticket 1"))
        #expect(waiver.reason == "waived until 2027-03-31 (owner qa@example.com): ticket 1")
        #expect(waiver.reason(.zhCN) == "例外有效期至 2027-03-31（负责人 qa@example.com）：ticket 1")
    }

    @Test(arguments: Rule.allCases)
    func everyRuleHasChineseTexts(_ rule: Rule) {
        #expect(rule.summary == rule.summary(.en))
        #expect(rule.remedy == rule.remedy(.en))
        #expect(rule.title(.en) == rule.name)
        for text in [rule.summary(.zhCN), rule.remedy(.zhCN), rule.title(.zhCN)] {
            #expect(text.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "\(rule) \(text)")
        }
        #expect(rule.summary(.zhCN).hasSuffix("。") && rule.remedy(.zhCN).hasSuffix("。"))
    }

    @Test func verdictsUseTheFixedTerms() {
        let terms = Verdict.allCases.map { $0.label.template(.zhCN) }
        #expect(terms == Verdict.allCases.map { $0.term.template(.zhCN) })
        #expect(Verdict.allCases.map { $0.label.template(.en) } == Verdict.allCases.map(\.rawValue))
    }
}

/// README.zh-CN.md's rule table is the Chinese catalogue, as README.md's is the English one.
@Test(arguments: Rule.allCases) func chineseReadmeDescribesEachRule(rule: Rule) throws {
    let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.zh-CN.md")
    let text = try String(contentsOf: readme, encoding: .utf8)
    let severity = rule.defaultSeverity.term.template(.zhCN)
    let row = "| \(rule.rawValue) | \(rule.title(.zhCN)) | \(severity) | \(rule.summary(.zhCN)) | \(rule.remedy(.zhCN)) |"
    #expect(text.contains(row), "README.zh-CN.md lacks: \(row)")
}
