import Foundation
import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// Shared helpers: the real compressors, run at test time, and a collecting walk of a container.
enum OTATestTools {
    /// Runs a command-line compressor over `data` (through temporary files) and returns its output.
    static func compress(_ tool: [String], _ data: [UInt8]) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ota-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in"), output = dir.appendingPathComponent("out")
        try Data(data).write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = tool + [input.path]
        p.standardOutput = try FileHandle(forWritingTo: output)
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "\(tool) failed (apt-get install brotli xz-utils bzip2 zstd)")
        return Array(try Data(contentsOf: output))
    }

    static let brotli = ["brotli", "-c", "-q", "5"]
    static let xz = ["xz", "-c", "--check=crc32"]
    static let bzip2 = ["bzip2", "-c"]
    static let zstd = ["zstd", "-q", "-c"]

    /// Bytes that compress but are not trivial: a counter mixed with a repeating text.
    static func sample(_ count: Int, seed: UInt32 = 1) -> [UInt8] {
        var x = seed
        return (0..<count).map { i in
            x = x &* 1_103_515_245 &+ 12345
            return i % 3 == 0 ? UInt8(truncatingIfNeeded: x >> 16) : Array("presetscan OTA ".utf8)[i % 15]
        }
    }

    static func context(budget: UInt64 = 1 << 30) throws -> UnpackContext {
        var limits = UnpackLimits()
        limits.maxTotalBytes = budget
        return UnpackContext(limits: limits, temporary: try TemporaryFolder())
    }

    /// Walks a container: (path → bytes of each visited entry, notes as "path|code|message").
    static func walk(_ c: Container) throws -> (files: [String: [UInt8]], notes: [String]) {
        var files: [String: [UInt8]] = [:]
        var notes: [String] = []
        try c.forEachFile({ notes.append("\($0.path ?? "")|\($0.diagnostic.code)|\($0.diagnostic.message)") }) { e in
            if let s = e.source { files[e.path] = try s.readAll() }
        }
        return (files, notes)
    }
}

/// Non-A/B OTAs: transfer lists, new data in place / deflated / brotli / xz, incrementals, hostile lists.
@Suite struct OTATests {
    typealias T = OTATestTools
    static let block = Int(BlockOTA.blockSize)

    // MARK: codecs against the command-line tools

    @Test(arguments: [
        (OTA.Codec.brotli, OTATestTools.brotli), (.xz, OTATestTools.xz), (.bzip2, OTATestTools.bzip2), (.zstd, OTATestTools.zstd),
    ])
    func decodesWhatTheToolWrites(codec: OTA.Codec, tool: [String]) throws {
        let data = T.sample(700_000)
        let packed = try T.compress(tool, data)
        #expect(try codec.decode(packed, limit: 1 << 20) == data)
        // Fed in odd pieces, the streaming decoder gives the same bytes.
        let decoder = try codec.makeDecoder()
        var out: [UInt8] = []
        var i = 0
        while i < packed.count {
            let piece = Array(packed[i..<min(packed.count, i + 777)])
            try piece.withUnsafeBytes { try decoder.feed($0) { out += $0 } }
            i += 777
        }
        try decoder.finish()
        #expect(out == data)
        // Cut short: truncated; over the limit: refused.
        #expect(throws: OTA.DecodeError.truncated(codec: codec.rawValue)) { try codec.decode(Array(packed.prefix(packed.count / 2)), limit: 1 << 20) }
        #expect(throws: OTA.DecodeError.tooLarge(codec: codec.rawValue, limit: 1000)) { try codec.decode(packed, limit: 1000) }
    }

    @Test(arguments: [(OTA.Codec.xz, OTATestTools.xz), (.bzip2, OTATestTools.bzip2), (.zstd, OTATestTools.zstd)])
    func concatenatedStreamsAreOneStream(codec: OTA.Codec, tool: [String]) throws {
        let a = T.sample(50_000, seed: 2), b = T.sample(40_000, seed: 3)
        let packed = try T.compress(tool, a) + T.compress(tool, b)
        #expect(try codec.decode(packed, limit: 1 << 20) == a + b)
    }

