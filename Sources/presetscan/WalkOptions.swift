import ArgumentParser
import PresetScanKit

/// How firmware is walked and packages are read: the options `list` and `scan` share.
struct WalkOptions: ParsableArguments {
    @Flag(help: "Add the SHA-256 of every package's bytes.")
    var hash = false

    @Option(help: "Deepest container nesting opened (default 8).")
    var maxDepth: Int = 8

    @Option(help: "Packages read in parallel (default: the core count).")
    var jobs: Int?

    @Flag(help: "No progress bar.")
    var noProgress = false

    /// Sets them on `lister`; `progress` is false when something else (`--quiet`) rules the bar out.
    func apply(to lister: inout Lister, language: Language, progress: Bool = true) {
        if let jobs { lister.jobs = max(1, jobs) }
        lister.hash = hash
        lister.maxDepth = max(0, maxDepth)
        lister.progress = ProgressBar.make(enabled: progress && !noProgress, language: language)
    }
}
