import PresetScanCore
import Testing

@testable import PresetScanUnpack

struct ZipArchiveTests {
    func open(_ bytes: [UInt8], limits: Limits = .default) throws -> ZipArchive {
        try ZipArchive(source: MemoryByteSource(bytes), limits: limits)
    }

    @Test func readsStoredAndDeflatedEntries() throws {
        var w = ZipWriter()
        w.add("a.txt", "hello")
        w.add("b.txt", String(repeating: "presetscan ", count: 500), deflate: true)
        let zip = try open(w.build())
        #expect(zip.entries.map(\.name) == ["a.txt", "b.txt"])
        #expect(try zip.data(of: zip.entry(named: "a.txt")!) == Array("hello".utf8))
        #expect(try zip.data(of: zip.entry(named: "b.txt")!) == Array(String(repeating: "presetscan ", count: 500).utf8))
        #expect(zip.diagnostics.isEmpty)
        #expect(try zip.storedSource(of: zip.entry(named: "a.txt")!)?.size == 5)
        #expect(try zip.storedSource(of: zip.entry(named: "b.txt")!) == nil)
    }

    @Test func lastEndOfCentralDirectoryWins() throws {
        // libziparchive scans backwards from the end, so a record hidden in the comment wins
        // over the real one. Here the hidden record points nowhere: opening must fail on it.
        var w = ZipWriter()
        w.add("new.txt", "new")
        w.comment = le32(0x0605_4b50) + le16(0) + le16(0) + le16(1) + le16(1) + le32(46) + le32(5) + le16(0)
        #expect(throws: ZipError.self) { try open(w.build()) }
        w.comment = []
        #expect(try open(w.build()).entries.map(\.name) == ["new.txt"])
    }

    @Test func notAZip() {
        #expect(throws: ZipError.notAZip) { try open(Array("just some text, not a zip at all".utf8)) }
        #expect(throws: ZipError.notAZip) { try open([]) }
    }

    @Test func duplicateEntriesAreFlaggedAndTheFirstIsRead() throws {
        var w = ZipWriter()
        w.add("AndroidManifest.xml", "first")
        w.add("AndroidManifest.xml", "second")
        let zip = try open(w.build())
        #expect(try zip.data(of: zip.entry(named: "AndroidManifest.xml")!) == Array("first".utf8))
        #expect(zip.diagnostics.contains { $0.code == "zip.duplicate-entry" && $0.severity == .error })
    }

    @Test func prependedDataWithUnadjustedOffsetsIsFoundAndFlagged() throws {
        var w = ZipWriter()
        w.prefix = Array(repeating: 0x90, count: 1000)
        w.add("x.txt", "payload")
        let zip = try open(w.build())
        #expect(zip.offsetAdjustment == 1000)
        #expect(try zip.data(of: zip.entries[0]) == Array("payload".utf8))
        #expect(zip.diagnostics.contains { $0.code == "zip.prepended-data" })
    }

    @Test func prependedDataWithAdjustedOffsetsIsFlagged() throws {
        var w = ZipWriter()
        w.prefix = Array(repeating: 0x90, count: 64)
        w.add("x.txt", "payload")
        let zip = try open(w.build(adjustOffsetsForPrefix: true))
        #expect(zip.offsetAdjustment == 0)
        #expect(try zip.data(of: zip.entries[0]) == Array("payload".utf8))
        #expect(zip.diagnostics.contains { $0.code == "zip.prepended-data" })
    }

    @Test func centralDirectoryWinsOverLocalHeader() throws {
        var w = ZipWriter()
        w.items.append(.init(name: "real.txt", data: Array("data".utf8), method: 0, localName: "fake.txt", localMethod: 8))
        let zip = try open(w.build())
        let entry = zip.entries[0]
        let (_, local) = try zip.dataOffset(of: entry)
        let notes = zip.localHeaderDiagnostics(for: entry, local: local)
        #expect(notes.map(\.code).sorted() == ["zip.local-method-mismatch", "zip.local-name-mismatch"])
        #expect(try zip.data(of: entry) == Array("data".utf8))
    }

    @Test func unknownMethodIsReadAsStored() throws {
        var w = ZipWriter()
        w.items.append(.init(name: "resources.arsc", data: Array("raw".utf8), method: 99))
        let zip = try open(w.build())
        #expect(try zip.data(of: zip.entries[0]) == Array("raw".utf8))
        #expect(zip.diagnostics.contains { $0.code == "zip.unknown-method" })
    }

    @Test func unknownMethodWithDeflatedDataIsInflated() throws {
        // apksig's "weird-compression-method" vector: method 21 over deflated bytes.
        let text = String(repeating: "signature block ", count: 64)
        var w = ZipWriter()
        w.items.append(.init(name: "META-INF/CERT.RSA", data: Array(text.utf8), method: 8))
        var bytes = w.build()
        // Patch the method in the central directory (offset 10 of the header) to 21.
        let cd = bytes.count - 22 - (46 + "META-INF/CERT.RSA".utf8.count)
        bytes[cd + 10] = 21
        let zip = try open(bytes)
        #expect(zip.entries[0].method == 21)
        #expect(try zip.data(of: zip.entries[0]) == Array(text.utf8))
    }

    @Test func encryptionFlagIsIgnored() throws {
        var w = ZipWriter()
        w.items.append(.init(name: "classes.dex", data: Array("dex".utf8), flags: 1))
        let zip = try open(w.build())
        #expect(try zip.data(of: zip.entries[0]) == Array("dex".utf8))
        #expect(zip.diagnostics.contains { $0.code == "zip.encryption-flag" })
    }

    @Test func bogusEntryCountIsAnErrorNotAnAllocation() throws {
        var w = ZipWriter()
        w.add("a", "b")
        w.entryCountOverride = 0xfff0
        #expect(throws: ZipError.self) { try open(w.build()) }
    }

    @Test func truncatedArchivesNeverTrap() throws {
        var w = ZipWriter()
        w.add("a.txt", "hello")
        w.add("b.txt", String(repeating: "x", count: 3000), deflate: true)
        let full = w.build()
        for cut in stride(from: 0, to: full.count, by: 7) {
            let bytes = Array(full[0..<cut]) + Array(full.suffix(22))
            if let zip = try? open(bytes) {
                for e in zip.entries { _ = try? zip.data(of: e) }
            }
        }
    }

    @Test func zipBombIsStoppedByTheRatioLimit() throws {
        var w = ZipWriter()
        w.add("bomb", [UInt8](repeating: 0, count: 8 << 20), deflate: true)
        var limits = Limits()
        limits.maxCompressionRatio = 10
        let zip = try open(w.build(), limits: limits)
        #expect(throws: ZipError.self) { try zip.data(of: zip.entries[0]) }
    }

    @Test func understatedSizeIsCaughtByTheEntryLimit() throws {
        var w = ZipWriter()
        w.items.append(.init(name: "big", data: [UInt8](repeating: 7, count: 1 << 20), method: 8, cdUncompressedSize: 10))
        var limits = Limits()
        limits.maxEntryBytes = 4096
        let zip = try open(w.build(), limits: limits)
        #expect(throws: ZipError.self) { try zip.data(of: zip.entries[0]) }
    }

    @Test func commentLengthMismatchIsFlagged() throws {
        var w = ZipWriter()
        w.add("a", "b")
        w.comment = Array("comment".utf8)
        w.declaredCommentLength = 2
        let zip = try open(w.build())
        #expect(zip.diagnostics.contains { $0.code == "zip.comment-length" })
    }
}
