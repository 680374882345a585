import Foundation
import Testing

/// `presetscan list` on firmware built by `Samples/make-firmware.sh` with the real tools, compared
/// with what those tools extract (`simg2img`, `debugfs -R rdump`, `7z x`, `bsdtar -x`; the script
/// writes that ground truth to `expected.tsv`).
@Suite(.serialized) struct ListTests {
    /// The samples, built once per test process into a temporary folder.
    static let firmware: URL? = CLI.makeFixtures("make-firmware.sh", prefix: "presetscan-firmware")

    static func expected(_ sample: String) throws -> Set<String> {
        let dir = try #require(firmware, "Samples/make-firmware.sh failed (needs e2fsprogs, android-sdk-libsparse-utils, p7zip-full, libarchive-tools, zip, aapt)")
        // Three fields a row: sample, location, sha256.
        return try CLI.rows(of: dir.appendingPathComponent("expected.tsv"), sample: sample)
            .filter { $0.split(separator: "\t", omittingEmptySubsequences: false).count == 2 }
    }

    /// Runs `list --hash --format json` and returns (status, location⇥sha256 set relative to the folder, document).
    static func list(_ inputs: [String], _ extra: [String] = []) throws -> (Int32, Set<String>, [String: Any]) {
        let dir = try #require(firmware)
        let result = try CLI.run(["list", "--hash", "--format", "json"] + extra + inputs.map { dir.appendingPathComponent($0).path })
        let doc = try #require(result.json as? [String: Any], "no JSON: \(result.stderr)")
        let packages = doc["packages"] as? [[String: Any]] ?? []
        let prefix = dir.path + "/"
        let found = Set(packages.map { p -> String in
            let location = (p["location"] as? String ?? "").replacingOccurrences(of: prefix, with: "")
            return "\(location)\t\(p["sha256"] as? String ?? "")"
        })
        return (result.status, found, doc)
    }

    @Test(arguments: ["ext4.img", "ext4-inline.img", "ext2.img", "system.simg", "super.img", "super-v10.2.img", "nested.tar.gz", "tree"])
    func agreesWithTheRealTools(sample: String) throws {
        let expected = try Self.expected(sample)
        #expect(expected.count >= 11)
        let (status, found, doc) = try Self.list([sample])
        #expect(found == expected, "\(sample): only presetscan \(found.subtracting(expected).sorted()), only the tools \(expected.subtracting(found).sorted())")
        #expect(status == 0, "\(sample): \(doc["diagnostics"] ?? "")")
        #expect(doc["complete"] as? Bool == true)
    }

    @Test func splitSparseSetIsJoined() throws {
        let dir = try #require(Self.firmware)
        let pieces = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("split.simg.") }.sorted()
        #expect(pieces.count >= 2)
        let (status, found, _) = try Self.list(pieces)
        let joined = pieces.map { dir.appendingPathComponent($0).path }.joined(separator: "+").replacingOccurrences(of: dir.path + "/", with: "")
        let expected = Set(try Self.expected("system.simg").map { $0.replacingOccurrences(of: "system.simg!/", with: joined + "!/") })
        #expect(found == expected)
        #expect(status == 0)
    }

    @Test func depthLimitIsReportedAndExitsIncomplete() throws {
        let (status, found, doc) = try Self.list(["nested.tar.gz"], ["--max-depth", "2"])
        #expect(status == 3)
        let codes = (doc["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("limit.depth"))
        // The vendor APK beside the zip is still found.
        #expect(found.contains { $0.hasPrefix("nested.tar.gz!/firmware/vendor/app/VendorV2/VendorV2.apk") })
    }

    @Test func truncatedImageIsIncompleteAndTheRestIsListed() throws {
        let dir = try #require(Self.firmware)
        let data = try Data(contentsOf: dir.appendingPathComponent("system.simg"))
        let cut = dir.appendingPathComponent("cut.simg")
        try data.prefix(data.count * 2 / 3).write(to: cut)
        let (status, _, doc) = try Self.list(["cut.simg"])
        #expect(status == 3)
        let codes = (doc["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(codes.contains("sparse.truncated"))
    }

    @Test func unusableInputExitsTwo() throws {
        let result = try CLI.run(["list", "/nonexistent/firmware.img"])
        #expect(result.status == 2)
    }

    @Test func namedPackageThatIsNotOneIsPS009() throws {
        let result = try CLI.run(["list", "--format", "json", CLI.sample("not-an-apk.apk")])
        #expect(result.status == 3)
        #expect(result.stdout.contains("package.unreadable"))
    }

    @Test func onlyFileOfAnAppFolderThatIsNotAPackageIsPS009() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("list-appfolder-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("system/app/Foo"), withIntermediateDirectories: true)
        try Data("not a zip".utf8).write(to: dir.appendingPathComponent("system/app/Foo/Foo"))
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("system/app/Bar"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.samples.appendingPathComponent("apk/hello.apk"), to: dir.appendingPathComponent("system/app/Bar/Bar.apk"))
        try Data("odex".utf8).write(to: dir.appendingPathComponent("system/app/Bar/Bar.odex"))
        let result = try CLI.run(["list", "--format", "json", dir.path])
        #expect(result.status == 3)
        let doc = try #require(result.json as? [String: Any])
        let diagnostics = doc["diagnostics"] as? [[String: Any]] ?? []
        #expect(diagnostics.compactMap { $0["location"] as? String } == [dir.path + "/system/app/Foo/Foo"])
        #expect((doc["packages"] as? [[String: Any]])?.count == 1)
    }

    @Test func tableListsPackagesThenDiagnostics() throws {
        let dir = try #require(Self.firmware)
        let result = try CLI.run(["list", dir.appendingPathComponent("ext4.img").path])
        #expect(result.status == 0)
        #expect(result.stdout.contains("cn.example.hello"))
        #expect(result.stdout.contains("11 app packages found"))
        #expect(result.stdout.contains("[ext4.symlink]"))
        #expect(result.stderr.isEmpty)
    }
}
