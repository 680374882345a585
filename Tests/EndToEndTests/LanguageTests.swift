import Foundation
import Testing

/// `--lang` and LC_ALL/LANG (SPEC §8) on the built binary: every text for people changes, the machine
/// formats and exit codes do not.
@Suite(.serialized) struct LanguageTests {
    /// The sample firmware (Samples/make-firmware.sh) plus packages of four platforms, as `make demo` scans them.
    static let inputs: Result<[String], Failure> = {
        guard let dir = CLI.makeFixtures("make-firmware.sh", prefix: "presetscan-language") else {
            return .failure(Failure(description: "Samples/make-firmware.sh failed (needs e2fsprogs, android-sdk-libsparse-utils …)"))
        }
        return .success([dir.appendingPathComponent("super.img").path, "Samples/apk/filing.apk", "Samples/hap/entry-signed.hap",
                         "Samples/ipa/hello.ipa", "Samples/rpk/signed.rpk"])
    }()

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func scan(_ format: String, _ extra: [String], environment: [String: String] = [:]) throws -> CLI.Result {
        try CLI.run(["scan"] + inputs.get() + ["--registry", "Samples/registry/filings.csv", "--policy", "Samples/policy/policy.yaml",
                                               "--today", "2026-11-29", "--no-progress", "--format", format] + extra,
                    environment: environment)
    }

    /// Texts for people in the JSON-based formats, blanked so that what is left is what machines read.
    static let people: Set<String> = ["message", "reason", "signatureDetail", "text", "justification", "summary"]

    static func machineFields(_ text: String) throws -> Data {
        func strip(_ value: Any) -> Any {
            if let object = value as? [String: Any] {
                if object["name"] as? String == "presetscan:finding" { return ["name": "presetscan:finding"] }
                var out: [String: Any] = [:]
                for (key, item) in object where key != "serialNumber" { out[key] = people.contains(key) && item is String ? "" : strip(item) }
                return out
            }
            if let array = value as? [Any] { return array.map(strip) }
            return value
        }
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try JSONSerialization.data(withJSONObject: strip(object), options: [.sortedKeys])
    }

    @Test(arguments: ["json", "sarif", "cyclonedx"])
    func machineFormatsAreTheSameInEitherLanguage(_ format: String) throws {
        let english = try Self.scan(format, ["--lang", "en"])
        let chinese = try Self.scan(format, ["--lang", "zh-CN"])
        #expect(english.status == 1, "exit \(english.status): \(english.stderr)")
        #expect(chinese.status == english.status)
        #expect(english.stdout != chinese.stdout, "\(format) has no text for people that follows --lang")
        #expect(try Self.machineFields(english.stdout) == Self.machineFields(chinese.stdout))
        if format == "sarif" {
            // Rule ids, rule names and levels as code-scanning dashboards key them.
            func ruleIds(_ text: String) -> [String] {
                let log = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                let results = (log?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]] ?? []
                return results.compactMap { $0["ruleId"] as? String }
            }
            #expect(!ruleIds(english.stdout).isEmpty)
            #expect(ruleIds(english.stdout) == ruleIds(chinese.stdout))
        }
        if format == "json" {
            let report = try #require(chinese.json as? [String: Any])
            let verdicts = Set((report["apps"] as? [[String: Any]] ?? []).compactMap { $0["verdict"] as? String })
            #expect(verdicts.isSubset(of: ["filed", "unfiled", "certificate-mismatch", "filing-not-active", "exempt", "waived"]))
            #expect(verdicts.contains("unfiled"))
            let messages = (report["apps"] as? [[String: Any]] ?? []).flatMap { $0["findings"] as? [[String: Any]] ?? [] }
                .compactMap { $0["message"] as? String }
            #expect(messages.contains { $0.contains("备案库中没有备案记录") })
        }
    }

    @Test func tableAndWarningsFollowTheLanguage() throws {
        let english = try Self.scan("table", ["--lang", "en"])
        let chinese = try Self.scan("table", ["--lang", "zh-CN"])
        #expect(chinese.status == english.status)
        #expect(english.stdout.contains("UNFILED ("))
        #expect(english.stdout.contains("PS001 error unfiled-app: cn.example.filing is not in the registry (android)"))
        for text in ["未备案（", "证书不一致（", "已批准例外（", "豁免（", "已备案（", "PS001 错误 未备案应用：", "不通过：", "备案库："] {
            #expect(chinese.stdout.contains(text), "zh-CN table lacks \(text)")
        }
        #expect(!chinese.stdout.contains("UNFILED"))
        #expect(english.stderr.contains("presetscan: warning: registry data is"))
        #expect(chinese.stderr.contains("presetscan：警告：备案库数据已有"))
    }

    @Test func langAloneSwitchesToChinese() throws {
        let chinese = try Self.scan("table", [], environment: ["LC_ALL": "", "LANG": "zh_CN.UTF-8"])
        #expect(chinese.stdout.contains("未备案（"), "LANG=zh_CN.UTF-8 did not switch: \(chinese.stdout.prefix(300))")
        let english = try Self.scan("table", [], environment: ["LC_ALL": "", "LANG": "en_US.UTF-8"])
        #expect(english.stdout.contains("UNFILED ("))
        // LC_ALL wins over LANG, and --lang over both.
        #expect(try Self.scan("table", [], environment: ["LC_ALL": "C", "LANG": "zh_CN.UTF-8"]).stdout.contains("UNFILED ("))
        #expect(try Self.scan("table", ["--lang", "en"], environment: ["LC_ALL": "zh_CN.UTF-8"]).stdout.contains("UNFILED ("))
    }

    @Test func otherCommandsFollowTheLanguage() throws {
        let list = try CLI.run(["list", "Samples/apk/hello.apk", "--no-progress", "--lang", "zh-CN"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.hasPrefix("位置"))
        #expect(list.stdout.contains("共找到 1 个应用包"))
        let inspect = try CLI.run(["inspect", "Samples/apk/hello.apk", "--lang", "zh-CN"])
        #expect(inspect.status == 0)
        #expect(inspect.stdout.contains("  包名 ") && inspect.stdout.contains("签名方案"))
        let filing = try CLI.run(["filing", "parse", "京ICP备2023012345号-1A", "--lang", "zh-CN"])
        #expect(filing.status == 0)
        #expect(filing.stdout.contains("规范形式") && filing.stdout.contains("APP备案号"))
        let info = try CLI.run(["registry", "info", "Samples/registry/filings.csv", "--lang", "zh-CN"])
        #expect(info.stderr.contains("presetscan：错误："), "\(info.stderr)")
        #expect(info.status == 2)
    }

    @Test func unknownLanguageIsAUsageError() throws {
        let result = try CLI.run(["list", "Samples/apk/hello.apk", "--lang", "fr"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("--lang"))
    }
}
