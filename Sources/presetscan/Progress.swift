#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PresetScanKit

/// The progress bar on stderr, only on a terminal (SPEC §5).
enum ProgressBar {
    /// A callback for `Lister.progress`, or nil when there is no terminal or the user said no.
    static func make(enabled: Bool, language: Language) -> (@Sendable (Int, Int) -> Void)? {
        guard enabled, isatty(STDERR_FILENO) == 1 else { return nil }
        return { done, total in
            let width = 30
            let filled = total == 0 ? width : done * width / total
            let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
            FileHandle.standardError.write(Data(("\r[\(bar)] " + language.text(.cliProgress, "\(done)", "\(total)")).utf8))
            if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
        }
    }
}
