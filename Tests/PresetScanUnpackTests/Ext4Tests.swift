import Foundation
import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// ext4 read against images made by the real `mke2fs -d`, then damaged on purpose.
@Suite(.serialized) struct Ext4Tests {
    /// Runs a tool; returns its exit status.
    @discardableResult
    static func run(_ tool: String, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// A 4 MiB ext4 image of a tree holding `a/one.bin` (40 KiB) and `a/b/two.bin` (5 bytes).
    static func makeImage(_ options: [String] = []) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ext4test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tree/a/b"), withIntermediateDirectories: true)
        try Data((0..<40960).map { UInt8(truncatingIfNeeded: $0 * 7) }).write(to: dir.appendingPathComponent("tree/a/one.bin"))
        try Data("hello".utf8).write(to: dir.appendingPathComponent("tree/a/b/two.bin"))
        let image = dir.appendingPathComponent("fs.img")
        let type = options.first == "-t" ? [] : ["-t", "ext4", "-O", "^has_journal"]
        let status = try run("mke2fs", ["-q", "-F", "-b", "1024"] + type + options
                             + ["-d", dir.appendingPathComponent("tree").path, image.path, "4M"])
        #expect(status == 0, "mke2fs failed (apt-get install e2fsprogs)")
        return [UInt8](try Data(contentsOf: image))
    }

    struct Listing {
        var files: [String: [UInt8]] = [:]
        var notes: [String] = []
    }

    static func list(_ bytes: [UInt8]) throws -> Listing {
        let fs = try Ext4.Filesystem(source: MemoryByteSource(bytes))
        var out = Listing()
        try fs.forEachFile({ out.notes.append($0.diagnostic.code) }) { entry in
            if let source = entry.source, source.size <= 1 << 20 { out.files[entry.path] = try source.readAll() }
        }
        return out
    }

    static func inodeOffset(_ bytes: [UInt8], path: String) throws -> (Ext4.Filesystem, Ext4.Inode) {
        let fs = try Ext4.Filesystem(source: MemoryByteSource(bytes))
        var number: UInt32 = 2
        for part in path.split(separator: "/") {
            let dir = try fs.inode(number)
            let entry = try #require(try fs.directoryEntries(dir).first { $0.name == Array(part.utf8) })
            number = entry.inode
        }
        return (fs, try fs.inode(number))
    }

    @Test(arguments: [[], ["-O", "inline_data"], ["-t", "ext2"]])
    func readsWhatMke2fsWrote(options: [String]) throws {
        let listing = try Self.list(try Self.makeImage(options))
        #expect(listing.files["a/one.bin"] == (0..<40960).map { UInt8(truncatingIfNeeded: $0 * 7) })
        #expect(listing.files["a/b/two.bin"] == Array("hello".utf8))
        #expect(listing.notes.isEmpty)
    }

