import Foundation
import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// libarchive formats made by the real `bsdtar`, and the limits that guard them.
@Suite(.serialized) struct ArchiveTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let hello = root.appendingPathComponent("Samples/apk/hello.apk")

    static func context(_ configure: (inout UnpackLimits) -> Void = { _ in }) throws -> UnpackContext {
        var limits = UnpackLimits()
        configure(&limits)
        return UnpackContext(limits: limits, temporary: try TemporaryFolder())
    }

    /// Builds an archive of `files` (name → contents) with bsdtar and the given options.
    static func bsdtar(_ options: [String], _ files: [String: Data]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("archtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("in"), withIntermediateDirectories: true)
        for (name, data) in files {
            let url = dir.appendingPathComponent("in/" + name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        let out = dir.appendingPathComponent("out.bin")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["bsdtar", "-c", "-f", out.path] + options + ["-C", dir.appendingPathComponent("in").path] + files.keys.sorted()
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "bsdtar \(options) failed (apt-get install libarchive-tools)")
        return out
    }

    static func entries(_ url: URL, _ context: UnpackContext) throws -> ([String: [UInt8]], [String]) {
        let source = try FileByteSource(path: url.path)
        #expect(ContentDetector.detect(source) == .archive)
        var files: [String: [UInt8]] = [:]
        var notes: [String] = []
        try ArchiveContainer(source: source, context: context).forEachFile({ notes.append($0.diagnostic.code) }) {
            if let s = $0.source { files[$0.path] = try s.readAll() }
        }
        return (files, notes)
    }

    @Test(arguments: [
        ["--format", "ustar"], ["--format", "pax", "-z"], ["--format", "gnutar", "-j"], ["--format", "ustar", "-J"],
        ["--format", "ustar", "--zstd"], ["--format", "ustar", "--lz4"], ["--format", "newc"], ["--format", "odc", "-z"],
        ["--format", "7zip"], ["--format", "iso9660"], ["--format", "ar"], ["--format", "arbsd"],
    ])
    func formatsHoldTheAPK(options: [String]) throws {
        let apk = try Data(contentsOf: Self.hello)
        let url = try Self.bsdtar(options, ["hello.apk": apk, "notes.txt": Data("not a package".utf8)])
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let (files, notes) = try Self.entries(url, try Self.context())
        let key = try #require(files.keys.first { $0.lowercased().hasSuffix("hello.apk") }, "\(options): \(files.keys)")
        #expect(files[key] == [UInt8](apk), "\(options)")
        #expect(notes.filter { $0 != "archive.warning" }.isEmpty, "\(options): \(notes)")
    }

    @Test func isoInsideATarIsSpilledAndDetected() throws {
        let apk = try Data(contentsOf: Self.hello)
        let iso = try Self.bsdtar(["--format", "iso9660"], ["hello.apk": apk])
        defer { try? FileManager.default.removeItem(at: iso.deletingLastPathComponent()) }
        let tar = try Self.bsdtar(["--format", "ustar", "-z"], ["image.iso": try Data(contentsOf: iso)])
        defer { try? FileManager.default.removeItem(at: tar.deletingLastPathComponent()) }
        let context = try Self.context()
        var kinds: [String: ContentKind] = [:]
        try ArchiveContainer(source: try FileByteSource(path: tar.path), context: context).forEachFile({ _ in }) {
            if let s = $0.source { kinds[$0.path] = ContentDetector.detect(s) }
        }
        #expect(kinds == ["image.iso": .archive])
    }

    @Test func compressionBombInATarStopsEarly() throws {
        // 512 MiB of zeros in a ustar through zstd: a few tens of KiB on disk.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bomb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let zero = dir.appendingPathComponent("zero.img")
        _ = FileManager.default.createFile(atPath: zero.path, contents: nil)
        let h = try FileHandle(forWritingTo: zero)
        try h.truncate(atOffset: 512 << 20)
        try h.close()
        let out = dir.appendingPathComponent("bomb.tar.zst")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["bsdtar", "-c", "--format", "ustar", "--zstd", "-f", out.path, "-C", dir.path, "zero.img"]
        try p.run()
        p.waitUntilExit()
        let started = Date()
        let (files, notes) = try Self.entries(out, try Self.context())
        #expect(notes.contains("limit.ratio"))
        #expect(files.isEmpty)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test func totalByteBudgetAndEntryCountAreEnforced() throws {
        let apk = try Data(contentsOf: Self.hello)
        let url = try Self.bsdtar(["--format", "ustar", "-z"], ["a.apk": apk, "b.apk": apk, "c.apk": apk])
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let (files, notes) = try Self.entries(url, try Self.context { $0.maxTotalBytes = UInt64(apk.count) + 100 })
        #expect(notes.contains("limit.total-bytes"))
        #expect(files.count == 1)
        let (few, notes2) = try Self.entries(url, try Self.context { $0.maxEntries = 2 })
        #expect(notes2.contains("limit.entries"))
        #expect(few.count == 2)
    }

    @Test func truncatedArchiveKeepsTheEntriesBeforeTheCut() throws {
        let apk = try Data(contentsOf: Self.hello)
        let url = try Self.bsdtar(["--format", "ustar"], ["a.apk": apk, "b.apk": apk])
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(512 + apk.count + 1024).write(to: url)
        let (files, notes) = try Self.entries(url, try Self.context())
        #expect(files.keys.sorted() == ["a.apk"])
        #expect(notes.contains("archive.truncated"))
    }

    @Test func zipEntriesStoredInPlaceDeflatedSpilledAndBombsRefused() throws {
        var w = ZipWriter()
        let apk = [UInt8](try Data(contentsOf: Self.hello))
        w.add("stored.apk", apk)
        w.add("deflated.apk", apk, deflate: true)
        w.add("bomb.bin", [UInt8](repeating: 0, count: 40 << 20), deflate: true)
        w.add("text.txt", "plain", deflate: true)
        let archive = try ZipArchive(source: MemoryByteSource(w.build()))
        var files: [String: [UInt8]] = [:]
        var notes: [String] = []
        var inPlace: [String: Bool] = [:]
        try ZipContainer(archive: archive, context: try Self.context()).forEachFile({ notes.append($0.diagnostic.code) }) {
            if let s = $0.source {
                files[$0.path] = try s.readAll()
                inPlace[$0.path] = s is SliceByteSource
            }
        }
        #expect(files["stored.apk"] == apk)
        #expect(files["deflated.apk"] == apk)
        #expect(inPlace["stored.apk"] == true)
        #expect(inPlace["deflated.apk"] == false)
        #expect(files["bomb.bin"] == nil)
        #expect(notes.contains("limit.ratio"))
    }
}

struct FolderTests {
    @Test func symlinkLoopsAndLinksOutsideAreNotFollowed() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("folder-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        try fm.createDirectory(at: dir.appendingPathComponent("a/b"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: dir.appendingPathComponent("a/b/file.apk"))
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("a/b/up").path, withDestinationPath: "..")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("a/out").path, withDestinationPath: "/usr")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("a/self").path, withDestinationPath: "self")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("a/again.apk").path, withDestinationPath: "b/file.apk")
        var paths: [String] = []
        var notes: [String] = []
        try FolderContainer(root: dir.path, limits: UnpackLimits()).forEachFile({ notes.append($0.diagnostic.code) }) { paths.append($0.path) }
        #expect(paths == ["a/b/file.apk"])
        #expect(notes.contains("limit.symlink-loop"))
        #expect(notes.contains("folder.symlink-outside"))
        #expect(notes.contains("folder.symlink"))
    }
}
