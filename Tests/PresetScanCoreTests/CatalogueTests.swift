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

@Suite struct CatalogueLanguageTests {
    /// Chinese sentences use full-width punctuation (SPEC §8 style): no ASCII comma, colon or
    /// semicolon right after a Chinese character.
    @Test(arguments: MessageKey.allCases)
    func chineseUsesFullWidthPunctuation(key: MessageKey) {
        let scalars = Array(key.template(.zhCN).unicodeScalars)
        for (a, b) in zip(scalars, scalars.dropFirst()) where String.columns(a) == 2 {
            #expect(![",", ";", ":", "(", ")"].contains(b), "\(key.rawValue): \"\(a)\(b)\"")
        }
    }

    @Test func partsRenderInTheMessagesLanguage() {
        let message = Message(.scanVerdictHeading, arguments: ["3"], parts: [Message(.verdictUnfiled)])
        #expect(message.text(.en) == "unfiled (3)")
        #expect(message.text(.zhCN) == "未备案（3）")
    }

    @Test func displayWidthCountsWideCharactersTwice() {
        #expect("abc".displayWidth == 3)
        #expect("备案号".displayWidth == 6)
        #expect("（ＡＢ）".displayWidth == 8)
        #expect("e\u{301}".displayWidth == 1)
        #expect("包名".padded(toWidth: 6) == "包名  ")
        #expect("LOCATION".padded(toWidth: 4) == "LOCATION")
    }
}
