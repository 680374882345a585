import ArgumentParser
import Foundation
import PresetScanKit

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every app package inside firmware: archives, sparse images, ext4, super.img, folders.",
        discussion: """
            Inputs are read by content, nested to any depth, in place. Exit status: 0 when everything \
            was read, 3 when part of the input could not be read (PS009) or no app package was found, \
            2 when an input cannot be opened at all.
            """)

    @Argument(help: "Firmware images, archives, folders or app packages.")
    var inputs: [String]

    @Option(help: "Output format: table or json.")
    var format: InventoryFormat = .table

    @OptionGroup var walk: WalkOptions

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    @Flag(help: "Do not search packages for filing numbers (faster; `filingNumbers` stays empty).")
    var noFilingSearch = false

    @OptionGroup var lang: LanguageOption

    @Flag(help: .hidden)
    var stats = false

    func run() throws {
        let language = lang.language
        var lister = Lister()
        lister.searchFilingNumbers = !noFilingSearch
        // `list` reports no `verified`: verifying would read every byte of every APK in the image.
        lister.verifySignatures = false
        walk.apply(to: &lister, language: language)
        let result = lister.list(inputs: inputs)
        try Output.write(try format.listReporter(language).render(result.report), to: output)
        if stats {
            Log.note(Message(.cliBytesRead, "\(result.bytesRead)", "\(result.inputBytes)"))
        }
        if !result.unusableInputs.isEmpty { throw ExitCode(Exit.unusable) }
        if result.report.isIncomplete || result.report.packages.isEmpty { throw ExitCode(Exit.incomplete) }
    }
}