    @Test(arguments: [OTA.Codec.brotli, .xz, .bzip2, .zstd])
    func garbageIsCorruptNotACrash(codec: OTA.Codec) {
        let garbage = T.sample(5000, seed: 9)
        #expect(throws: OTA.DecodeError.self) { try codec.decode(garbage, limit: 1 << 20) }
    }

    // MARK: transfer lists

    @Test func transferListVersions() throws {
        let v1 = try BlockOTA.TransferList.parse(Array("1\n6\nerase 2,6,8\nnew 4,0,2,4,6\nzero 2,2,4\n".utf8))
        #expect(v1.version == 1)
        #expect(v1.commands == [.erase(.init([6..<8])), .new(.init([0..<2, 4..<6])), .zero(.init([2..<4]))])
        #expect(v1.blockCount == 8)
        #expect(!v1.isIncremental)
        let v4 = try BlockOTA.TransferList.parse(Array("4\r\n3\r\n0\r\n0\r\nnew 2,0,3\r\ncompute_hash_tree 2,3,4 2,0,3 sha256 aa bb\r\n".utf8))
        #expect(v4.version == 4)
        #expect(v4.commands == [.new(.init([0..<3])), .computeHashTree(.init([3..<4]))])
        let inc = try BlockOTA.TransferList.parse(Array("3\n4\n1\n2\nstash ab 2,0,2\nmove ab 2,2,4 2 2,0,2\nfree ab\nnew 2,4,6\n".utf8))
        #expect(inc.isIncremental)
    }

    @Test(arguments: [
        "", "5\n1\n", "x\n1\n", "2\n1\n", "1\nten\n", "4\n1\n0\nzz\n", "1\n1\nnew 3,0,1\n", "1\n1\nnew 2,5,5\n",
        "1\n1\nnew 2,9,3\n", "1\n1\nnew 2,0,99999999999\n", "1\n1\nnew\n", "1\n1\nnew 4,0,1\n", "1\n1\nformat 2,0,1\n",
        "1\n1\nnew 2,-1,3\n", "1\n1\nnew 2,0,1,\n",
    ])
    func malformedTransferListsAreParseErrors(text: String) {
        #expect(throws: ParseError.self) { try BlockOTA.TransferList.parse(Array(text.utf8)) }
    }

    @Test func imageMapsNewDataInListOrder() throws {
        let list = try BlockOTA.TransferList.parse(Array("4\n4\n0\n0\nnew 2,3,4\nnew 4,0,1,5,6\nzero 2,1,3\n".utf8))
        let blocks = (0..<3).map { [UInt8](repeating: UInt8(0x41 + $0), count: Self.block) }
        let (view, needed) = try list.image(newData: MemoryByteSource(blocks.flatMap { $0 }))
        #expect(needed == UInt64(3 * Self.block))
        #expect(view.size == UInt64(6 * Self.block))
        let all = try view.readAll()
        func blockAt(_ i: Int) -> [UInt8] { Array(all[i * Self.block..<(i + 1) * Self.block]) }
        #expect(blockAt(3) == blocks[0])
        #expect(blockAt(0) == blocks[1])
        #expect(blockAt(5) == blocks[2])
        #expect(blockAt(1) == [UInt8](repeating: 0, count: Self.block))
        #expect(blockAt(4) == [UInt8](repeating: 0, count: Self.block))
    }

    @Test func overlappingNewRangesAreRefused() throws {
        let list = try BlockOTA.TransferList.parse(Array("1\n3\nnew 4,0,2,1,3\n".utf8))
        #expect(throws: ContainerError.self) { try list.image(newData: MemoryByteSource([UInt8](repeating: 1, count: 4 * Self.block))) }
    }

    // MARK: OTA zips

