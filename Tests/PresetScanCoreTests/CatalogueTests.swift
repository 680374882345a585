import PresetScanCore
import Testing

@Suite struct CatalogueTests {
    @Test(arguments: MessageKey.allCases)
    func everyLanguageHasTheSamePlaceholders(key: MessageKey) {
        let english = MessageKey.placeholders(in: key.template(.en))
        for language in Language.allCases {
            let template = key.template(language)
            #expect(!template.isEmpty, "\(key.rawValue) has no \(language.tag) text")
            #expect(MessageKey.placeholders(in: template) == english, "\(key.rawValue) in \(language.tag)")
        }
    }

    @Test func fillsPlaceholdersInAnyOrder() {
        #expect(Message.fill("{1} 的 {0}", ["a", "b"]) == "b 的 a")
        #expect(Message.fill("{{0}} {0} {2}", ["x"]) == "{0} x {2}")
    }

    @Test(arguments: [
        (["LC_ALL": "zh_CN.UTF-8"], Language.zhCN), (["LANG": "zh_TW.UTF-8"], .zhCN),
        (["LC_ALL": "C", "LANG": "zh_CN.UTF-8"], .en), (["LANG": "en_US.UTF-8"], .en), ([:], .en),
        (["LC_ALL": "", "LANG": "zh_CN.UTF-8"], .zhCN),
    ])
    func languageFromEnvironment(environment: [String: String], expected: Language) {
        #expect(Language.fromEnvironment(environment) == expected)
    }
}
