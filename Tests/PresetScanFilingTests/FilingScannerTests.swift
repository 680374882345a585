import Testing

@testable import PresetScanFiling

struct FilingScannerTests {
    @Test func findsEveryNumberInAFooter() {
        let footer = "© 2024 示例公司 备案号：京ICP备2023012345号-1A | 京ICP证030173号 京B2-20150033 京公网安备11010502030143号"
        let found = FilingScanner.find(in: footer, currentYear: testYear)
        #expect(found.map(\.canonical) == [
            "京ICP备2023012345号-1A", "京ICP证030173号", "京B2-20150033", "京公网安备11010502030143号",
        ])
        #expect(found.map(\.kind) == [.app, .icpLicence, .valueAddedLicence, .policeFiling])
        #expect(found.filter(\.isValidAppFiling).count == 1)
    }

    @Test func keepsTheRawTextOfAVariant() {
        let found = FilingScanner.find(in: "ICP备案：粤ｉｃｐ备 2023012345 号—2a，欢迎", currentYear: testYear)
        #expect(found.count == 1)
        #expect(found.first?.raw == "粤ｉｃｐ备 2023012345 号—2a")
        #expect(found.first?.canonical == "粤ICP备2023012345号-2A")
        #expect(found.first?.isValidAppFiling == true)
    }

    @Test(arguments: [
        "ICPClient.connect()", "京ICP备案查询", "some ICP text", "京东B2B", "", "ICP", "公网安备",
    ])
    func ignoresTextThatIsNotANumber(_ text: String) {
        #expect(FilingScanner.find(in: text, currentYear: testYear).isEmpty)
    }

    @Test func websiteFilingWithoutBureauAfterAnotherWord() {
        let found = FilingScanner.find(in: "see ICP备12345678号", currentYear: testYear)
        #expect(found.map(\.kind) == [.website])
        #expect(found.first?.problems == [.missingBureau])
    }

    static func utf16le(_ text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }

    static let planted: [(String, FilingScanner.Encoding)] = [
        ("京ICP备2023012345号-1A", .utf8), ("京ICP备2023012345号-1A", .utf16le),
        ("沪ＩＣＰ备05001234号-5A", .utf8), ("沪ＩＣＰ备05001234号-5A", .utf16le),
        ("粤icp备2023054321号-8a", .utf8), ("粤icp备2023054321号-8a", .utf16le),
        ("京公网安备11010502030143号", .utf8), ("京公网安备11010502030143号", .utf16le),
        ("京ICP证030173号 京B2-20150033", .utf8),
    ]

    @Test(arguments: planted)
    func findsNumbersInBinaryNoise(_ row: (String, FilingScanner.Encoding)) throws {
        var bytes: [UInt8] = (0..<4000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) }
        let text = row.1 == .utf8 ? Array(row.0.utf8) : Self.utf16le(row.0)
        let at = 1001
        bytes.insert(0, at: at)
        bytes.insert(contentsOf: text, at: at + 1)
        bytes.insert(0, at: at + 1 + text.count)
        bytes.insert(0, at: at + 2 + text.count)
        let matches = FilingScanner.find(inBytes: bytes, currentYear: testYear)
        let first = try #require(matches.first)
        #expect(first.encoding == row.1)
        #expect(first.offset == at + 1)
        #expect(first.number.raw == (row.0.contains(" ") ? String(row.0.prefix { $0 != " " }) : row.0))
        #expect(matches.allSatisfy { $0.encoding == row.1 })
    }

    @Test func mutf8SupplementaryCharactersDoNotHideANumber() {
        // MUTF-8 writes U+1F600 as a surrogate pair of 3-byte sequences, then the number.
        var bytes: [UInt8] = [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80]
        bytes += Array("京ICP备2023012345号-1A".utf8) + [0]
        let matches = FilingScanner.find(inBytes: bytes, currentYear: testYear)
        #expect(matches.map(\.number.canonical) == ["京ICP备2023012345号-1A"])
        #expect(matches.first?.offset == 6)
    }

    @Test func nearbyHitsAreReportedOnce() {
        let text = "京ICP备2023012345号-1A 京ICP备2023012345号-2A 京ICP备2023012345号-3A"
        let matches = FilingScanner.find(inBytes: Array(text.utf8), currentYear: testYear)
        #expect(matches.map(\.number.sequence) == [1, 2, 3])
    }

    @Test func hitsFarApartEachGetAWindow() {
        var bytes = Array("京ICP备2023012345号-1A".utf8)
        bytes += [UInt8](repeating: 0x20, count: 10_000)
        bytes += Self.utf16le("京ICP备2023012345号-2A")
        bytes += [0x41]  // odd length: the UTF-16 window must keep its parity
        bytes += Self.utf16le("京ICP备2023012345号-3X")
        let matches = FilingScanner.find(inBytes: bytes, currentYear: testYear)
        #expect(matches.map(\.number.canonical) == [
            "京ICP备2023012345号-1A", "京ICP备2023012345号-2A", "京ICP备2023012345号-3X",
        ])
    }

    @Test func anchorTest() {
        #expect(FilingScanner.containsAnchor(UnsafeRawBufferPointer(start: nil, count: 0)) == false)
        let plain = Array("nothing to see here, cc CP IC".utf8)
        #expect(plain.withUnsafeBytes { FilingScanner.containsAnchor($0) } == false)
        let with = Array("x icp y".utf8)
        #expect(with.withUnsafeBytes { FilingScanner.containsAnchor($0) })
    }

    @Test func truncatedBuffersDoNotTrap() {
        let full = Array("京ICP备２０２３０１２３４５号－1A".utf8) + Self.utf16le("京ＩＣＰ备2023012345号-1A公网安备")
        for length in 0...full.count {
            _ = FilingScanner.find(inBytes: Array(full.prefix(length)), currentYear: testYear)
            _ = FilingScanner.find(inBytes: Array(full.suffix(length)), currentYear: testYear)
        }
    }

    /// The vector prefilter lets every anchor through: anchors found in a long buffer (sixteen
    /// bytes at a time) are exactly those the byte-by-byte tail finds in a 12-byte window at each
    /// offset (12 bytes hold the longest anchor, UTF-8 `公网安备`), on noise made of anchor bytes.
    @Test func vectorPrefilterAgreesWithTheByteByByteCheck() {
        let pieces: [[UInt8]] = [
            Array("ICP".utf8), Array("iCp".utf8), Self.utf16le("ICP"), Self.utf16le("icP"), Array("ＩＣＰ".utf8),
            Array("ｉｃｐ".utf8), Self.utf16le("ＩＣＰ"), Self.utf16le("ｉｃｐ"), Array("公网安备".utf8), Self.utf16le("公网安备"),
            [0x49], [0x69], [0x43], [0x63], [0x50], [0x70], [0x00], [0xFF], [0x29], [0xEF], [0xBC], [0xBD], [0xA9],
            [0x89], [0xE5], [0x85], [0xAC], [0x6C], [0x51], [0x23], [0x30], [0x20],
        ]
        var state: UInt64 = 0x5EED
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<40 {
            var bytes: [UInt8] = []
            while bytes.count < 600 { bytes += pieces[next(pieces.count)] }
            let vector = bytes.withUnsafeBytes { FilingScanner.anchors(in: $0) }
            var scalar: [(offset: Int, encoding: FilingScanner.Encoding)] = []
            for offset in bytes.indices {
                let window = Array(bytes[offset..<min(offset + 12, bytes.count)])
                let found = window.withUnsafeBytes { FilingScanner.anchors(in: $0) }
                if let first = found.first, first.offset == 0 { scalar.append((offset, first.encoding)) }
            }
            #expect(vector.map(\.offset) == scalar.map(\.offset))
            #expect(vector.map(\.encoding) == scalar.map(\.encoding))
            #expect(!vector.isEmpty)
        }
    }
}

