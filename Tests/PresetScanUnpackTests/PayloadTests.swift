import Foundation
import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// Writes payloads from update_metadata.proto field numbers, so tests can build exactly what they need.
struct PayloadWriter {
    static func varint(_ v: UInt64) -> [UInt8] {
        var v = v, out: [UInt8] = []
        repeat {
            let b = UInt8(v & 0x7f)
            v >>= 7
            out.append(v == 0 ? b : b | 0x80)
        } while v != 0
        return out
    }

    static func field(_ n: UInt64, _ v: UInt64) -> [UInt8] { varint(n << 3) + varint(v) }
    static func field(_ n: UInt64, _ bytes: [UInt8]) -> [UInt8] { varint(n << 3 | 2) + varint(UInt64(bytes.count)) + bytes }

    static func extent(_ start: UInt64, _ count: UInt64) -> [UInt8] { field(1, start) + field(2, count) }

    struct Op {
        var type: UInt64
        var dst: [(UInt64, UInt64)]
        var data: [UInt8]? = nil
        var src: [(UInt64, UInt64)] = []
        /// Overrides the stated data length (hostile tests).
        var statedOffset: UInt64? = nil
    }

    var blockSize: UInt64 = 4096
    var minorVersion: UInt64 = 0
    var partitions: [(name: String, size: UInt64?, ops: [Op])] = []
    var majorVersion: UInt64 = 2

    func build() -> [UInt8] {
        var blob: [UInt8] = []
        var manifest = Self.field(3, blockSize) + Self.field(12, minorVersion)
        for p in partitions {
            var m = Self.field(1, Array(p.name.utf8))
            if let size = p.size { m += Self.field(7, Self.field(1, size)) }
            for op in p.ops {
                var o = Self.field(1, op.type)
                if let data = op.data {
                    o += Self.field(2, op.statedOffset ?? UInt64(blob.count)) + Self.field(3, UInt64(data.count))
                    blob += data
                }
                for (s, n) in op.src { o += Self.field(4, Self.extent(s, n)) }
                for (s, n) in op.dst { o += Self.field(6, Self.extent(s, n)) }
                m += Self.field(8, o)
            }
            manifest += Self.field(13, m)
        }
        func be64(_ v: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        return Array("CrAU".utf8) + be64(majorVersion) + be64(UInt64(manifest.count)) + [0, 0, 0, 0] + manifest + blob
    }
}

/// A/B payloads: header, manifest, every full operation against the real compressors, laziness,
/// incrementals and hostile manifests.
@Suite struct PayloadTests {
    typealias T = OTATestTools
    typealias W = PayloadWriter
    static let bs = 4096

    /// A 16-block partition and the operations that write it with every full operation type.
    static func fullPartition() throws -> (image: [UInt8], ops: [W.Op]) {
        var image = T.sample(16 * bs, seed: 5)
        for b in [6, 7, 12, 15] { image.replaceSubrange(b * bs..<(b + 1) * bs, with: [UInt8](repeating: 0, count: bs)) }
        func blocks(_ r: Range<Int>) -> [UInt8] { Array(image[r.lowerBound * bs..<r.upperBound * bs]) }
        // REPLACE data one byte short of two blocks: update_engine pads the last block with zeros.
        image[2 * bs - 1] = 0
        let ops: [W.Op] = [
            .init(type: 0, dst: [(0, 2)], data: Array(blocks(0..<2).dropLast())),
            .init(type: 8, dst: [(2, 2)], data: try T.compress(T.xz, blocks(2..<4))),
            .init(type: 1, dst: [(4, 2)], data: try T.compress(T.bzip2, blocks(4..<6))),
            .init(type: 6, dst: [(6, 2)]),
            .init(type: 14, dst: [(8, 2)], data: try T.compress(T.zstd, blocks(8..<10))),
            // Two extents out of order in one operation.
            .init(type: 8, dst: [(13, 2), (10, 2)], data: try T.compress(T.xz, blocks(13..<15) + blocks(10..<12))),
            .init(type: 7, dst: [(12, 1), (15, 1)]),
        ]
        return (image, ops)
    }

    static func file(_ w: PayloadWriter, budget: UInt64 = 1 << 30, metadata: OTA.Metadata? = nil) throws -> (Payload.File, UnpackContext) {
        let context = try T.context(budget: budget)
        var source: ByteSource = MemoryByteSource(w.build())
        if let metadata { source = Payload.PackagedSource(source, metadata: metadata) }
        return (try Payload.File(source: source, context: context), context)
    }