    @Test func truncatedImageIsReportedAndFilesPastTheEndAreErrors() throws {
        let bytes = try Self.makeImage()
        let (_, inode) = try Self.inodeOffset(bytes, path: "a/one.bin")
        let runs = try Ext4.extentRuns(root: inode.block, fs: try Ext4.Filesystem(source: MemoryByteSource(bytes)), inode: inode.number)
        let cut = Int(try #require(runs.first).physical) * 1024 + 10
        let listing = try Self.list(Array(bytes.prefix(cut)))
        #expect(listing.notes.contains("ext4.truncated"))
        #expect(listing.files["a/one.bin"] == nil)
        for cut in [0, 1000, 1500, 2048, 2060] {
            #expect(throws: (any Error).self) { _ = try Self.list(Array(bytes.prefix(cut))) }
        }
    }

    @Test func extentOutsideTheFilesystemIsReported() throws {
        var bytes = try Self.makeImage()
        let (_, inode) = try Self.inodeOffset(bytes, path: "a/one.bin")
        // i_block at 0x28: 12-byte header, then ee_block, ee_len, ee_start_hi, ee_start_lo.
        let lo = Int(inode.offset) + 0x28 + 12 + 8
        bytes.replaceSubrange(lo..<lo + 4, with: [0xf0, 0xff, 0xff, 0x0f])
        let listing = try Self.list(bytes)
        #expect(listing.notes.contains("ext4.extent-out-of-range"))
        #expect(listing.files["a/one.bin"] == nil)
        #expect(listing.files["a/b/two.bin"] != nil)
    }

    @Test func overlappingExtentsAreRefused() throws {
        let bytes = try Self.makeImage()
        var (fs, inode) = try Self.inodeOffset(bytes, path: "a/one.bin")
        func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        var root = le16(0xf30a) + le16(2) + le16(4) + le16(0) + le32(0)
        root += le32(0) + le16(20) + le16(0) + le32(100)
        root += le32(10) + le16(20) + le16(0) + le32(200)
        inode.block = root + [UInt8](repeating: 0, count: 60 - root.count)
        #expect { try fs.contents(of: inode) } throws: { ($0 as? ContainerError)?.code == "ext4.extent-overlap" }
    }

    @Test func deeperExtentTreesAreFollowedAndSelfLoopsStop() throws {
        var bytes = try Self.makeImage()
        let (fs0, inode) = try Self.inodeOffset(bytes, path: "a/one.bin")
        let original = try fs0.contents(of: inode).readAll()
        // Move the leaf into a free block (the last one) and make i_block an index of depth 1.
        let leafBlock = UInt32(fs0.superblock.blocksCount - 1)
        func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
        func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let leafEntries = Array(inode.block[12..<60])
        let leaf = le16(0xf30a) + le16(inode.block[2...3].withUnsafeBytes { $0.load(as: UInt16.self) }) + le16(84) + le16(0) + le32(0) + leafEntries
        bytes.replaceSubrange(Int(leafBlock) * 1024..<Int(leafBlock) * 1024 + leaf.count, with: leaf)
        let root = le16(0xf30a) + le16(1) + le16(4) + le16(1) + le32(0) + le32(0) + le32(leafBlock) + le16(0) + le16(0)
        let at = Int(inode.offset) + 0x28
        bytes.replaceSubrange(at..<at + root.count, with: root)
        let (fs1, deep) = try Self.inodeOffset(bytes, path: "a/one.bin")
        #expect(try fs1.contents(of: deep).readAll() == original)
        // Point the index at its own leaf block written as an index: depth mismatch, no recursion.
        let loop = le16(0xf30a) + le16(1) + le16(84) + le16(1) + le32(0) + le32(0) + le32(leafBlock) + le16(0) + le16(0)
        bytes.replaceSubrange(Int(leafBlock) * 1024..<Int(leafBlock) * 1024 + loop.count, with: loop)
        let (fs2, looped) = try Self.inodeOffset(bytes, path: "a/one.bin")
        #expect(throws: ParseError.self) { try fs2.contents(of: looped) }
    }

    @Test func directoryLoopIsReportedOnce() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ext4loop-\(UUID().uuidString).img")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(try Self.makeImage()).write(to: dir)
        try Self.run("debugfs", ["-w", "-R", "link /a /a/b/up", dir.path])
        let listing = try Self.list([UInt8](try Data(contentsOf: dir)))
        #expect(listing.notes.contains("ext4.directory-loop"))
        #expect(listing.files.keys.sorted() == ["a/b/two.bin", "a/one.bin"])
    }

    /// A clobbered root inode must not read as an empty filesystem: a maker must know.
    @Test func zeroedRootInodeIsReported() throws {
        var bytes = try Self.makeImage()
        let (_, root) = try Self.inodeOffset(bytes, path: "")
        let start = Int(root.offset)
        for i in start..<start + 128 { bytes[i] = 0 }
        let listing = try Self.list(bytes)
        #expect(listing.files.isEmpty)
        #expect(listing.notes.contains("ext4.unreadable-directory"))
    }

    @Test func hugeSizesAndBlockCountsAreErrorsNotTraps() throws {
        var bytes = try Self.makeImage()
        let (_, inode) = try Self.inodeOffset(bytes, path: "a/one.bin")
        let at = Int(inode.offset)
        bytes.replaceSubrange(at + 0x4..<at + 0x8, with: [0xff, 0xff, 0xff, 0xff])
        bytes.replaceSubrange(at + 0x6c..<at + 0x70, with: [0xff, 0xff, 0xff, 0xff])
        let listing = try Self.list(bytes)
        #expect(listing.files["a/b/two.bin"] == Array("hello".utf8))
        // blocks_count_hi (64-bit feature) set to 0xffffffff.
        var sb = try Self.makeImage(["-O", "64bit"])
        sb.replaceSubrange(1024 + 0x150..<1024 + 0x154, with: [0xff, 0xff, 0xff, 0xff])
        #expect(throws: (any Error).self) { _ = try Self.list(sb) }
    }

    @Test func mutatedMetadataNeverTraps() throws {
        let bytes = try Self.makeImage()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var m = bytes
            for _ in 0..<8 {
                let i = Int.random(in: 1024..<min(bytes.count, 64 * 1024), using: &rng)
                m[i] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? Self.list(m)
        }
    }
}
