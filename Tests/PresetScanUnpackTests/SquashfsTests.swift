import Foundation
import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// squashfs read through libsquashfs against images made by the real `mksquashfs`, then damaged on purpose.
@Suite(.serialized) struct SquashfsTests {
    /// 300 KiB of a pattern: with 4 KiB blocks, 75 blocks and no tail; with 128 KiB, two blocks and a fragment.
    static let one = (0..<300 * 1024 + 77).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
    static let two = Array("hello".utf8)

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

    /// An image of `a/one.bin`, `a/b/two.bin`, `a/zero.bin` (256 KiB of zeros: sparse blocks),
    /// `a/empty`, a symlink `link.apk` -> `a/one.bin` and a FIFO-free tree, made by `mksquashfs`.
    static func makeImage(_ options: [String] = []) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sqfstest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let tree = dir.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree.appendingPathComponent("a/b"), withIntermediateDirectories: true)
        try Data(one).write(to: tree.appendingPathComponent("a/one.bin"))
        try Data(two).write(to: tree.appendingPathComponent("a/b/two.bin"))
        try Data(count: 256 * 1024).write(to: tree.appendingPathComponent("a/zero.bin"))
        try Data().write(to: tree.appendingPathComponent("a/empty"))
        try FileManager.default.createSymbolicLink(atPath: tree.appendingPathComponent("link.apk").path, withDestinationPath: "a/one.bin")
        let image = dir.appendingPathComponent("fs.sqfs")
        let status = try run("mksquashfs", [tree.path, image.path, "-quiet", "-no-progress", "-noappend", "-no-xattrs"] + options)
        try #require(status == 0, "mksquashfs \(options) failed (apt-get install squashfs-tools)")
        return [UInt8](try Data(contentsOf: image))
    }

    struct Listing {
        var files: [String: [UInt8]] = [:]
        var order: [String] = []
        var notes: [String] = []
    }

    static func list(_ source: ByteSource) throws -> Listing {
        let image = try Squashfs.Image(source: source)
        var out = Listing()
        try image.forEachFile({ out.notes.append($0.diagnostic.code) }) { entry in
            out.order.append(entry.path)
            if let source = entry.source, source.size <= 1 << 20 {
                do { out.files[entry.path] = try source.readAll() } catch { out.notes.append("read-failed") }
            }
        }
        return out
    }

    static func list(_ bytes: [UInt8]) throws -> Listing { try list(MemoryByteSource(bytes)) }

    static let expectedFiles: [String: [UInt8]] = [
        "a/one.bin": one, "a/b/two.bin": two, "a/zero.bin": [UInt8](repeating: 0, count: 256 * 1024), "a/empty": [],
    ]

    /// Every compressor mksquashfs and libsquashfs both have, with small and default blocks, with
    /// uncompressed metadata and data, without fragments, and with compressor options written.
    @Test(arguments: [
        ["-comp", "gzip"], ["-comp", "xz"], ["-comp", "lz4"], ["-comp", "zstd"], ["-comp", "lzma"],
        ["-comp", "xz", "-b", "4096"], ["-comp", "gzip", "-b", "1M"], ["-noI", "-noD", "-noF", "-noId"], ["-no-fragments"],
        ["-comp", "lz4", "-Xhc"], ["-comp", "xz", "-Xbcj", "x86", "-Xdict-size", "50%"], ["-comp", "gzip", "-Xcompression-level", "1"],
        ["-comp", "zstd", "-Xcompression-level", "19"], ["-always-use-fragments"],
    ])
    func readsWhatMksquashfsWrote(options: [String]) throws {
        let listing = try Self.list(try Self.makeImage(options))
        #expect(listing.files == Self.expectedFiles)
        #expect(listing.order == ["a/b/two.bin", "a/empty", "a/one.bin", "a/zero.bin"])
        #expect(listing.notes == ["squashfs.symlink"])
    }

    @Test func superblockAndIdTableAreRead() throws {
        let bytes = try Self.makeImage(["-comp", "xz", "-b", "64K", "-force-uid", "1234"])
        let image = try Squashfs.Image(source: MemoryByteSource(bytes))
        #expect(image.superblock.compressorName == "xz")
        #expect(image.superblock.blockSize == 65536)
        #expect(image.superblock.bytesUsed <= UInt64(bytes.count))
        let root = try image.directories.rootInode()
        #expect(image.owner(of: root) == 1234)
    }

    @Test func lzoIsAClearUnsupportedCompressorError() throws {
        let bytes = try Self.makeImage(["-comp", "lzo"])
        #expect { try Squashfs.Image(source: MemoryByteSource(bytes)) } throws: {
            ($0 as? ContainerError)?.code == "squashfs.unsupported-compressor" && "\($0)".contains("lzo")
        }
    }

    @Test(arguments: [0, 7, 9, 0xffff])
    func unknownCompressorIdIsUnsupported(id: Int) throws {
        var bytes = try Self.makeImage()
        bytes[20] = UInt8(id & 0xff)
        bytes[21] = UInt8(id >> 8)
        #expect { try Squashfs.Image(source: MemoryByteSource(bytes)) } throws: {
            ($0 as? ContainerError)?.code == "squashfs.unsupported-compressor"
        }
    }

    /// Reading the last bytes of a 300 KiB file decompresses only its last block.
    @Test func readsTheEndOfAFileWithoutTheRest() throws {
        let bytes = try Self.makeImage(["-comp", "xz", "-b", "4096"])
        let counter = ReadCounter()
        let image = try Squashfs.Image(source: CountingByteSource(MemoryByteSource(bytes), counter: counter))
        var source: ByteSource?
        try image.forEachFile({ _ in }) { entry in if entry.path == "a/one.bin" { source = entry.source } }
        let file = try #require(source)
        let before = counter.bytesRead
        let tail = try file.read(at: file.size - 22, count: 22)
        #expect(tail == Array(Self.one.suffix(22)))
        #expect(counter.bytesRead - before <= 2 * 4096, "read \(counter.bytesRead - before) bytes for a 22-byte tail")
        // A read across a block boundary, and one ending exactly at the end.
        #expect(try file.read(at: 4090, count: 20) == Array(Self.one[4090..<4110]))
        #expect(try file.read(at: 0, count: Int(file.size)) == Self.one)
        #expect(throws: ByteSourceError.self) { try file.read(at: file.size - 1, count: 2) }
    }

    /// Incompressible data is stored uncompressed block by block: a 4 KiB head costs 4 KiB of reading.
    @Test func storedBlocksAreReadInPart() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sqfsstored-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tree"), withIntermediateDirectories: true)
        var rng = SplitMix(seed: 42)
        let noise = (0..<(300 << 10)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        try Data(noise).write(to: dir.appendingPathComponent("tree/noise.so"))
        let image = dir.appendingPathComponent("fs.sqfs")
        try #require(try Self.run("mksquashfs", [dir.appendingPathComponent("tree").path, image.path, "-quiet", "-no-progress", "-noappend", "-comp", "xz"]) == 0)
        let counter = ReadCounter()
        let fs = try Squashfs.Image(source: CountingByteSource(MemoryByteSource([UInt8](try Data(contentsOf: image))), counter: counter))
        var source: ByteSource?
        try fs.forEachFile({ _ in }) { source = $0.source }
        let file = try #require(source)
        let before = counter.bytesRead
        #expect(try file.read(at: 1000, count: 4100) == Array(noise[1000..<5100]))
        #expect(counter.bytesRead - before == 4100)
        #expect(try file.readAll() == noise)
    }

    /// An image inside a larger source (as inside a zip or a partition) is read in place.
    @Test func readsAnImageAtAnOffsetOfAnotherSource() throws {
        let bytes = try Self.makeImage(["-comp", "zstd"])
        let outer = MemoryByteSource([UInt8](repeating: 0xee, count: 12345) + bytes + [UInt8](repeating: 0xee, count: 999))
        let listing = try Self.list(try outer.slice(offset: 12345, length: UInt64(bytes.count)))
        #expect(listing.files == Self.expectedFiles)
    }

    @Test func filesAreReadConcurrently() throws {
        let bytes = try Self.makeImage(["-comp", "gzip", "-b", "4096"])
        let image = try Squashfs.Image(source: MemoryByteSource(bytes))
        var sources: [ByteSource] = []
        try image.forEachFile({ _ in }) { entry in if entry.path == "a/one.bin", let s = entry.source { sources.append(s) } }
        let file = try #require(sources.first)
        let failures = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            for k in 0..<50 {
                let offset = UInt64((i * 7919 + k * 104_729) % (Self.one.count - 5000))
                let got = try? file.read(at: offset, count: 5000)
                if got != Array(Self.one[Int(offset)..<Int(offset) + 5000]) { failures.withLock { $0 += 1 } }
            }
        }
        #expect(failures.withLock { $0 } == 0)
    }

    @Test func truncatedImagesAreErrorsNotTraps() throws {
        let bytes = try Self.makeImage(["-comp", "xz", "-b", "4096"])
        let used = Int(try Squashfs.Image(source: MemoryByteSource(bytes)).superblock.bytesUsed)
        for cut in [0, 1, 4, 95, 96, 97, 200, 4096, used / 3, used / 2, used - 200, used - 1] {
            do {
                let listing = try Self.list(Array(bytes.prefix(cut)))
                #expect(listing.notes.contains("squashfs.truncated"), "cut \(cut): \(listing.notes)")
            } catch {
                #expect(error is ContainerError, "cut \(cut): \(error)")
            }
        }
        // Cut only the padding after bytes_used: still whole.
        #expect(try Self.list(Array(bytes.prefix(used))).files == Self.expectedFiles)
    }

    static func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// Superblock fields (`sqfs/super.h` offsets) set to nonsense: refused or reported, never a trap.
    @Test(arguments: [
        (32, UInt64.max), (32, 0), (40, 1 << 40), (48, 1 << 40), (64, 1 << 40), (64, 0), (72, 96), (72, 1 << 40),
        (80, 1 << 40), (80, 97), (88, 1 << 40), (56, 1 << 40), (40, 0), (24, 0),
    ] as [(Int, UInt64)])
    func bogusSuperblockOffsets(field: Int, value: UInt64) throws {
        var bytes = try Self.makeImage(["-comp", "gzip"])
        bytes.replaceSubrange(field..<field + 8, with: Self.le64(value))
        do {
            let listing = try Self.list(bytes)
            #expect(!listing.notes.isEmpty || listing.files == Self.expectedFiles, "field \(field): \(listing)")
        } catch {
            #expect(error is ContainerError, "field \(field) = \(value): \(error)")
        }
    }

    /// With uncompressed metadata (`-noI`), inodes can be found and edited by their bytes.
    static func findInode(_ bytes: [UInt8], _ pattern: [UInt8], from: Int) throws -> Int {
        let at = (from..<bytes.count - pattern.count).first { Array(bytes[$0..<$0 + pattern.count]) == pattern }
        return try #require(at, "pattern not found")
    }

    @Test func directoryLoopIsReportedOnce() throws {
        var bytes = try Self.makeImage(["-noI", "-noD", "-noF", "-noId"])
        let image = try Squashfs.Image(source: MemoryByteSource(bytes))
        let root = try image.directories.rootInode()
        let a = try #require(image.directories.entries(of: root, limit: 100).entries.first { $0.name == Array("a".utf8) })
        let aInode = try a.inode.get()
        let rootListing = try #require(root.listing), aListing = try #require(aInode.listing)
        // Basic directory inode: start_block u32, nlink u32, file_size u16 (listing size + 3, as the library keeps it), offset u16, parent u32.
        func fields(_ l: (block: UInt32, offset: UInt16, size: UInt32)) -> ([UInt8], [UInt8]) {
            let size = UInt16(truncatingIfNeeded: l.size)
            return (Self.le32(l.block), [UInt8(size & 0xff), UInt8(size >> 8), UInt8(l.offset & 0xff), UInt8(l.offset >> 8)])
        }
        let (aBlock, aTail) = fields(aListing), (rootBlock, rootTail) = fields(rootListing)
        let from = Int(image.superblock.inodeTableStart), to = Int(image.superblock.directoryTableStart)
        let at = try #require((from..<to - 12).first { Array(bytes[$0..<$0 + 4]) == aBlock && Array(bytes[$0 + 8..<$0 + 12]) == aTail })
        bytes.replaceSubrange(at..<at + 4, with: rootBlock)
        bytes.replaceSubrange(at + 8..<at + 12, with: rootTail)
        let listing = try Self.list(bytes)
        #expect(listing.notes.filter { $0 == "squashfs.directory-loop" }.count == 1)
        #expect(listing.files.isEmpty)
    }

    @Test func blocksOutsideTheImageAreReported() throws {
        var bytes = try Self.makeImage(["-noI", "-noD", "-noF", "-noId", "-b", "4096"])
        let image = try Squashfs.Image(source: MemoryByteSource(bytes))
        var file: Squashfs.FileSource?
        try image.forEachFile({ _ in }) { entry in if entry.path == "a/one.bin" { file = entry.source as? Squashfs.FileSource } }
        let inode = try #require(file).inode
        // Basic file inode: blocks_start u32, fragment u32, offset u32, file_size u32, then block sizes.
        let fixed = Self.le32(UInt32(inode.blockStart)) + Self.le32(inode.fragment.index) + Self.le32(inode.fragment.offset)
            + Self.le32(UInt32(inode.fileSize))
        let at = try Self.findInode(bytes, fixed, from: Int(image.superblock.inodeTableStart))
        var far = bytes
        far.replaceSubrange(at..<at + 4, with: Self.le32(0xffff_ff00))
        var listing = try Self.list(far)
        #expect(listing.notes.contains("squashfs.data-out-of-range"))
        #expect(listing.files["a/one.bin"] == nil)
        #expect(listing.files["a/b/two.bin"] == Self.two)
        // A block size word claiming 16 MiB - 1 stored bytes.
        bytes.replaceSubrange(at + 16..<at + 20, with: Self.le32(0x01ff_ffff))
        listing = try Self.list(bytes)
        #expect(listing.notes.contains("squashfs.data-out-of-range"))
        #expect(listing.files["a/one.bin"] == nil)
    }

    @Test func implausibleFragmentTableIsNotLoaded() throws {
        var bytes = try Self.makeImage(["-b", "4096"])
        bytes.replaceSubrange(16..<20, with: Self.le32(0xffff_fff0))
        let listing = try Self.list(bytes)
        #expect(listing.notes.contains("squashfs.bad-fragment-table"))
        // 256 KiB of zeros is 64 whole blocks: no fragment, still read; the others end in one.
        #expect(listing.files["a/zero.bin"] == Self.expectedFiles["a/zero.bin"])
        #expect(listing.files["a/b/two.bin"] == nil)
        #expect(listing.notes.contains("read-failed"))
    }

    @Test func hugeFileSizeIsAnErrorNotAnAllocation() throws {
        var bytes = try Self.makeImage(["-noI", "-noD", "-noF", "-noId"])
        let image = try Squashfs.Image(source: MemoryByteSource(bytes))
        var file: Squashfs.FileSource?
        try image.forEachFile({ _ in }) { entry in if entry.path == "a/b/two.bin" { file = entry.source as? Squashfs.FileSource } }
        let inode = try #require(file).inode
        let fixed = Self.le32(UInt32(inode.blockStart)) + Self.le32(inode.fragment.index) + Self.le32(inode.fragment.offset)
            + Self.le32(UInt32(inode.fileSize))
        let at = try Self.findInode(bytes, fixed, from: Int(image.superblock.inodeTableStart))
        bytes.replaceSubrange(at + 12..<at + 16, with: Self.le32(0xffff_ffff))
        let listing = try Self.list(bytes)
        #expect(listing.files["a/b/two.bin"] == nil)
        #expect(!listing.notes.filter { $0 != "squashfs.symlink" }.isEmpty)
        #expect(listing.files["a/one.bin"] == Self.one)
    }

    /// `sqfs_meta_reader_read_inode` allocates a symlink's target from its size field: the size is
    /// checked first, so a fuzzed 1.7 GB target (Fuzz/Regressions/squashfs) is an error, not an allocation.
    @Test func hugeSymlinkTargetIsAnErrorNotAnAllocation() throws {
        var bytes = try Self.makeImage(["-noI", "-noD", "-noF", "-noId"])
        let image = try Squashfs.Image(source: MemoryByteSource(bytes))
        let target = Array("a/one.bin".utf8)
        let at = try Self.findInode(bytes, Self.le32(UInt32(target.count)) + target, from: Int(image.superblock.inodeTableStart))
        bytes.replaceSubrange(at..<at + 4, with: Self.le32(0x6500_0000))
        let image2 = try Squashfs.Image(source: MemoryByteSource(bytes))
        var messages: [String] = []
        try image2.forEachFile({ messages.append($0.diagnostic.message) }) { _ in }
        #expect(messages.contains { $0.contains("symlink of 1694498816 bytes") })
        #expect(try Self.list(bytes).files["a/one.bin"] == Self.one)
    }

    @Test func hostileNamesAreSkipped() throws {
        var bytes = try Self.makeImage(["-noI", "-noD", "-noF", "-noId"])
        let image = try Squashfs.Image(source: MemoryByteSource(bytes))
        // Rename `two.bin` to `../b.bin` in the uncompressed directory table.
        let name = Array("two.bin".utf8)
        let at = try Self.findInode(bytes, name, from: Int(image.superblock.directoryTableStart))
        bytes.replaceSubrange(at..<at + name.count, with: Array("../.bin".utf8))
        let listing = try Self.list(bytes)
        #expect(listing.notes.contains("squashfs.bad-name"))
        #expect(listing.files["a/one.bin"] == Self.one)
        #expect(!listing.files.keys.contains { $0.contains("..") })
    }

    @Test func entryLimitStopsTheWalk() throws {
        var limits = UnpackLimits()
        limits.maxEntries = 3
        let image = try Squashfs.Image(source: MemoryByteSource(try Self.makeImage()), limits: limits)
        var notes: [String] = [], files: [String] = []
        try image.forEachFile({ notes.append($0.diagnostic.code) }) { files.append($0.path) }
        #expect(notes.contains("limit.entries"))
        #expect(files.count <= 3)
    }

    /// Random bytes written over the metadata (and everywhere else): every outcome is a thrown
    /// error, notes or a listing; nothing traps. Seeded so a failure reproduces.
    @Test(arguments: [["-comp", "gzip", "-b", "4096"], ["-noI", "-noD", "-noF", "-noId", "-b", "4096"], ["-comp", "xz"]])
    func mutatedImagesNeverTrap(options: [String]) throws {
        let bytes = try Self.makeImage(options)
        let image = try Squashfs.Image(source: MemoryByteSource(bytes))
        let metadata = Int(image.superblock.inodeTableStart)
        let used = Int(image.superblock.bytesUsed)
        var rng = SplitMix(seed: 0x5eed_0000 + UInt64(options.count))
        for round in 0..<1000 {
            var m = bytes
            let range = round % 4 == 0 ? 0..<used : metadata..<used
            for _ in 0..<(1 + round % 6) {
                m[Int.random(in: range, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            _ = try? Self.list(m)
        }
    }

    /// A small deterministic generator (SplitMix64).
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }
}