    @Test func everyFullOperationRebuildsThePartition() throws {
        let (image, ops) = try Self.fullPartition()
        var w = W()
        w.partitions = [("system", UInt64(image.count), ops), ("vendor", nil, Array(ops.prefix(2)))]
        let (file, _) = try Self.file(w)
        #expect(file.header.majorVersion == 2)
        #expect(file.manifest.partitions.map(\.name) == ["system", "vendor"])
        #expect(ContentDetector.detect(MemoryByteSource(w.build())) == .payload)
        let (files, notes) = try T.walk(file)
        #expect(notes.isEmpty, "\(notes)")
        #expect(files["system"] == image)
        // Without new_partition_info the partition ends with its last written block.
        #expect(files["vendor"] == Array(image.prefix(4 * Self.bs)))
    }

    @Test func operationsAreDecodedOnlyWhenTheirBlocksAreRead() throws {
        let (image, ops) = try Self.fullPartition()
        var w = W()
        w.partitions = [("system", UInt64(image.count), ops)]
        let (file, context) = try Self.file(w)
        var view: ByteSource?
        try file.forEachFile({ _ in }) { view = $0.source }
        let v = try #require(view)
        #expect(context.budget.spent == 0)
        // One byte of block 3 decodes the REPLACE_XZ of blocks 2-3 only; reading it again hits the cache.
        #expect(try v.read(at: UInt64(3 * Self.bs + 5), count: 1) == [image[3 * Self.bs + 5]])
        #expect(context.budget.spent == UInt64(2 * Self.bs))
        _ = try v.read(at: UInt64(2 * Self.bs), count: 2 * Self.bs)
        #expect(context.budget.spent == UInt64(2 * Self.bs))
        // REPLACE and ZERO blocks need no decoding.
        _ = try v.read(at: 0, count: 2 * Self.bs)
        _ = try v.read(at: UInt64(6 * Self.bs), count: 2 * Self.bs)
        #expect(context.budget.spent == UInt64(2 * Self.bs))
    }

    @Test func incrementalPartitionsArePS009NamingThePreBuild() throws {
        let (image, ops) = try Self.fullPartition()
        var w = W()
        w.minorVersion = 8
        w.partitions = [
            ("system", UInt64(image.count), [W.Op(type: 4, dst: [(0, 2)], src: [(0, 2)])] + ops.dropFirst()),
            ("product", UInt64(image.count), [W.Op(type: 5, dst: [(0, 2)], data: [1, 2, 3], src: [(3, 2)])]),
            // REPLACE with source extents is not a full operation either.
            ("odm", nil, [W.Op(type: 0, dst: [(0, 1)], data: [UInt8](repeating: 1, count: Self.bs), src: [(0, 1)])]),
            ("vendor", UInt64(image.count), ops),
        ]
        let metadata = OTA.Metadata(values: ["pre-build": "brand/dev/dev:14/OLD/7:user/release-keys"])
        let (file, _) = try Self.file(w, metadata: metadata)
        let (files, notes) = try T.walk(file)
        #expect(files.keys.sorted() == ["vendor"])
        #expect(files["vendor"] == image)
        let message = "incremental OTA: needs the source build brand/dev/dev:14/OLD/7:user/release-keys"
        #expect(notes == ["system|ota.incremental|\(message)", "product|ota.incremental|\(message)", "odm|ota.incremental|\(message)"])
    }