/// The filing system's address (PS014), found in the same pass as the numbers.
@Suite struct FilingSystemLinkTests {
    @Test(arguments: [
        "备案号：京ICP备2023012345号-1A https://beian.miit.gov.cn/",
        "<a href=\"HTTP://BEIAN.MIIT.GOV.CN/#/Integrated/index\">",
        "beian.miit.gov.cn",
    ])
    func linkInUTF8AndUTF16(_ text: String) {
        let utf8 = Array(text.utf8)
        #expect(!FilingScanner.scan(inBytes: utf8).linkOffsets.isEmpty)
        let utf16 = text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
        #expect(!FilingScanner.scan(inBytes: utf16).linkOffsets.isEmpty)
        #expect(FilingScanner.containsFilingSystemLink(text))
    }

    @Test(arguments: ["beian.miit.gov", "www.miit.gov.cn", "beijing beian miit", "https://beian.mps.gov.cn"])
    func notTheLink(_ text: String) {
        #expect(FilingScanner.scan(inBytes: Array(text.utf8)).linkOffsets.isEmpty)
        #expect(!FilingScanner.containsFilingSystemLink(text))
    }

    /// Numbers are found as before beside a link; a long buffer puts the link in the vector loop.
    @Test func numbersAndLinkInOnePass() {
        let text = String(repeating: "be bei beian ", count: 40) + "京ICP备2023012345号-1A 查询：beian.miit.gov.cn" + String(repeating: " x", count: 40)
        let scan = FilingScanner.scan(inBytes: Array(text.utf8))
        #expect(scan.matches.map(\.number.canonical) == ["京ICP备2023012345号-1A"])
        #expect(scan.linkOffsets.count == 1)
        #expect(FilingScanner.find(inBytes: Array(text.utf8)).count == 1)
    }
}