    /// A 6-block partition: blocks 0-2 and 4 hold data, 3 and 5 are zeros.
    static let image: [UInt8] = {
        var out: [UInt8] = []
        for b in 0..<6 { out += b == 3 || b == 5 ? [UInt8](repeating: 0, count: block) : OTATestTools.sample(block, seed: UInt32(b + 10)) }
        return out
    }()
    static let list = "4\n6\n0\n0\nerase 2,5,6\nnew 2,4,5\nnew 2,0,3\nzero 2,3,4\n"
    static var newDat: [UInt8] { Array(image[4 * block..<5 * block]) + Array(image[0..<3 * block]) }

    static func open(_ zip: ZipWriter, budget: UInt64 = 1 << 30) throws -> (Container?, UnpackContext) {
        let archive = try ZipArchive(source: MemoryByteSource(zip.build()))
        let context = try T.context(budget: budget)
        return (OTA.container(archive: archive, context: context), context)
    }

    @Test(arguments: ["stored", "deflated", "br", "xz"])
    func blockOTAPartitionIsTheImageTheListWrites(variant: String) throws {
        var zip = ZipWriter()
        zip.add("system.transfer.list", Self.list, deflate: true)
        switch variant {
        case "stored": zip.add("system.new.dat", Self.newDat)
        case "deflated": zip.add("system.new.dat", Self.newDat, deflate: true)
        case "br": zip.add("system.new.dat.br", try T.compress(T.brotli, Self.newDat))
        default: zip.add("system.new.dat.xz", try T.compress(T.xz, Self.newDat))
        }
        zip.add("system.patch.dat", [UInt8]())
        zip.add("boot.img", "not an image")
        zip.add("META-INF/com/android/metadata", "ota-type=BLOCK\npost-build=x/y:1/2\n")
        let (container, context) = try Self.open(zip)
        let c = try #require(container)
        let (files, notes) = try T.walk(c)
        let name = variant == "br" ? "system.new.dat.br" : variant == "xz" ? "system.new.dat.xz" : "system.new.dat"
        #expect(files[name] == Self.image)
        #expect(notes.isEmpty, "\(notes)")
        // Stored new data is read in place; the others are decoded once into the spill folder.
        #expect(context.budget.spent == (variant == "stored" ? 0 : UInt64(Self.newDat.count)))
        // Other entries are walked as in any zip.
        #expect(files["boot.img"] == Array("not an image".utf8))
    }