    @Test func hostileManifestsGiveNotesPerPartition() throws {
        let block = [UInt8](repeating: 9, count: Self.bs)
        var w = W()
        w.partitions = [
            ("overlap", nil, [.init(type: 0, dst: [(0, 1)], data: block), .init(type: 0, dst: [(0, 1)], data: block)]),
            ("past-end", nil, [.init(type: 0, dst: [(0, 1)], data: block, statedOffset: 1 << 40)]),
            ("unknown", nil, [.init(type: 99, dst: [(0, 1)])]),
            ("huge-extent", nil, [.init(type: 6, dst: [(UInt64.max - 1, 2)])]),
            ("too-big", nil, [.init(type: 8, dst: [(0, 1 << 20)], data: [1])]),
            ("../escape", nil, []),
            ("", nil, []),
            ("ok", nil, [.init(type: 0, dst: [(1, 1)], data: block)]),
            ("ok", nil, []),
        ]
        let (file, _) = try Self.file(w)
        var codes: [String] = []
        var files: [String] = []
        try file.forEachFile({ codes.append("\($0.path ?? "-")|\($0.diagnostic.code)") }) { files.append($0.path) }
        #expect(files == ["ok"])
        #expect(codes == ["overlap|payload.bad-extent", "past-end|payload.truncated", "unknown|payload.unknown-operation",
                          "huge-extent|payload.bad-extent", "too-big|payload.operation-too-large", "-|payload.bad-partition-name",
                          "-|payload.bad-partition-name", "ok|payload.duplicate-partition"])
    }

    @Test func corruptOrOversizedOperationDataFailsTheRead() throws {
        var w = W()
        let big = try T.compress(T.xz, [UInt8](repeating: 1, count: 3 * Self.bs))
        let first = W.Op(type: 0, dst: [(0, 2)], data: [UInt8](repeating: 4, count: 2 * Self.bs))
        w.partitions = [
            ("a", nil, [first, .init(type: 8, dst: [(2, 1)], data: big), .init(type: 1, dst: [(3, 1)], data: T.sample(64))]),
            // Its first blocks cannot be decoded: a note, not a partition skipped in silence as unknown content.
            ("b", nil, [.init(type: 14, dst: [(0, 2)], data: T.sample(64))]),
        ]
        let (file, _) = try Self.file(w)
        var views: [String: ByteSource] = [:]
        var notes: [String] = []
        try file.forEachFile({ notes.append("\($0.path ?? "")|\($0.diagnostic.code)") }) { views[$0.path] = $0.source }
        #expect(notes == ["b|payload.unreadable"])
        let v = try #require(views["a"])
        #expect(try v.read(at: 0, count: 2) == [4, 4])
        #expect(throws: OTA.DecodeError.tooLarge(codec: "xz", limit: UInt64(Self.bs))) { try v.read(at: UInt64(2 * Self.bs), count: 1) }
        #expect(throws: OTA.DecodeError.self) { try v.read(at: UInt64(3 * Self.bs), count: 1) }
    }

    @Test func budgetBoundsDecoding() throws {
        let (image, ops) = try Self.fullPartition()
        var w = W()
        w.partitions = [("system", UInt64(image.count), ops)]
        let (file, _) = try Self.file(w, budget: UInt64(Self.bs))
        var view: ByteSource?
        try file.forEachFile({ _ in }) { view = $0.source }
        #expect(throws: SpillError.self) { try view?.read(at: UInt64(2 * Self.bs), count: 1) }
    }

    @Test func badHeadersAreErrors() throws {
        var w = W()
        w.majorVersion = 1
        #expect(throws: ParseError.self) { try Self.file(w) }
        var bytes = W().build()
        bytes[19] = 0xff  // manifest size far past the end
        #expect(throws: ContainerError.self) { try Payload.File(source: MemoryByteSource(bytes), context: try T.context()) }
        #expect(throws: ParseError.self) { try Payload.File(source: MemoryByteSource(Array("CrAU".utf8)), context: try T.context()) }
    }

    @Test(arguments: [
        [UInt8]([0x08]),                                         // varint cut short
        [0x08] + [UInt8](repeating: 0xff, count: 10) + [0x01],   // varint longer than 64 bits
        [0x6a, 0x05, 0x0a],                                      // partitions: length past the end
        [0x6a, 0x02, 0x43, 0x00],                                // a group (wire type 3) inside a partition
        [0x00, 0x00],                                            // field number 0
        [0x18, 0x03],                                            // block size 3
        [0x6a, 0x04, 0x42, 0x02, 0x10, 0x01],                    // an operation without its required type
        [0x6a, 0x02, 0x0d, 0x00],                                // partition_name as fixed32
    ])
    func malformedManifestsAreParseErrors(bytes: [UInt8]) {
        #expect(throws: ParseError.self) { try Payload.Manifest.parse(bytes, base: 24) }
    }

    @Test func manifestSkipsFieldsItDoesNotUse() throws {
        // signatures_offset (4), a fixed64 (field 20), a fixed32 (field 21), max_timestamp (14), then block size.
        let bytes = W.field(4, 77) + [0xa1, 0x01] + [UInt8](repeating: 1, count: 8) + [0xad, 0x01, 1, 2, 3, 4] + W.field(14, 5)
            + W.field(3, 16384) + W.field(12, 0)
        let m = try Payload.Manifest.parse(bytes, base: 24)
        #expect(m.blockSize == 16384)
        #expect(m.partitions.isEmpty)
    }

    @Test func streamingPropertyLocatesThePayloadAndAMismatchFallsBack() throws {
        let (image, ops) = try Self.fullPartition()
        var w = W()
        w.partitions = [("system", UInt64(image.count), ops)]
        let payload = w.build()
        for good in [true, false] {
            var zip = ZipWriter()
            zip.add("payload.bin", payload)
            // Local header (30 bytes) + name: where the stored data starts.
            let offset = 30 + "payload.bin".utf8.count
            zip.add("META-INF/com/android/metadata",
                    "ota-streaming-property-files=payload.bin:\(good ? offset : offset + 1):\(payload.count)\n")
            let archive = try ZipArchive(source: MemoryByteSource(zip.build()))
            let context = try T.context()
            let c = try #require(OTA.container(archive: archive, context: context))
            var notes: [String] = []
            var found: [(String, ByteSource)] = []
            try c.forEachFile({ notes.append($0.diagnostic.code) }) { if let s = $0.source { found.append(($0.path, s)) } }
            #expect(notes == (good ? [] : ["ota.streaming-property-mismatch"]))
            let (path, source) = try #require(found.first)
            #expect(path == "payload.bin")
            #expect(source is Payload.PackagedSource)
            let (files, _) = try T.walk(try Payload.File(source: source, context: context))
            #expect(files["system"] == image)
        }
    }
}
