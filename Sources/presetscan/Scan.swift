#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import Foundation
import PresetScanKit

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan firmware or app packages against a registry snapshot and fail on unfiled apps.",
        discussion: """
            Every app package inside the inputs (found by content, nested to any depth) gets a verdict: \
            filed, unfiled, certificate-mismatch, filing-not-active, exempt or waived, with findings \
            PS001–PS014. Exit status: 0 every app filed (or exempt/waived) and the whole input read; \
            1 a finding whose rule the policy fails on; 2 the command could not run (bad arguments, \
            unreadable input, registry missing/invalid/tampered/too old, bad policy or baseline); \
            3 nothing fails but the scan is incomplete (PS009) or found no app (0 with --allow-incomplete).
            """)

    @Argument(help: "Firmware images, OTA packages, archives, folders or app packages.")
    var inputs: [String]

    @Option(help: "Registry snapshot, or a CSV/JSON Lines records file imported for this run.")
    var registry: String

    @Option(help: "Ed25519 public key (PEM): refuse a registry whose <file>.sig is missing or does not verify.")
    var registryKey: String?

    @Option(help: "Refuse a registry whose data is older than this many days (exit 2).")
    var maxRegistryAge: Int?

    @Option(help: "Policy file (YAML): rules that fail the build, exemptions, waivers.")
    var policy: String?

    @Option(help: "A previous scan's JSON report: fail only on findings that are new since then.")
    var baseline: String?

    @Option(help: "Report format on standard output (or --output): table, json, sarif, junit, csv, html, cyclonedx.")
    var format: ScanFormat = .table

    @Option(help: "Write the --format report to this file instead of standard output.")
    var output: String?

    @Option(name: .customLong("report"), help: ArgumentHelp("Also write a report: FORMAT=FILE (repeatable).", valueName: "format=file"))
    var reports: [String] = []

    @OptionGroup var walk: WalkOptions

    @Flag(help: "Record every input's size and SHA-256 in the report (a folder's: of its file manifest), for evidence.")
    var hashInputs = false

    @Flag(help: "Exit 0 rather than 3 when nothing fails but the scan is incomplete.")
    var allowIncomplete = false

    @Option(help: "Colours in the table: auto (a terminal without NO_COLOR), always or never.")
    var color: ColorChoice = .auto

    @Flag(help: "Nothing on standard error but errors.")
    var quiet = false

    @OptionGroup var lang: LanguageOption

    @Option(help: .hidden)
    var today: String?

    enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
        case auto, always, never
    }

    func validate() throws {
        if let maxRegistryAge, maxRegistryAge < 0 { throw ValidationError(lang.language.text(.cliBadMaxAge)) }
        if let today, RegistryDate(text: today) == nil { throw ValidationError(lang.language.text(.cliBadToday, today)) }
        for report in reports {
            let parts = report.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, ScanFormat(rawValue: String(parts[0])) != nil, !parts[1].isEmpty else {
                throw ValidationError(lang.language.text(.cliBadReport, report, ScanFormat.allCases.map(\.rawValue).joined(separator: ", ")))
            }
        }
    }

    func run() throws {
        let language = lang.language
        let now = today.flatMap(RegistryDate.init(text:)).map { Date(timeIntervalSince1970: Double($0.daysSinceEpoch) * 86_400) } ?? Date()

        let policy: Policy
        do {
            policy = try self.policy.map { path throws(PolicyError) in try Policy.load(path: path) } ?? Policy()
        } catch {
            Log.error(Message(.cliBadPolicy, error.text(language)))
            throw ExitCode(Exit.unusable)
        }

        var options = SnapshotOpenOptions(maxAgeDays: maxRegistryAge)
        options.now = now
        let registryInput: RegistryInput
        do {
            if let registryKey { options.publicKey = try KeyFiles.publicKey(path: registryKey) }
            registryInput = try RegistryInput(path: registry, options: options)
        } catch {
            Log.error(Message(.cliBadRegistry, "\(error)"))
            throw ExitCode(Exit.unusable)
        }

        var scanner = ScanPipeline(policy: policy, now: now)
        walk.apply(to: &scanner.lister, language: language, progress: !quiet)
        scanner.hashInputs = hashInputs
        if let baseline {
            do { try scanner.useBaseline(path: baseline) } catch {
                Log.error(Message(.cliBadBaseline, baseline, "\(error)"))
                throw ExitCode(Exit.unusable)
            }
        }

        let result: ScanPipeline.Result
        do { result = try scanner.scan(inputs: inputs, registry: registryInput) } catch {
            Log.error(Message(.cliBadRegistry, "\(error)"))
            throw ExitCode(Exit.unusable)
        }
        let report = result.report

        let colour: Bool
        switch color {
        case .always: colour = true
        case .never: colour = false
        case .auto: colour = output == nil && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
        }
        do {
            try Output.write(try format.reporter(ScanRenderOptions(color: colour, language: language)).render(report), to: output)
            for item in reports {
                let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                guard let format = ScanFormat(rawValue: parts[0]) else { continue }  // checked in validate()
                try Output.write(try format.reporter(ScanRenderOptions(language: language)).render(report), to: parts[1])
            }
        } catch {
            Log.error(Message(.cliCannotWrite, "\(error)"))
            throw ExitCode(Exit.unusable)
        }

        if !quiet {
            if report.registry.ageDays > SnapshotInfo.staleAfterDays {
                Log.warning(Message(.cliRegistryOld, "\(report.registry.ageDays)"))
            }
            for path in result.unusableInputs { Log.error(Message(.cliCannotRead, path)) }
        }
        if !result.unusableInputs.isEmpty { throw ExitCode(Exit.unusable) }
        switch report.outcome {
        case .pass: return
        case .fail: throw ExitCode(Exit.findings)
        case .incomplete: if !allowIncomplete { throw ExitCode(Exit.incomplete) }
        }
    }
}

extension ScanFormat: ExpressibleByArgument {}
