import PresetScanCore
import Testing
@testable import PresetScanUnpack

struct MappedByteSourceTests {
    let base = MemoryByteSource(Array(0..<64))

    @Test func segmentsFillsAndHolesReadBackAcrossBoundaries() throws {
        let view = try MappedByteSource(size: 32, segments: [
            .init(start: 8, length: 8, backing: .fill(0xdead_beef)),
            .init(start: 0, length: 4, backing: .source(base, offset: 10)),
            .init(start: 20, length: 4, backing: .source(base, offset: 60)),
        ])
        let all = try view.read(at: 0, count: 32)
        #expect(Array(all[0..<4]) == [10, 11, 12, 13])
        #expect(Array(all[4..<8]) == [0, 0, 0, 0])
        #expect(Array(all[8..<12]) == [0xef, 0xbe, 0xad, 0xde])
        #expect(Array(all[20..<24]) == [60, 61, 62, 63])
        #expect(try view.read(at: 10, count: 3) == [0xad, 0xde, 0xef])
        #expect(try view.read(at: 30, count: 2) == [0, 0])
        #expect(throws: ByteSourceError.self) { try view.read(at: 30, count: 3) }
        #expect(throws: ByteSourceError.self) { try view.read(at: .max, count: 1) }
    }

    @Test func overlapsAndOutOfRangeMappingsAreRefused() {
        #expect(throws: MappedByteSource.MappingError.overlap(at: 4)) {
            try MappedByteSource(size: 16, segments: [.init(start: 0, length: 8, backing: .zero), .init(start: 4, length: 8, backing: .zero)])
        }
        #expect(throws: MappedByteSource.MappingError.self) {
            try MappedByteSource(size: 16, segments: [.init(start: 12, length: 8, backing: .zero)])
        }
        #expect(throws: MappedByteSource.MappingError.self) {
            try MappedByteSource(size: 16, segments: [.init(start: 0, length: 8, backing: .source(base, offset: 60))])
        }
        #expect(throws: MappedByteSource.MappingError.self) {
            try MappedByteSource(size: .max, segments: [.init(start: .max - 1, length: 8, backing: .zero)])
        }
    }

    @Test func countingSourceCountsBytesRead() throws {
        let counter = ReadCounter()
        let counted = CountingByteSource(base, counter: counter)
        _ = try counted.read(at: 0, count: 10)
        _ = try counted.slice(offset: 4, length: 8).read(at: 0, count: 8)
        #expect(counter.bytesRead == 18)
    }

    @Test func temporaryFolderIsRemovedWithItsFiles() throws {
        var path = ""
        do {
            let folder = try TemporaryFolder()
            path = folder.path
            let w = try folder.makeFile()
            try [UInt8](repeating: 7, count: 100).withUnsafeBytes { try w.write($0) }
            let source = try w.finish()
            #expect(source.size == 100)
            #expect(FileManager.default.fileExists(atPath: path))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func budgetRefusesWhatExceedsIt() {
        let budget = ByteBudget(limit: 100)
        #expect(budget.take(60))
        #expect(!budget.take(50))
        #expect(budget.take(40))
        #expect(!budget.take(.max))
    }
}

import Foundation

struct ContentDetectorTests {
    func head(_ bytes: [(Int, [UInt8])], count: Int = 4100) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: count)
        for (o, b) in bytes { h.replaceSubrange(o..<o + b.count, with: b) }
        return h
    }

    @Test func magicBytesDecideTheKind() {
        #expect(ContentDetector.detect(head: head([(0, [0x50, 0x4b, 3, 4])])) == .zip)
        #expect(ContentDetector.detect(head: head([(0, [0x3a, 0xff, 0x26, 0xed])])) == .sparse)
        #expect(ContentDetector.detect(head: head([(1080, [0x53, 0xef])])) == .ext4)
        #expect(ContentDetector.detect(head: head([(4096, [0x67, 0x44, 0x6c, 0x61])])) == .superImage)
        #expect(ContentDetector.detect(head: head([(0, [0x1f, 0x8b])])) == .archive)
        #expect(ContentDetector.detect(head: head([(257, Array("ustar".utf8))])) == .archive)
        #expect(ContentDetector.detect(head: head([(0, [0x28, 0xb5, 0x2f, 0xfd])])) == .archive)
        #expect(ContentDetector.detect(head: head([])) == .unknown)
        #expect(ContentDetector.detect(head: [0x50]) == .unknown)
        #expect(ContentDetector.detect(MemoryByteSource([])) == .unknown)
    }
}