    @Test func incrementalPartitionsArePS009AndFullOnesAreRead() throws {
        var zip = ZipWriter()
        zip.add("system.transfer.list", "4\n2\n1\n2\nstash 11 2,0,2\nbsdiff 0 4 11 22 2,0,2 2 2,0,2\nfree 11\n")
        zip.add("system.new.dat.br", try T.compress(T.brotli, []))
        zip.add("system.patch.dat", "BSDIFF40")
        // A full list, but its patch.dat is not empty: still needs the source build.
        zip.add("odm.transfer.list", "4\n1\n0\n0\nnew 2,0,1\n")
        zip.add("odm.new.dat", [UInt8](repeating: 7, count: Self.block))
        zip.add("odm.patch.dat", "x")
        zip.add("vendor.transfer.list", Self.list)
        zip.add("vendor.new.dat", Self.newDat)
        zip.add("META-INF/com/android/metadata", "pre-build=vendor/dev/dev:12/OLD/1:user/release-keys\npost-build=vendor/dev/dev:12/NEW/2:user/release-keys\n")
        let (container, _) = try Self.open(zip)
        let (files, notes) = try T.walk(try #require(container))
        #expect(files.keys.sorted() == ["vendor.new.dat"])
        #expect(files["vendor.new.dat"] == Self.image)
        let message = "incremental OTA: needs the source build vendor/dev/dev:12/OLD/1:user/release-keys"
        #expect(notes.sorted() == ["odm.new.dat|ota.incremental|\(message)", "system.new.dat.br|ota.incremental|\(message)"])
    }

    @Test func hostileBlockOTAsGiveNotesAndTheRestIsRead() throws {
        var zip = ZipWriter()
        // Brotli data longer than the list writes.
        zip.add("a.transfer.list", "4\n1\n0\n0\nnew 2,0,1\n")
        zip.add("a.new.dat.br", try T.compress(T.brotli, [UInt8](repeating: 1, count: 3 * Self.block)))
        // New data shorter than the list writes: read, the missing blocks are zeros.
        zip.add("b.transfer.list", "4\n2\n0\n0\nnew 2,0,2\n")
        zip.add("b.new.dat", [UInt8](repeating: 2, count: Self.block))
        // Unparseable list, corrupt xz, no new data at all.
        zip.add("c.transfer.list", "4\n2\n0\n0\nnew 3,0,2\n")
        zip.add("c.new.dat", [UInt8](repeating: 3, count: Self.block))
        zip.add("d.transfer.list", "4\n1\n0\n0\nnew 2,0,1\n")
        zip.add("d.new.dat.xz", T.sample(100))
        zip.add("e.transfer.list", "4\n1\n0\n0\nnew 2,0,1\n")
        // Writing block 2^32-1 only: a huge sparse view, nothing allocated.
        zip.add("f.transfer.list", "4\n1\n0\n0\nnew 2,4294967295,4294967296\n")
        zip.add("f.new.dat", [UInt8](repeating: 6, count: Self.block))
        let (container, _) = try Self.open(zip)
        var notes: [String: String] = [:]
        var sizes: [String: UInt64] = [:]
        try #require(container).forEachFile({ notes[$0.path ?? ""] = $0.diagnostic.code }) { sizes[$0.path] = $0.size }
        #expect(notes == ["a.new.dat.br": "blockota.bad-new-data", "b.new.dat": "blockota.truncated",
                          "c.transfer.list": "blockota.bad-transfer-list", "d.new.dat.xz": "blockota.bad-new-data",
                          "e.transfer.list": "blockota.missing-new-data"])
        #expect(sizes == ["b.new.dat": UInt64(2 * Self.block), "f.new.dat": (1 << 32) * BlockOTA.blockSize])
    }

    @Test func spillCountsAgainstTheBudget() throws {
        var zip = ZipWriter()
        zip.add("system.transfer.list", Self.list)
        zip.add("system.new.dat.br", try T.compress(T.brotli, Self.newDat))
        let (container, _) = try Self.open(zip, budget: UInt64(Self.block))
        let (files, notes) = try T.walk(try #require(container))
        #expect(files.isEmpty)
        #expect(notes.map { $0.split(separator: "|")[1] } == ["limit.total-bytes"])
    }

    @Test func onlyOTAZipsAreOTAContainers() throws {
        var plain = ZipWriter()
        plain.add("a.txt", "x")
        #expect(try Self.open(plain).0 == nil)
        var payloadOnly = ZipWriter()
        payloadOnly.add("payload.bin", "CrAU")
        #expect(try Self.open(payloadOnly).0 == nil)
        var ab = payloadOnly
        ab.add("META-INF/com/android/metadata", "ota-type=AB\n")
        #expect(try Self.open(ab).0 != nil)
    }

    @Test func metadataLines() {
        let m = OTA.Metadata(text: Array("a=1\r\npre-build=x/y:1\nota-streaming-property-files=payload.bin:679:5000,payload_properties.txt:100:150 ,metadata:69:1000\nnoequals\npre-build=second\n".utf8))
        #expect(m.sourceBuild == "x/y:1")
        #expect(m.values["a"] == "1")
        #expect(m.streamingProperties["payload.bin"]?.offset == 679)
        #expect(m.streamingProperties["payload.bin"]?.size == 5000)
        #expect(m.streamingProperties["payload_properties.txt"]?.size == 150)
        #expect(OTA.Metadata(text: Array("pre-build=\n".utf8)).sourceBuild == nil)
    }
}
