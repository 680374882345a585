import Foundation
import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// EROFS read against images made by the real `mkfs.erofs` (and, for MicroLZMA and DEFLATE, which
/// erofs-utils 1.5 cannot write, by `Samples/tools/make_erofs.py`), all built by `Samples/make-erofs.sh`;
/// every file is compared byte for byte with the tree the images were made from. Then damaged on purpose.
@Suite(.serialized) struct EROFSTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    /// The fixtures, built once per test process.
    static let fixtures: URL? = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("presetscan-erofs-unit-\(getpid())")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [samples.appendingPathComponent("make-erofs.sh").path, dir.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        p.waitUntilExit()
        return p.terminationStatus == 0 ? dir : nil
    }()

    static let images = ["erofs.img", "erofs-lz4.img", "erofs-lz4hc.img", "erofs-bigpcluster.img", "erofs-ztail.img",
                         "erofs-legacy.img", "erofs-extended.img", "erofs-chunk.img", "erofs-lzma.img", "erofs-deflate.img"]

    static func image(_ name: String) throws -> [UInt8] {
        let dir = try #require(fixtures, "Samples/make-erofs.sh failed (needs erofs-utils, e2fsprogs, android-sdk-libsparse-utils, p7zip-full, zip, aapt)")
        return [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
    }

    /// Regular files of the source tree (symlinks skipped), by relative path.
    static func tree() throws -> [String: [UInt8]] {
        let root = try #require(fixtures).appendingPathComponent("tree")
        var out: [String: [UInt8]] = [:]
        let e = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey, .isSymbolicLinkKey]))
        for case let url as URL in e {
            let v = try url.resourceValues(forKeys: [.isRegularFileKey, .isSymbolicLinkKey])
            guard v.isRegularFile == true, v.isSymbolicLink != true else { continue }
            let rel = String(url.resolvingSymlinksInPath().path.dropFirst(root.resolvingSymlinksInPath().path.count + 1))
            out[rel] = [UInt8](try Data(contentsOf: url))
        }
        return out
    }

    struct Listing {
        var files: [String: [UInt8]] = [:]
        var notes: [String] = []
        var errors: [String] = []
    }

    static func list(_ bytes: [UInt8], maxRead: UInt64 = 1 << 20) throws -> Listing {
        let fs = try EROFS.Filesystem(source: MemoryByteSource(bytes))
        var out = Listing()
        try fs.forEachFile({ out.notes.append($0.diagnostic.code) }) { entry in
            guard let source = entry.source, source.size <= maxRead else { return }
            do { out.files[entry.path] = try source.readAll() } catch { out.errors.append("\(entry.path): \(error)") }
        }
        return out
    }

    static func node(_ fs: EROFS.Filesystem, _ path: String) throws -> EROFS.Inode {
        var nid = UInt64(fs.superblock.rootNid)
        for part in path.split(separator: "/") {
            let entry = try #require(try fs.directoryEntries(try fs.inode(nid)).first { $0.name == Array(part.utf8) })
            nid = entry.nid
        }
        return try fs.inode(nid)
    }

    @Test(arguments: images)
    func everyFileEqualsTheTree(image: String) throws {
        let tree = try Self.tree()
        let listing = try Self.list(try Self.image(image), maxRead: .max)
        #expect(listing.errors.isEmpty, "\(listing.errors)")
        #expect(listing.notes.allSatisfy { $0 == "erofs.symlink" }, "\(listing.notes)")
        #expect(Set(listing.files.keys) == Set(tree.keys))
        for (path, bytes) in tree { #expect(listing.files[path] == bytes, "\(image): \(path) differs") }
    }

    /// The fixtures really use the layouts they are named for.
    @Test func fixturesCoverTheLayouts() throws {
        func layouts(_ name: String) throws -> (Set<UInt8>, EROFS.Superblock, [EROFS.Inode]) {
            let fs = try EROFS.Filesystem(source: MemoryByteSource(try Self.image(name)))
            var inodes: [EROFS.Inode] = []
            func walk(_ nid: UInt64) throws {
                for e in try fs.directoryEntries(try fs.inode(nid)) {
                    let i = try fs.inode(e.nid)
                    inodes.append(i)
                    if i.isDirectory { try walk(e.nid) }
                }
            }
            try walk(UInt64(fs.superblock.rootNid))
            return (Set(inodes.map { $0.layout.rawValue }), fs.superblock, inodes)
        }
        let plain = try layouts("erofs.img")
        #expect(plain.0.isSuperset(of: [EROFS.DataLayout.flatPlain.rawValue, EROFS.DataLayout.flatInline.rawValue]))
        #expect(try layouts("erofs-lz4hc.img").0.contains(EROFS.DataLayout.compressedCompact.rawValue))
        #expect(try layouts("erofs-legacy.img").0.contains(EROFS.DataLayout.compressedFull.rawValue))
        #expect(try layouts("erofs-chunk.img").0.contains(EROFS.DataLayout.chunkBased.rawValue))
        #expect(try layouts("erofs-extended.img").2.contains { $0.isExtended })
        #expect(try layouts("erofs-ztail.img").1.has(EROFS.Superblock.incompatZtailpacking))
        #expect(try layouts("erofs-bigpcluster.img").1.has(EROFS.Superblock.incompatBigPcluster))
        for name in ["erofs-lzma.img", "erofs-deflate.img"] {
            let (set, sb, _) = try layouts(name)
            #expect(set.isSuperset(of: [EROFS.DataLayout.compressedFull.rawValue, EROFS.DataLayout.compressedCompact.rawValue]))
            #expect(sb.has(EROFS.Superblock.incompatFragments) && sb.has(EROFS.Superblock.incompatZtailpacking))
        }
        // The filler spans several extents, some across lclusters (NONHEAD indexes), some big pclusters.
        for name in ["erofs-lz4hc.img", "erofs-bigpcluster.img", "erofs-lzma.img", "erofs-deflate.img"] {
            let fs = try EROFS.Filesystem(source: MemoryByteSource(try Self.image(name)))
            let filler = try Self.node(fs, "system/etc/filler.txt")
            let map = try fs.compressedMap(of: filler, allowFragments: true)
            #expect(map.extents.count > (name == "erofs-bigpcluster.img" ? 0 : 4), "\(name)")
            #expect(map.extents.contains { $0.length > 4096 }, "\(name)")
            if name == "erofs-bigpcluster.img" {
                #expect(map.extents.contains { if case let .compressed(_, _, plen) = $0.data { plen > 4096 } else { false } })
            }
        }
    }

    /// Reading an APK's end-of-central-directory decodes its last extent, not the whole file.
    @Test func readingTheEndDecodesOnlyTheLastExtent() throws {
        let bytes = try Self.image("erofs-lz4hc.img")
        let counter = ReadCounter()
        let fs = try EROFS.Filesystem(source: CountingByteSource(MemoryByteSource(bytes), counter: counter))
        let zip = try Self.node(fs, "system/etc/stored.zip")
        let source = try fs.contents(of: zip)
        #expect(source.size > 200_000)
        let before = counter.bytesRead
        let tail = try source.read(at: source.size - 22, count: 22)
        #expect(Array(tail.prefix(4)) == [0x50, 0x4b, 0x05, 0x06])
        #expect(counter.bytesRead - before < 64 * 1024, "read \(counter.bytesRead - before) bytes for 22")
    }

    @Test func detectedByMagicBeforeExt4() throws {
        for name in Self.images { #expect(ContentDetector.detect(MemoryByteSource(try Self.image(name))) == .erofs) }
    }

    /// Decompressed bytes come out of the run's budget; an exhausted budget is an error, not more work.
    @Test func decompressionTakesFromTheBudget() throws {
        let bytes = try Self.image("erofs-lz4hc.img")
        let budget = ByteBudget(limit: 64 * 1024)
        let fs = try EROFS.Filesystem(source: MemoryByteSource(bytes), budget: budget)
        let filler = try fs.contents(of: try Self.node(fs, "system/etc/filler.txt"))
        #expect(throws: SpillError.self) { _ = try filler.readAll() }
        #expect(budget.spent <= 64 * 1024 && budget.spent > 0)
    }

    @Test func unknownIncompatibleFeatureIsRefusedClearly() throws {
        var bytes = try Self.image("erofs-lz4hc.img")
        bytes[1024 + 80] |= 0x80
        #expect { try EROFS.Filesystem(source: MemoryByteSource(bytes)) } throws: { e in
            guard let e = e as? ContainerError else { return false }
            return e.code == "erofs.unsupported-feature" && e.message.contains("48bit")
        }
        var high = try Self.image("erofs.img")
        high[1024 + 83] = 0x40
        #expect { try EROFS.Filesystem(source: MemoryByteSource(high)) } throws: { ($0 as? ContainerError)?.code == "erofs.unsupported-feature" }
        var devices = try Self.image("erofs.img")
        devices[1024 + 86] = 1
        #expect { try EROFS.Filesystem(source: MemoryByteSource(devices)) } throws: { ($0 as? ContainerError)?.code == "erofs.unsupported-feature" }
    }

    /// zstd (algorithm 3) has no decoder here: the file is refused by name, not misread.
    @Test func zstdFilesAreRefusedClearly() throws {
        var bytes = try Self.image("erofs-deflate.img")
        let fs = try EROFS.Filesystem(source: MemoryByteSource(bytes))
        let filler = try Self.node(fs, "system/etc/filler.txt")
        // Map header byte 6: h_algorithmtype (head 1 in the low nibble, head 2 in the high one).
        let at = Int((filler.tailOffset + 7) / 8 * 8) + 6
        bytes[at] = 0x33
        bytes[1024 + 84] |= 0x8  // available_compr_algs: declare zstd too
        let listing = try Self.list(bytes)
        #expect(listing.notes.contains("erofs.unsupported-feature"))
        #expect(listing.files["system/etc/filler.txt"] == nil)
        #expect(listing.files["system/build.prop"] != nil)
    }

    @Test func directoryLoopIsReportedOnce() throws {
        var bytes = try Self.image("erofs-lzma.img")
        let fs = try EROFS.Filesystem(source: MemoryByteSource(bytes))
        let app = try Self.node(fs, "system/app")
        let system = try Self.node(fs, "system")
        // The hand-made image keeps directories FLAT_PLAIN: point `system/app` back at `system`.
        let block = Int(system.u) * 4096
        var patched = false
        for i in stride(from: block, to: block + 4096 - 12, by: 12) where ByteReader.u32le(bytes, i) == UInt32(app.nid) && bytes[i + 10] == 2 {
            bytes.replaceSubrange(i..<i + 8, with: (0..<8).map { UInt8(truncatingIfNeeded: system.nid >> (8 * UInt64($0))) })
            patched = true
        }
        #expect(patched)
        let listing = try Self.list(bytes)
        #expect(listing.notes.contains("erofs.directory-loop"))
        #expect(listing.files["system/build.prop"] != nil)
        #expect(listing.files["vendor/app/VendorV2/VendorV2.apk"] != nil)
    }

    @Test func bogusNidsAndSizesAreNotesNotTraps() throws {
        var bytes = try Self.image("erofs-lz4hc.img")
        let fs = try EROFS.Filesystem(source: MemoryByteSource(bytes))
        let hello = try Self.node(fs, "system/app/Hello/Hello.apk")
        // Compact inode: i_size at +8. A size far past the image makes the index run off the end.
        bytes.replaceSubrange(Int(hello.offset) + 8..<Int(hello.offset) + 12, with: [0xff, 0xff, 0xff, 0x7f])
        let listing = try Self.list(bytes, maxRead: .max)
        #expect(listing.notes.contains("erofs.truncated") || !listing.errors.isEmpty)
        #expect(listing.files["system/app/Hello/Hello.apk"] == nil)
        #expect(listing.files["vendor/app/VendorV2/VendorV2.apk"] != nil)
        #expect(throws: ParseError.self) { try fs.inode(UInt64.max / 16) }
        #expect(throws: ParseError.self) { try fs.inode(UInt64(fs.source.size / 32)) }
    }

    @Test func truncatedImagesAreErrorsOrNotes() throws {
        for name in ["erofs.img", "erofs-lz4hc.img", "erofs-lzma.img", "erofs-deflate.img"] {
            let bytes = try Self.image(name)
            for cut in [0, 1000, 1100, 1151, 1152, 4096, bytes.count / 3, bytes.count / 2, bytes.count - 4096] {
                if let listing = try? Self.list(Array(bytes.prefix(cut))) {
                    #expect(listing.notes.contains("erofs.truncated"), "\(name) cut at \(cut)")
                }
            }
        }
    }

    /// Random byte flips in the superblock, inodes, indexes and directories: every read returns or throws.
    @Test(arguments: images)
    func mutatedMetadataNeverTraps(image: String) throws {
        let bytes = try Self.image(image)
        let fs = try EROFS.Filesystem(source: MemoryByteSource(bytes))
        // Metadata: the superblock block and everything from meta_blkaddr on (inodes, indexes, inline data).
        let meta = Int(fs.superblock.metaBlockAddress) * 4096
        var regions = [1024..<1024 + 256]
        if meta < bytes.count { regions.append(meta..<bytes.count) }
        var state: UInt64 = 0x9e37_79b9_7f4a_7c15 &* UInt64(image.utf8.count)
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for round in 0..<150 {
            var m = bytes
            for _ in 0..<(1 + round % 6) {
                let region = regions[Int(next() % UInt64(regions.count))]
                let i = region.lowerBound + Int(next() % UInt64(region.count))
                m[i] = round % 3 == 0 ? m[i] ^ (1 << UInt8(next() % 8)) : UInt8(truncatingIfNeeded: next())
            }
            _ = try? Self.list(m, maxRead: 4 << 20)
        }
    }

    /// Flipped bytes inside compressed pclusters are decoder errors or other bytes, never traps or wrong lengths.
    @Test(arguments: ["erofs-lz4hc.img", "erofs-legacy.img", "erofs-bigpcluster.img", "erofs-lzma.img", "erofs-deflate.img"])
    func corruptPclustersAreErrors(image: String) throws {
        let bytes = try Self.image(image)
        let fs = try EROFS.Filesystem(source: MemoryByteSource(bytes))
        var pclusters: [Range<Int>] = []
        var sizes: [String: Int] = [:]
        try fs.forEachFile({ _ in }) { entry in
            sizes[entry.path] = Int(entry.size)
            let inode = try Self.node(fs, entry.path)
            guard inode.layout.isCompressed, case .extents = try fs.compressedMap(of: inode, allowFragments: true).kind else { return }
            for e in try fs.compressedMap(of: inode, allowFragments: true).extents {
                if case let .compressed(_, offset, length) = e.data { pclusters.append(Int(offset)..<Int(offset + length)) }
            }
        }
        #expect(pclusters.count > 5)
        var state: UInt64 = 12345
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        var failures = 0
        for _ in 0..<40 {
            var m = bytes
            for _ in 0..<16 {
                let p = pclusters[Int(next() % UInt64(pclusters.count))]
                let i = p.lowerBound + Int(next() % UInt64(p.count))
                m[i] ^= UInt8(truncatingIfNeeded: next()) | 1
            }
            let listing = try Self.list(m, maxRead: .max)
            failures += listing.errors.count
            for (path, data) in listing.files { #expect(data.count == sizes[path]) }
        }
        #expect(failures > 0)
    }
}
