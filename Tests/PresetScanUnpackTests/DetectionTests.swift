import PresetScanCore
import Testing

@testable import PresetScanUnpack

/// Content detection of ZIPs whose first bytes are not a local header.
struct DetectionTests {
    @Test func zipWithPrependedStubIsFoundFromItsEnd() {
        var w = ZipWriter()
        w.prefix = Array("#!/bin/sh\nexit 0\n".utf8) + Array(repeating: 0, count: 500)
        w.add("AndroidManifest.xml", "x")
        #expect(ContentDetector.detect(MemoryByteSource(w.build())) == .zip)
        #expect(ContentDetector.detect(MemoryByteSource(w.build(adjustOffsetsForPrefix: true))) == .zip)
    }

    @Test func endRecordWithoutDirectoryIsNotAZip() {
        // A bare EOCD signature at the end of some binary must not make it a ZIP.
        let fake = Array(repeating: UInt8(0x41), count: 300) + [0x50, 0x4b, 0x05, 0x06] + Array(repeating: 0, count: 8)
            + le32(100) + le32(0) + [0, 0]
        #expect(ContentDetector.detect(MemoryByteSource(fake)) == .unknown)
        #expect(ContentDetector.detect(MemoryByteSource(Array("plain text".utf8))) == .unknown)
    }
}
