import Foundation
import PresetScanRegistry
import Testing

@testable import PresetScanPolicy

@Suite struct PolicyFileTests {
    static let specExample = """
        version: 1
        failOn: [PS001, PS002, PS003, PS009]   # default: every rule whose severity is error
        exemptWithoutInternet: false          # true: apps requesting no network permission are `exempt`
        exemptions:
          - identifier: "com.android.*"       # glob on the identifier; optional platform:
            reason: "AOSP component with no Internet information service"
        waivers:
          - identifier: cn.example.kiosk
            certSha256: "AB:CD:ef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
            reason: "filing in progress, ticket 1234"
            owner: "qa@example.com"
            expires: 2027-03-31               # required; past it the waiver stops applying (PS010)
        """

    @Test func readsTheSpecExample() throws {
        let policy = try Policy.parse(Self.specExample, path: "policy.yaml")
        #expect(policy.version == 1)
        #expect(policy.failOn == [.PS001, .PS002, .PS003, .PS009])
        #expect(!policy.exemptWithoutInternet)
        #expect(policy.exemptions == [Exemption(identifier: "com.android.*", reason: "AOSP component with no Internet information service", line: 5)])
        #expect(policy.waivers.count == 1)
        #expect(policy.waivers[0].certSha256 == "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789")
        #expect(policy.waivers[0].expires == RegistryDate(year: 2027, month: 3, day: 31))
        #expect(policy.waivers[0].line == 8)
        #expect(policy.exemption(for: "com.android.settings", platform: .android) != nil)
        #expect(policy.exemption(for: "cn.example.hello", platform: .android) == nil)
    }

    @Test func defaultsWhenOnlyTheVersionIsGiven() throws {
        let policy = try Policy.parse("version: 1\n", path: "p.yaml")
        #expect(policy.failOn == Policy.defaultFailOn)
        #expect(policy.exemptions.isEmpty && policy.waivers.isEmpty)
        #expect(try Policy.parse("version: 1\nfailOn: [unfiled-app, ps009]\n", path: "p").failOn == [.PS001, .PS009])
        #expect(try Policy.parse("version: 1\nfailOn: []\n", path: "p").failOn.isEmpty)
    }

    /// Every bad policy names its line (SPEC §4: "A bad policy file exits 2 naming the line").
    @Test(arguments: [
        ("", 0, "empty"),
        ("failOn: [PS001]\n", 1, "`version` is required"),
        ("version: 2\n", 1, "version 2 is not supported"),
        ("version: one\n", 1, "whole number"),
        ("version: 1\nfailon: [PS001]\n", 2, "unknown key \"failon\""),
        ("version: 1\nfailOn: [PS001, PS099]\n", 2, "unknown rule \"PS099\""),
        ("version: 1\nfailOn: PS001\n", 2, "must be a list"),
        ("version: 1\nexemptWithoutInternet: perhaps\n", 2, "true or false"),
        ("version: 1\nexemptions:\n  - identifier: a.*\n", 3, "without `reason`"),
        ("version: 1\nexemptions:\n  - identifier: a.*\n    reason: x\n    platform: symbian\n", 5, "unknown platform"),
        ("version: 1\nwaivers:\n  - identifier: a\n    reason: r\n    owner: o\n", 3, "without `expires`"),
        ("version: 1\nwaivers:\n  - identifier: a\n    reason: r\n    owner: o\n    expires: soon\n", 6, "not a date"),
        ("version: 1\nwaivers:\n  - identifier: a\n    reason: r\n    owner: o\n    expires: 2027-02-30\n", 6, "not a date"),
        ("version: 1\nwaivers:\n  - identifier: a\n    certSha256: abc\n    reason: r\n    owner: o\n    expires: 2027-01-01\n", 4, "64 hex"),
        ("version: 1\nwaivers:\n  - identifier: a\n    reason: \"  \"\n    owner: o\n    expires: 2027-01-01\n", 4, "is empty"),
        ("version: 1\nversion: 1\n", 2, "twice"),
        ("version: 1\nfailOn: [PS001\n", 3, "not valid YAML"),
        ("- version: 1\n", 1, "mapping"),
    ] as [(String, Int, String)])
    func badPolicyNamesTheLine(text: String, line: Int, reason: String) {
        do {
            _ = try Policy.parse(text, path: "policy.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.line == line, "\(error)")
            #expect(error.reason.contains(reason), "\(error)")
            #expect(error.description.hasPrefix("policy.yaml"))
        }
    }

    @Test func missingFileIsAnError() {
        #expect(throws: PolicyError.self) { try Policy.load(path: "/nonexistent/policy.yaml") }
    }

    @Test(arguments: [
        ("com.android.*", "com.android.settings", true), ("com.android.*", "com.androidx", false),
        ("*", "", true), ("a?c", "abc", true), ("a?c", "ac", false), ("*.kiosk", "cn.example.kiosk", true),
        ("cn.*.kiosk", "cn.a.b.kiosk", true), ("cn.example", "cn.example.x", false), ("**a", "bbba", true),
    ] as [(String, String, Bool)])
    func globs(pattern: String, text: String, expected: Bool) {
        #expect(Glob.matches(pattern, text) == expected)
    }
}

/// The README's rule table is what SARIF help and reports say: the two must not drift apart.
@Test(arguments: Rule.allCases) func readmeDescribesEachRule(rule: Rule) throws {
    let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")
    let text = try String(contentsOf: readme, encoding: .utf8)
    let row = "| \(rule.rawValue) | \(rule.name) | \(rule.defaultSeverity.rawValue) | \(rule.summary) | \(rule.remedy) |"
    #expect(text.contains(row), "README.md lacks: \(row)")
}
