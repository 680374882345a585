import Foundation

/// Runs the built `presetscan` binary (it sits beside the test bundle) and captures its output.
enum CLI {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let samples = root.appendingPathComponent("Samples")

    static var binary: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = testBinary.deletingLastPathComponent()
        // On Linux the tests run from `<build>/debug/<name>PackageTests.xctest`.
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("presetscan")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/presetscan")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        // Texts for people follow LC_ALL/LANG (SPEC §8): the tests read English unless they ask otherwise.
        env["LC_ALL"] = ""
        env["LANG"] = "C.UTF-8"
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    static func sample(_ name: String) -> String { "Samples/apk/\(name)" }

    /// Runs a `Samples/` script that builds fixtures with the real tools into a folder of its own,
    /// `<temporary>/<prefix>-<pid>`; folders that earlier test processes left (their pid is gone) are
    /// removed first. nil when the script fails.
    static func makeFixtures(_ script: String, prefix: String) -> URL? {
        let tmp = FileManager.default.temporaryDirectory
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? [] where name.hasPrefix(prefix + "-") {
            if let pid = Int32(name.dropFirst(prefix.count + 1)), kill(pid, 0) != 0 {
                try? FileManager.default.removeItem(at: tmp.appendingPathComponent(name))
            }
        }
        let dir = tmp.appendingPathComponent("\(prefix)-\(getpid())")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [samples.appendingPathComponent(script).path, dir.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? dir : nil
    }

    /// The rows of a fixture script's TSV file whose first field is `sample`, without that field
    /// (for `expected.tsv`: "location⇥sha256").
    static func rows(of file: URL, sample: String) throws -> Set<String> {
        let text = try String(contentsOf: file, encoding: .utf8)
        return Set(text.split(separator: "\n").compactMap { line -> String? in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            return f.first.map(String.init) == sample ? f.dropFirst().joined(separator: "\t") : nil
        })
    }
}
