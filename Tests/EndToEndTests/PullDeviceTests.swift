import Foundation
import Testing

/// `tools/pull-device.sh` (README "Scanning a device with adb") against `tools/test/fake-adb`, a
/// stand-in for adb that answers from a fake device folder, then `presetscan scan` of the copy.
@Suite(.serialized) struct PullDeviceTests {
    /// A fake device: preset apps in /system/app and /product/priv-app (also reached through the
    /// link /system/product), an updated system app in /data/app that only `pm path` names, and
    /// optionally an unreadable /vendor/app.
    final class Device {
        let url: URL
        var root: URL { url.appendingPathComponent("device") }
        var out: URL { url.appendingPathComponent("out") }
        var log: URL { url.appendingPathComponent("adb.log") }
        static let updated = "/data/app/~~Qx9w==/cn.example.filing-Ab3==/base.apk"

        init(unreadableVendor: Bool = false) throws {
            url = FileManager.default.temporaryDirectory.appendingPathComponent("presetscan-pull-\(UUID().uuidString)")
            try put("hello.apk", at: "/system/app/Hello/Hello.apk")
            try put("offline.apk", at: "/product/priv-app/Offline/Offline.apk")
            try put("filing.apk", at: Device.updated)
            try FileManager.default.createSymbolicLink(
                atPath: root.appendingPathComponent("system/product").path, withDestinationPath: "../product")
            if unreadableVendor {
                try put("unsigned.apk", at: "/vendor/app/Unsigned/Unsigned.apk")
                try write("/vendor/app.unreadable", "")
            }
            try write("/.pm/packages.txt", """
                package:/system/app/Hello/Hello.apk=cn.example.hello
                package:/product/priv-app/Offline/Offline.apk=cn.example.offline
                package:\(Device.updated)=cn.example.filing

                """)
            try write("/.pm/paths.txt", """
                cn.example.hello /system/app/Hello/Hello.apk
                cn.example.offline /product/priv-app/Offline/Offline.apk
                cn.example.filing \(Device.updated)

                """)
            // A HarmonyOS bundle in a HarmonyOS preset folder, for --hdc.
            let hap = CLI.samples.appendingPathComponent("hap/entry-signed.hap")
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("sys_prod/app/Notes"), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: hap, to: root.appendingPathComponent("sys_prod/app/Notes/entry.hap"))
            // The fake answers to the names adb and hdc, first on PATH.
            let bin = url.appendingPathComponent("bin")
            try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
            for name in ["adb", "hdc"] {
                try FileManager.default.createSymbolicLink(
                    atPath: bin.appendingPathComponent(name).path,
                    withDestinationPath: CLI.root.appendingPathComponent("tools/test/fake-adb").path)
            }
        }
        deinit { try? FileManager.default.removeItem(at: url) }

