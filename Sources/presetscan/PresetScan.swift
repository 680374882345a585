import ArgumentParser
import Foundation
import PresetScanKit

@main
struct PresetScan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presetscan",
        abstract: "Prove that a device build presets no unfiled app.",
        version: PresetScanVersion.current,
        subcommands: [Scan.self, Inspect.self, List.self, Registry.self, Report.self, FilingCommand.self])

    /// Parses and runs like ArgumentParser's own `main`, except that a usage error exits 2
    /// (SPEC §5: bad arguments mean the command could not run) instead of EX_USAGE (64).
    static func main() {
        Interrupts.install()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(Exit.unusable)
            }
            exit(withError: error)
        }
    }
}

/// Exit codes shared by the commands (SPEC §5).
enum Exit {
    static let ok: Int32 = 0
    static let findings: Int32 = 1
    static let unusable: Int32 = 2
    static let incomplete: Int32 = 3
}

extension InventoryFormat: ExpressibleByArgument {}

enum Output {
    static func write(_ text: String, to path: String?) throws {
        if let path {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } else {
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

/// Ctrl-C, SIGTERM (a CI timeout) and SIGHUP end the run without leaving its temporary folders
/// behind: they are removed, then the process exits 128 + the signal number, as a shell expects.
enum Interrupts {
    private static let sources = Locked<[DispatchSourceSignal]>([])

    static func install() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                TemporaryPaths.removeAll()
                Foundation.exit(128 + number)
            }
            source.resume()
            sources.withLock { $0.append(source) }
        }
    }
}
