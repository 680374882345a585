import ArgumentParser
import Foundation
import PresetScanKit

@main
struct PresetScan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presetscan",
        abstract: "Prove that a device build presets no unfiled app.",
        version: PresetScanVersion.current,
        subcommands: [Inspect.self])
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
