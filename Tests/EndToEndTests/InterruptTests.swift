import Foundation
import Testing

/// SPEC §6: nothing is left outside a temporary folder that is removed — also when the run is
/// interrupted (Ctrl-C, a CI timeout's SIGTERM) while it spills a stream to disk.
@Suite struct InterruptTests {
    @Test func interruptedRunRemovesItsTemporaryFolder() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("presetscan-int-\(UUID().uuidString)")
        let tmp = scratch.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        // A 1 GiB ext4 image holding 256 MiB of noise (so the zip-bomb ratio guard does not stop
        // the read early) in a tar.zst: the image must be spilled (ext4 needs random access),
        // which takes long enough to be interrupted part-way.
        let script = """
            set -e; cd '\(scratch.path)'
            mkdir fill && head -c 268435456 /dev/urandom > fill/noise.bin
            mke2fs -q -F -t ext4 -E root_owner=0:0 -d fill big.img 1024M
            rm -r fill
            tar -cf - big.img | zstd -1 -q -o big.tar.zst
            rm big.img
            """
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/bin/bash")
        make.arguments = ["-c", script]
        try make.run()
        make.waitUntilExit()
        try #require(make.terminationStatus == 0, "mke2fs/tar/zstd failed")

        for number in [SIGINT, SIGTERM] {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["list", "--no-progress", scratch.appendingPathComponent("big.tar.zst").path]
        process.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp.path]) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the run has made its folder (or finished), then interrupt it.
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline,
              (try? FileManager.default.contentsOfDirectory(atPath: tmp.path))?.isEmpty ?? true {
            usleep(5_000)
        }
        usleep(20_000)
        if process.isRunning { kill(process.processIdentifier, number) }
        process.waitUntilExit()
        let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(left.isEmpty, "left behind: \(left)")
        // Spilling 1 GiB takes far longer than the 20 ms the test waits: it is interrupted.
        #expect(process.terminationStatus == 128 + number)
        }
    }

    /// `registry build` writes next to its destination; interrupted, it leaves nothing there.
    @Test func interruptedRegistryBuildLeavesNoPartialFile() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("presetscan-intreg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let csv = scratch.appendingPathComponent("records.csv")
        var text = "filing_number,app_name,sponsor,identifier\n"
        for i in 0..<400_000 { text += "京ICP备\(2_010_000_000 + i)号-1A,App \(i),Sponsor \(i % 977),com.example.app\(i)\n" }
        try Data(text.utf8).write(to: csv)
        let out = scratch.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["registry", "build", csv.path, "--out", out.appendingPathComponent("snapshot.db").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning, Date() < deadline,
              (try? FileManager.default.contentsOfDirectory(atPath: out.path))?.isEmpty ?? true {
            usleep(5_000)
        }
        usleep(50_000)
        let interrupted = process.isRunning
        if interrupted { kill(process.processIdentifier, SIGINT) }
        process.waitUntilExit()
        let left = try FileManager.default.contentsOfDirectory(atPath: out.path)
        if interrupted && process.terminationStatus == 128 + SIGINT {
            #expect(left.isEmpty, "left behind: \(left)")
        } else {
            // The build won the race: only the finished snapshot is there.
            #expect(left == ["snapshot.db"])
        }
    }
}
