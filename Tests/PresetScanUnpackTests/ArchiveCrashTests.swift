import Foundation
import PresetScanCore
import Testing
@testable import PresetScanUnpack

/// Damaged archives that once killed the process (issue 12: `archive_read_free` called twice when
/// `archive_read_open1` failed, the second time on freed memory). Each must end in a diagnostic.
@Suite struct ArchiveCrashTests {
    static let folder = ArchiveTests.root.appendingPathComponent("Samples/archive-crashes")
    static let inputs = ["truncated-60.tar.gz", "truncated-91.tar.gz", "truncated-548.tar.gz", "deflate-flipped.tar.gz"]

    @Test(arguments: inputs)
    func damagedArchiveGivesADiagnostic(name: String) throws {
        let source = try FileByteSource(path: Self.folder.appendingPathComponent(name).path)
        let context = UnpackContext(limits: UnpackLimits(), temporary: try TemporaryFolder())
        var codes: [String] = []
        do {
            try ArchiveContainer(source: source, context: context).forEachFile({ codes.append($0.diagnostic.code) }) { _ in }
        } catch let e as ContainerError {
            codes.append(e.code)
            #expect(e.message.hasPrefix("libarchive: "), "\(name): \(e.message)")
        }
        #expect(codes.contains { $0.hasPrefix("archive.") }, "\(name): \(codes)")
    }

    /// Opening fails before any header: the handle is released (and freed once) every time.
    @Test func failedOpenReleasesTheHandle() throws {
        let source = try FileByteSource(path: Self.folder.appendingPathComponent("truncated-60.tar.gz").path)
        for _ in 0..<200 {
            #expect(throws: ArchiveError.self) { _ = try ArchiveHandle(source: source) }
        }
    }

    /// A source that fails mid-read gives a read error, not a dangling block.
    @Test func failingSourceIsAnError() throws {
        let bytes = try [UInt8](Data(contentsOf: ArchiveTests.hello))
        let source = FailingSource(MemoryByteSource(bytes), failAfter: 100)
        #expect(throws: ArchiveError.self) {
            let handle = try ArchiveHandle(source: source)
            while try handle.nextHeader() != nil { while try handle.nextBlock() != nil {} }
        }
    }
}

/// Bytes that stop being readable at `failAfter`.
final class FailingSource: ByteSource, @unchecked Sendable {
    let base: ByteSource
    let failAfter: UInt64
    var size: UInt64 { base.size }
    init(_ base: ByteSource, failAfter: UInt64) { self.base = base; self.failAfter = failAfter }
    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        guard offset + UInt64(count) <= failAfter else { throw ByteSourceError.readFailed(offset: offset, errno: 5) }
        return try base.read(at: offset, count: count)
    }
}
