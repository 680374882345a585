import ArgumentParser
import PresetScanKit

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one app package in full: identity, labels, permissions, signers.",
        discussion: """
            Each PACKAGE is read by content, not by name. Exit status: 0 when every package was read \
            completely, 3 when some reported errors, 2 when none could be read at all.
            """)

    @Argument(help: "App package files (APK).")
    var packages: [String]

    @Option(help: "Output format: table or json.")
    var format: InventoryFormat = .table

    @Option(help: "Packages read in parallel (default: the core count).")
    var jobs: Int?

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    @OptionGroup var lang: LanguageOption

    /// Benchmarks/filing-search.sh times `inspect` with and without the search; not for users.
    @Flag(name: .customLong("no-filing-search"), help: .hidden)
    var noFilingSearch = false

    func run() throws {
        var inspector = Inspector()
        if let jobs { inspector.jobs = max(1, jobs) }
        inspector.searchFilingNumbers = !noFilingSearch
        let records = inspector.inspect(paths: packages)
        let text = try format.reporter(lang.language).render(records)
        try Output.write(text, to: output)
        let unreadable = records.filter { $0.package == nil && !$0.errors.isEmpty }.count
        if unreadable == records.count { throw ExitCode(Exit.unusable) }
        if records.contains(where: { !$0.errors.isEmpty }) { throw ExitCode(Exit.incomplete) }
    }
}