        private func put(_ sample: String, at path: String) throws {
            let target = root.appendingPathComponent(String(path.dropFirst()))
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: CLI.samples.appendingPathComponent("apk/\(sample)"), to: target)
        }
        private func write(_ path: String, _ text: String) throws {
            let target = root.appendingPathComponent(String(path.dropFirst()))
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: target)
        }

        func pull(_ arguments: [String]) throws -> CLI.Result {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [CLI.root.appendingPathComponent("tools/pull-device.sh").path] + arguments + [out.path]
            var env = ProcessInfo.processInfo.environment
            env["PATH"] = url.appendingPathComponent("bin").path + ":" + (env["PATH"] ?? "/usr/bin:/bin")
            env["FAKE_DEVICE"] = root.path
            env["FAKE_ADB_LOG"] = log.path
            process.environment = env
            let stdout = Pipe(), stderr = Pipe()
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            let o = stdout.fileHandleForReading.readDataToEndOfFile()
            let e = stderr.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CLI.Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                              stderr: String(decoding: e, as: UTF8.self))
        }

        func text(_ url: URL) -> String { (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
        func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: out.path + path) }
    }

    @Test func dryRunPrintsThePullsAndCopiesNothing() throws {
        let device = try Device()
        let result = try device.pull(["--dry-run", "--serial", "FAKE0001"])
        #expect(result.status == 0, "\(result.stderr)")
        let out = device.out.path
        // /system/product is a link to /product: its folder is pulled once, under its real path.
        #expect(result.stdout == """
            mkdir -p \(out)/product
            adb -s FAKE0001 pull /product/priv-app \(out)/product/priv-app
            mkdir -p \(out)/system
            adb -s FAKE0001 pull /system/app \(out)/system/app
            mkdir -p \(out)/data/app/~~Qx9w==/cn.example.filing-Ab3==
            adb -s FAKE0001 pull \(Device.updated) \(out)\(Device.updated)

            """)
        #expect(!FileManager.default.fileExists(atPath: out))
        // It asked the device, with the serial, and copied nothing.
        let calls = device.text(device.log).split(separator: "\n")
        #expect(calls.allSatisfy { $0.hasPrefix("-s FAKE0001 ") })
        #expect(calls.contains("-s FAKE0001 shell pm list packages -s -f"))
        #expect(calls.contains("-s FAKE0001 shell pm path cn.example.filing"))
        #expect(!calls.contains { $0.contains(" pull ") })
    }

    @Test func pullsPartitionsAndUpdatedSystemAppsThenScans() throws {
        let device = try Device()
        let result = try device.pull([])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(device.exists("/system/app/Hello/Hello.apk"))
        #expect(device.exists("/product/priv-app/Offline/Offline.apk"))
        #expect(device.exists(Device.updated))
        #expect(!device.exists("/system/product"))
        #expect(device.text(device.out.appendingPathComponent("pull-log.tsv")) == """
            ok\t/product/priv-app
            ok\t/system/app
            ok\t\(Device.updated)

            """)
        #expect(device.text(device.out.appendingPathComponent("device-properties.txt")).contains("[ro.build.fingerprint]"))

        // The copy is a folder input: the verdicts of the three sample APKs, exit 1 for the unfiled one.
        let scan = try CLI.run(["scan", device.out.path, "--registry", ScanTests.registry, "--format", "json",
                                "--no-progress"] + ScanTests.today)
        #expect(scan.status == 1, "\(scan.stderr)")
        let apps = (scan.json as? [String: Any])?["apps"] as? [[String: Any]] ?? []
        let verdicts = Dictionary(uniqueKeysWithValues: apps.compactMap { app -> (String, String)? in
            guard let location = app["location"] as? String, let verdict = app["verdict"] as? String else { return nil }
            return (String(location.dropFirst(device.out.path.count)), verdict)
        })
        #expect(verdicts == [
            "/system/app/Hello/Hello.apk": "filed",
            "/product/priv-app/Offline/Offline.apk": "certificate-mismatch",
            Device.updated: "unfiled",
        ])
    }

    @Test func aFolderThatCannotBeCopiedIsLoggedAndFails() throws {
        let device = try Device(unreadableVendor: true)
        let result = try device.pull(["--mode", "partitions"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("could not copy /vendor/app"))
        let log = device.text(device.out.appendingPathComponent("pull-log.tsv"))
        #expect(log.contains("failed\t/vendor/app\n"))
        #expect(log.contains("ok\t/system/app\n"))
        // --mode partitions does not ask the package manager.
        #expect(!device.text(device.log).contains("pm list"))
        #expect(!device.exists(Device.updated))
    }

    @Test func hdcCopiesTheHarmonyOSPresetFolders() throws {
        let device = try Device()
        let result = try device.pull(["--hdc", "--serial", "FAKE0001"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(device.exists("/sys_prod/app/Notes/entry.hap"))
        #expect(device.exists("/system/app/Hello/Hello.apk"))
        #expect(device.text(device.log).contains("-t FAKE0001 file recv /sys_prod/app \(device.out.path)/sys_prod/app\n"))
        #expect(device.text(device.out.appendingPathComponent("device-properties.txt")).contains("const.product.model"))
        let scan = try CLI.run(["scan", device.out.appendingPathComponent("sys_prod").path, "--registry",
                                ScanTests.registry, "--format", "json", "--no-progress"] + ScanTests.today)
        let apps = (scan.json as? [String: Any])?["apps"] as? [[String: Any]] ?? []
        #expect(apps.map { $0["package"] as? String } == ["cn.example.harmony"])
        #expect(apps.map { $0["verdict"] as? String } == ["filed"])
        // hdc has no plain package path list: packages mode is refused.
        #expect(try device.pull(["--hdc", "--mode", "packages"]).status == 2)
    }

    @Test func noDeviceExits2() throws {
        let device = try Device()
        let result = try device.pull(["--serial", "NOSUCH"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("no device ready"))
    }
}
