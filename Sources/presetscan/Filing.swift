import ArgumentParser
import PresetScanFiling
import PresetScanKit

extension FilingFormat: ExpressibleByArgument {}

struct FilingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filing",
        abstract: "Filing numbers (SPEC §2): read them with the grammar.",
        subcommands: [Parse.self])

    struct Parse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the canonical form of each filing number and what is wrong with it.",
            discussion: """
                Each TEXT is one candidate, e.g. 京ICP备2023012345号-1A. Exit status: 0 when every TEXT is a \
                valid app filing number (cosmetic variants such as full-width digits allowed), 1 otherwise.
                """)

        @Argument(help: "Filing numbers as written.")
        var texts: [String]

        @Option(help: "Output format: table or json.")
        var format: FilingFormat = .table

        @Option(help: "Write the report to this file instead of standard output.")
        var output: String?

        @OptionGroup var lang: LanguageOption

        func run() throws {
            let year = FilingNumber.currentYear
            let results = texts.map { FilingParseResult(input: $0, number: FilingNumber.parse($0, currentYear: year)) }
            try Output.write(try format.render(results, language: lang.language), to: output)
            if !results.allSatisfy(\.isValidAppFiling) { throw ExitCode(Exit.findings) }
        }
    }
}
