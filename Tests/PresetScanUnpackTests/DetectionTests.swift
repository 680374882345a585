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

    /// Formats known by magic but not read are named (SPEC §6), from their head alone.
    @Test(arguments: [
        ("UBI image", 0, Array("UBI#".utf8)),
        ("UBIFS", 0, [0x31, 0x18, 0x10, 0x06]),
        ("JFFS2", 0, [0x85, 0x19, 0x01, 0xe0]),
        ("cramfs", 0, [0x45, 0x3d, 0xcd, 0x28]),
        ("romfs", 0, Array("-rom1fs-".utf8)),
        ("XFS", 0, Array("XFSB".utf8)),
        ("exFAT", 3, Array("EXFAT   ".utf8)),
        ("NTFS", 3, Array("NTFS    ".utf8)),
        ("LUKS encrypted volume", 0, [0x4c, 0x55, 0x4b, 0x53, 0xba, 0xbe]),
        ("Rockchip firmware (RKFP)", 0, Array("RKFP".utf8)),
        ("Allwinner image (IMAGEWTY)", 0, Array("IMAGEWTY".utf8)),
        ("OPPO encrypted package (ozip)", 0, Array("OPPOENCRYPT!".utf8)),
    ] as [(String, Int, [UInt8])])
    func unsupportedFormatsAreNamed(name: String, offset: Int, magic: [UInt8]) {
        var head = [UInt8](repeating: 0x20, count: 4100)
        head.replaceSubrange(offset..<offset + magic.count, with: magic)
        let source = MemoryByteSource(head)
        #expect(ContentDetector.detect(source) == .unknown)
        #expect(ContentDetector.identify(source, fileName: "x.bin", farMagics: false).unsupported == name)
    }

    @Test func weakMagicsNeedTheirSecondTest() {
        // Two bytes of JFFS2 magic with no known node type, a FAT label without a boot sector,
        // a YAFFS2-like header whose parent is not the root: plain data.
        var jffs = [UInt8](repeating: 0, count: 600)
        jffs[0] = 0x85; jffs[1] = 0x19
        #expect(UnsupportedFormat.name(head: jffs) == nil)
        var fat = [UInt8](repeating: 0, count: 600)
        fat.replaceSubrange(54..<58, with: Array("FAT1".utf8))
        #expect(UnsupportedFormat.name(head: fat) == nil)
        fat[0] = 0xeb; fat[510] = 0x55; fat[511] = 0xaa
        #expect(UnsupportedFormat.name(head: fat) == "FAT")
        var yaffs = [UInt8](repeating: 0, count: 64)
        yaffs[0] = 3; yaffs[4] = 2; yaffs[8] = 0xff; yaffs[9] = 0xff
        #expect(UnsupportedFormat.name(head: yaffs) == nil)
        yaffs[4] = 1
        #expect(UnsupportedFormat.name(head: yaffs) == "YAFFS2")
        #expect(UnsupportedFormat.name(head: Array("just some text".utf8)) == nil)
    }

    @Test func btrfsIsFoundOnlyWhenAskedToLookThatFar() {
        var image = [UInt8](repeating: 0, count: 0x10048)
        image.replaceSubrange(0x10040..<0x10048, with: Array("_BHRfS_M".utf8))
        let source = MemoryByteSource(image)
        #expect(ContentDetector.identify(source, fileName: "", farMagics: true).unsupported == "btrfs")
        #expect(ContentDetector.identify(source, fileName: "", farMagics: false).unsupported == nil)
    }

    @Test func encryptedVendorPackagesByName() {
        let noise = MemoryByteSource([UInt8](repeating: 0x5a, count: 4096))
        #expect(ContentDetector.identify(noise, fileName: "PDCM00_11_A.17.ofp", farMagics: false).unsupported?.contains("OPPO") == true)
        #expect(ContentDetector.identify(noise, fileName: "oneplus.ops", farMagics: false).unsupported?.contains("OnePlus") == true)
        #expect(ContentDetector.identify(noise, fileName: "libfoo.so", farMagics: false).unsupported == nil)
    }
}
