import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// Writes sparse images (sparse_format.h) chunk by chunk.
struct SparseWriter {
    var blockSize: UInt32 = 4096
    var totalBlocks: UInt32
    var chunks: [(type: UInt16, blocks: UInt32, data: [UInt8])] = []

    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }

    func bytes(chunkCount: UInt32? = nil) -> [UInt8] {
        var out = le32(Sparse.Header.magic) + Self.le16(1) + Self.le16(0) + Self.le16(28) + Self.le16(12)
        out += Self.le32(blockSize) + Self.le32(totalBlocks) + Self.le32(chunkCount ?? UInt32(chunks.count)) + Self.le32(0)
        for c in chunks {
            out += Self.le16(c.type) + Self.le16(0) + Self.le32(c.blocks) + Self.le32(UInt32(12 + c.data.count)) + c.data
        }
        return out
    }
    func le32(_ v: UInt32) -> [UInt8] { Self.le32(v) }
}

struct SparseTests {
    func image() -> SparseWriter {
        var w = SparseWriter(blockSize: 8, totalBlocks: 6)
        w.chunks = [
            (Sparse.ChunkHeader.raw, 1, Array(1...8)),
            (Sparse.ChunkHeader.fill, 2, SparseWriter.le32(0x0403_0201)),
            (Sparse.ChunkHeader.dontCare, 2, []),
            (Sparse.ChunkHeader.crc32, 0, SparseWriter.le32(0x1234_5678)),
            (Sparse.ChunkHeader.raw, 1, Array(repeating: 9, count: 8)),
        ]
        return w
    }

    @Test func rawFillDontCareAndCRCChunksFormTheView() throws {
        let img = try Sparse.Image(source: MemoryByteSource(image().bytes()))
        #expect(img.header.expandedSize == 48)
        #expect(img.statedCRCs == [0x1234_5678])
        #expect(img.notes.isEmpty)
        let all = try img.view().readAll()
        #expect(Array(all[0..<8]) == Array(1...8))
        #expect(Array(all[8..<24]) == [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4])
        #expect(Array(all[24..<40]) == Array(repeating: 0, count: 16))
        #expect(Array(all[40..<48]) == Array(repeating: 9, count: 8))
    }

    @Test func truncatedImagesKeepTheChunksBeforeTheCut() throws {
        let bytes = image().bytes()
        for cut in [bytes.count - 1, bytes.count - 12, 28 + 12 + 3] {
            let img = try Sparse.Image(source: MemoryByteSource(Array(bytes.prefix(cut))))
            #expect(img.notes.map(\.diagnostic.code) == ["sparse.truncated"], "cut \(cut)")
            #expect(try img.view().size == 48)
        }
        // A header that promises more chunks than the file holds.
        let more = try Sparse.Image(source: MemoryByteSource(image().bytes(chunkCount: 9)))
        #expect(more.notes.first?.diagnostic.code == "sparse.truncated")
    }

    @Test func bogusChunksAreErrorsNotTraps() {
        var w = image()
        w.chunks[0] = (Sparse.ChunkHeader.raw, 2, Array(1...8))          // size disagrees with blocks
        #expect(throws: ParseError.self) { try Sparse.Image(source: MemoryByteSource(w.bytes())) }
        w = image()
        w.chunks[1] = (Sparse.ChunkHeader.fill, 0xffff_ffff, SparseWriter.le32(1))  // past the image
        #expect(throws: ParseError.self) { try Sparse.Image(source: MemoryByteSource(w.bytes())) }
        w = image()
        w.chunks[2] = (0xcaff, 1, [])                                      // unknown type
        #expect(throws: ParseError.self) { try Sparse.Image(source: MemoryByteSource(w.bytes())) }
        var bad = image().bytes()
        bad[4] = 2                                                         // major version 2
        #expect(throws: ParseError.self) { try Sparse.Image(source: MemoryByteSource(bad)) }
        for cut in 0..<28 {
            #expect(throws: (any Error).self) { try Sparse.Image(source: MemoryByteSource(Array(image().bytes().prefix(cut)))) }
        }
    }

    @Test func splitPiecesJoinAndOverlapsAreRefused() throws {
        var a = SparseWriter(blockSize: 8, totalBlocks: 4)
        a.chunks = [(Sparse.ChunkHeader.raw, 2, Array(repeating: 1, count: 16)), (Sparse.ChunkHeader.dontCare, 2, [])]
        var b = SparseWriter(blockSize: 8, totalBlocks: 4)
        b.chunks = [(Sparse.ChunkHeader.dontCare, 2, []), (Sparse.ChunkHeader.raw, 2, Array(repeating: 2, count: 16))]
        let pa = try Sparse.Image(source: MemoryByteSource(a.bytes()))
        let pb = try Sparse.Image(source: MemoryByteSource(b.bytes()))
        let joined = try Sparse.Image.joined([pa, pb])
        #expect(try joined.readAll() == Array(repeating: 1, count: 16) + Array(repeating: 2, count: 16))
        #expect(throws: MappedByteSource.MappingError.self) { try Sparse.Image.joined([pa, pa]) }
        var c = SparseWriter(blockSize: 8, totalBlocks: 5)
        c.chunks = [(Sparse.ChunkHeader.dontCare, 5, [])]
        #expect(throws: ContainerError.self) { try Sparse.Image.joined([pa, try Sparse.Image(source: MemoryByteSource(c.bytes()))]) }
    }
}
