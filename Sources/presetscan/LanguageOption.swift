import ArgumentParser
import Foundation
import PresetScanKit

extension Language: ExpressibleByArgument {}

/// `--lang zh-CN|en` (SPEC §8), shared by every command that prints text for people.
struct LanguageOption: ParsableArguments {
    @Option(name: .customLong("lang"), help: ArgumentHelp(
        "Language of the texts for people: zh-CN or en (default from LC_ALL/LANG). Machine fields never change.",
        valueName: "language"))
    var lang: Language?

    /// The language asked for, else the environment's; it also becomes the language of `Log`.
    var language: Language {
        let language = lang ?? Language.fromEnvironment(ProcessInfo.processInfo.environment)
        Log.language.withLock { $0 = language }
        return language
    }
}
