import Foundation
import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// f2fs read against images made by the real `mkfs.f2fs` + `sload.f2fs` (`Samples/make-f2fs.sh`): every
/// file's path and size agree with `files.tsv` (paths from `fsck.f2fs -t`, bytes from `dump.f2fs`)
/// and its bytes with the tree the image was loaded from. Then the broken variants.
@Suite(.serialized) struct F2FSTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples")

    /// The fixtures, built once per test process.
    static let fixtures: URL? = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("presetscan-f2fs-unit-\(getpid())")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [samples.appendingPathComponent("make-f2fs.sh").path, dir.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        p.waitUntilExit()
        return p.terminationStatus == 0 ? dir : nil
    }()

    static func url(_ name: String) throws -> URL {
        try #require(fixtures, "Samples/make-f2fs.sh failed (needs f2fs-tools)").appendingPathComponent(name)
    }

    /// path → size for one image, from files.tsv (lz4.img holds f2fs-extra.img's files).
    static func expected(_ name: String) throws -> [String: UInt64] {
        let image = name == "lz4.img" ? "f2fs-extra.img" : name
        let text = try String(contentsOf: try url("files.tsv"), encoding: .utf8)
        var out: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if f.count == 4, f[0] == image { out[f[1]] = UInt64(f[2]) }
        }
        return out
    }

    struct Listing {
        var files: [String: [UInt8]] = [:]
        var order: [String] = []
        var notes: [ContainerNote] = []
        var errors: [String] = []
        var codes: [String] { notes.map(\.diagnostic.code) }
    }

    static func list(_ name: String) throws -> Listing {
        let source = try FileByteSource(path: try url(name).path)
        let fs = try F2FS.Filesystem(source: source)
        var out = Listing()
        try fs.forEachFile({ out.notes.append($0) }) { entry in
            out.order.append(entry.path)
            guard let source = entry.source else { return }
            do { out.files[entry.path] = try source.readAll() } catch { out.errors.append("\(entry.path): \(error)") }
        }
        return out
    }

    @Test(arguments: ["f2fs.img", "f2fs-extra.img", "lz4.img"])
    func everyFileAgreesWithTheRealTools(image: String) throws {
        let expected = try Self.expected(image)
        #expect(expected.count > 600)
        let listing = try Self.list(image)
        #expect(listing.errors.isEmpty, "\(listing.errors)")
        let onlyPresetscan = Set(listing.files.keys).subtracting(expected.keys).sorted()
        let onlyTools = Set(expected.keys).subtracting(listing.files.keys).sorted()
        #expect(onlyPresetscan.isEmpty && onlyTools.isEmpty,
                "only presetscan: \(onlyPresetscan.prefix(5)), only the tools: \(onlyTools.prefix(5))")
        let tree = try Self.url("tree")
        for (path, bytes) in listing.files {
            #expect(UInt64(bytes.count) == expected[path], "\(path)")
            let truth = [UInt8](try Data(contentsOf: tree.appendingPathComponent(path)))
            #expect(bytes == truth, "\(image): \(path) differs from the tree")
        }
        #expect(listing.codes == ["f2fs.symlink"])
    }

    @Test func lz4ClustersAreDecodedLazily() throws {
        let source = try FileByteSource(path: try Self.url("lz4.img").path)
        let fs = try F2FS.Filesystem(source: source)
        var filler: ByteSource?
        try fs.forEachFile({ _ in }) { if $0.path == "media/filler.txt" { filler = $0.source } }
        let file = try #require(filler)
        #expect(file is F2FS.CompressedFile)
        let truth = [UInt8](try Data(contentsOf: try Self.url("tree/media/filler.txt")))
        // A read across two clusters, then one inside the last.
        #expect(try file.read(at: 16380, count: 10) == Array(truth[16380..<16390]))
        #expect(try file.read(at: UInt64(truth.count - 100), count: 100) == Array(truth.suffix(100)))
    }

    @Test func detectedAsF2FS() throws {
        let source = try FileByteSource(path: try Self.url("f2fs.img").path)
        #expect(ContentDetector.detect(source) == .f2fs)
    }

    @Test func badMagicInBothSuperblocksIsRefused() throws {
        let source = try FileByteSource(path: try Self.url("broken-magic.img").path)
        #expect(throws: ContainerError.self) { try F2FS.Filesystem(source: source) }
        do { _ = try F2FS.Filesystem(source: source) } catch let e as ContainerError { #expect(e.code == "f2fs.bad-superblock") }
    }

    @Test func backupSuperblockIsRead() throws {
        let listing = try Self.list("backup-sb.img")
        #expect(listing.codes.contains("f2fs.backup-superblock"))
        #expect(listing.files["app/Hello/Hello.apk"]?.count == 8538)
    }

    @Test func checkpointWithBadCRCFallsBackToTheOtherPack() throws {
        let listing = try Self.list("bad-cp.img")
        #expect(listing.codes.contains("f2fs.checkpoint-pack-invalid"))
        #expect(listing.files["app/Hello/Hello.apk"]?.count == 8538)
        #expect(listing.errors.isEmpty)
    }

    @Test func uncleanImageIsAWarning() throws {
        // Clear CP_UMOUNT_FLAG in both packs and fix their CRCs: the image of a running device.
        var bytes = [UInt8](try Data(contentsOf: try Self.url("f2fs.img")))
        let cp = Int(ByteReader.u32le(bytes, 1024 + 0x4c))
        for pack in 0..<2 {
            let start = (cp + pack * 512) * 4096
            let total = Int(ByteReader.u32le(bytes, start + 0x88))
            for block in [start, start + (total - 1) * 4096] {
                bytes[block + 0x84] &= 0xfe
                let crcAt = Int(ByteReader.u32le(bytes, block + 0xa4))
                let crc = F2FS.crc32(bytes[block..<block + crcAt])
                for k in 0..<4 { bytes[block + crcAt + k] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(k))) }
            }
        }
        let fs = try F2FS.Filesystem(source: MemoryByteSource(bytes))
        var codes: [String] = []
        var paths: [String] = []
        try fs.forEachFile({ codes.append($0.diagnostic.code) }) { paths.append($0.path) }
        #expect(codes.contains("f2fs.needs-recovery"))
        #expect(!codes.contains("f2fs.checkpoint-pack-invalid"))
        #expect(paths.contains("app/Hello/Hello.apk"))
    }

    @Test func truncatedImageSaysSo() throws {
        let listing = try Self.list("truncated.img")
        #expect(listing.codes.contains("f2fs.truncated"))
    }

    @Test func undecodedCompressedFileIsANoteWithItsPath() throws {
        let listing = try Self.list("compressed.img")
        let note = listing.notes.first { $0.diagnostic.code == "f2fs.compressed" }
        #expect(note?.path == "app/Hello/Hello.apk")
        #expect(listing.files["app/Hello/Hello.apk"] == nil)
        #expect(listing.files["app/Filing/Filing.apk"]?.count == 13007)
    }

    @Test func encryptedFileIsANoteWithItsPath() throws {
        var bytes = [UInt8](try Data(contentsOf: try Self.url("f2fs.img")))
        // Mark Filing.apk's inode encrypted (FADVISE_ENCRYPT_BIT in i_advise).
        let main = Int(ByteReader.u32le(bytes, 1024 + 0x5c))
        var marked = false
        for blk in main..<(bytes.count / 4096) {
            let at = blk * 4096
            if ByteReader.u32le(bytes, at + 0x58) == 10, Array(bytes[at + 0x5c..<at + 0x66]) == Array("Filing.apk".utf8) {
                bytes[at + 2] |= 0x04
                marked = true
                break
            }
        }
        #expect(marked)
        let fs = try F2FS.Filesystem(source: MemoryByteSource(bytes))
        var notes: [ContainerNote] = []
        var paths: [String] = []
        try fs.forEachFile({ notes.append($0) }) { paths.append($0.path) }
        #expect(notes.contains { $0.diagnostic.code == "f2fs.encrypted" && $0.path == "app/Filing/Filing.apk" })
        #expect(!paths.contains("app/Filing/Filing.apk"))
        #expect(paths.contains("app/Hello/Hello.apk"))
    }

    @Test func hostileBytesNeverTrap() throws {
        // Flip bytes across the metadata (superblock, checkpoint, NAT, first main blocks): any outcome
        // but a crash or an endless walk is acceptable.
        let original = [UInt8](try Data(contentsOf: try Self.url("f2fs.img")).prefix(8 << 20))
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<40 {
            var bytes = original
            for _ in 0..<64 {
                let at = Int.random(in: 1024..<bytes.count, using: &rng)
                bytes[at] = UInt8.random(in: 0...255, using: &rng)
            }
            guard let fs = try? F2FS.Filesystem(source: MemoryByteSource(bytes)) else { continue }
            try fs.forEachFile({ _ in }) { entry in _ = try? entry.source?.read(at: 0, count: Int(min(entry.size, 4096))) }
        }
    }
}
