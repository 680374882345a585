import Foundation
import PresetScanCore
import Testing

@testable import PresetScanApps

/// The bounded plist and strings-file parsers on well-formed, odd and hostile documents.
struct IPAPropertyListTests {
    /// A binary plist from raw objects: `objects[i]` is object i; 1-byte offsets and references.
    static func bplist(_ objects: [[UInt8]], top: UInt64 = 0, referenceSize: UInt8 = 1) -> [UInt8] {
        var body = Array("bplist00".utf8)
        var offsets: [Int] = []
        for object in objects {
            offsets.append(body.count)
            body += object
        }
        let tableOffset = body.count
        let offsetSize: UInt8 = body.count > 255 ? 2 : 1
        for offset in offsets {
            body += offsetSize == 2 ? [UInt8(offset >> 8), UInt8(offset & 0xFF)] : [UInt8(offset)]
        }
        func be64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(v >> (56 - 8 * UInt64($0)) & 0xFF) } }
        return body + [0, 0, 0, 0, 0, 0, offsetSize, referenceSize] + be64(UInt64(objects.count)) + be64(top) + be64(UInt64(tableOffset))
    }

    static func ascii(_ s: String) -> [UInt8] { [0x50 | UInt8(s.utf8.count)] + Array(s.utf8) }

    @Test func xmlWithEveryType() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
            <plist version="1.0">
            <!-- a comment with <dict> inside -->
            <dict>
              <key>s</key><string>a &lt;b&gt; &amp; &#x4E2D;&#25991; <![CDATA[<raw>]]></string>
              <key>empty</key><string/>
              <key>i</key><integer> -42 </integer>
              <key>r</key><real>1.5</real>
              <key>t</key><true/>
              <key>f</key><false/>
              <key>d</key><date>2027-03-31T12:00:00Z</date>
              <key>b</key><data>
                AAEC
                /w==
              </data>
              <key>a</key><array><string>x</string><dict/><array/></array>
            </dict>
            </plist>
            """
        let plist = try PropertyList.parse(Array(xml.utf8))
        #expect(plist["s"]?.string == "a <b> & 中文 <raw>")
        #expect(plist["empty"]?.string == "")
        #expect(plist["i"] == .integer(-42))
        #expect(plist["r"] == .real(1.5))
        #expect(plist["t"]?.bool == true && plist["f"]?.bool == false)
        #expect(plist["b"]?.data == [0, 1, 2, 255])
        #expect(plist["a"] == .array([.string("x"), .dictionary([:]), .array([])]))
        guard case .date(let t)? = plist["d"] else { Issue.record("no date"); return }
        #expect(PropertyList.isoString(absoluteTime: t) == "2027-03-31T12:00:00Z")
        #expect(plist.strings().map(\.path).contains("a/0"))
    }

    @Test(arguments: [
        "<plist><dict><key>a</key></dict></plist>",  // key without value
        "<plist><dict><string>x</string></dict></plist>",  // value without key
        "<plist><array><string>x</array></plist>",  // mismatched end
        "<plist><dict><key>a</key><string>x",  // unterminated
        "<plist><blob/></plist>",  // unknown element
        "<plist><integer>x1</integer></plist>",
        "<plist><date>yesterday</date></plist>",
        "<plist><string>a</string><string>b</string></plist>",
        "",
    ])
    func badXMLThrows(_ xml: String) {
        #expect(throws: ParseError.self) { try PropertyList.parse(Array(xml.utf8)) }
    }

    @Test func deepXMLIsRefusedWithoutRecursion() {
        let deep = String(repeating: "<array>", count: 100_000) + String(repeating: "</array>", count: 100_000)
        #expect(throws: ParseError.self) { try PropertyList.parse(Array(("<plist>" + deep + "</plist>").utf8)) }
    }

    /// Text split into many pieces (CDATA sections, entities) is joined in linear time.
    @Test func manyTextPiecesStayLinear() throws {
        let pieces = String(repeating: "<![CDATA[a]]>&amp;", count: 200_000)
        let start = ContinuousClock.now
        let plist = try PropertyList.parse(Array(("<plist><string>" + pieces + "</string></plist>").utf8))
        #expect(plist.string?.count == 400_000)
        #expect(ContinuousClock.now - start < .seconds(20))
    }

    @Test func xmlInUTF16() throws {
        let xml = "<plist><string>备案</string></plist>"
        let bytes: [UInt8] = [0xFF, 0xFE] + xml.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try PropertyList.parse(bytes) == .string("备案"))
    }

    @Test func binaryWithEveryType() throws {
        let doubleBits = (1.5 as Double).bitPattern
        let objects: [[UInt8]] = [
            [0xD6, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],  // dict of 6
            Self.ascii("s"), Self.ascii("u"), Self.ascii("i"), Self.ascii("r"), Self.ascii("a"), Self.ascii("d"),
            Self.ascii("plain"),
            [0x62, 0x59, 0x07, 0x68, 0x48],  // UTF-16BE "备案"
            [0x13] + (0..<8).map { UInt8((UInt64(bitPattern: -7) >> (56 - 8 * UInt64($0))) & 0xFF) },
            [0x23] + (0..<8).map { UInt8((doubleBits >> (56 - 8 * UInt64($0))) & 0xFF) },
            [0xA2, 7, 13],  // array [plain, true]
            [0x42, 0xCA, 0xFE],
            [0x09],
        ]
        let plist = try PropertyList.parse(Self.bplist(objects))
        #expect(plist["s"]?.string == "plain")
        #expect(plist["u"]?.string == "备案")
        #expect(plist["i"] == .integer(-7))
        #expect(plist["r"] == .real(1.5))
        #expect(plist["a"] == .array([.string("plain"), .bool(true)]))
        #expect(plist["d"]?.data == [0xCA, 0xFE])
    }

    /// Shared objects are fine (plistlib writes repeated strings once); a container that holds itself is not.
    @Test func binaryCycleIsAnErrorSharingIsNot() throws {
        let shared = Self.bplist([[0xA2, 1, 1], Self.ascii("x")])
        #expect(try PropertyList.parse(shared) == .array([.string("x"), .string("x")]))
        let selfLoop = Self.bplist([[0xA1, 0]])
        let indirect = Self.bplist([[0xD1, 1, 2], Self.ascii("k"), [0xA1, 0]])
        for bytes in [selfLoop, indirect] {
            #expect {
                try PropertyList.parse(bytes)
            } throws: { error in
                "\(error)".contains("cycle")
            }
        }
    }

    @Test func binaryDepthAndExpansionAreBounded() throws {
        // A chain of 200 arrays, each holding the next: too deep.
        let chain = Self.bplist((0..<200).map { (i: Int) -> [UInt8] in i == 199 ? [0xA0] : [0xA1, UInt8(i + 1)] })
        #expect(throws: ParseError.self) { try PropertyList.parse(chain) }
        // 40 arrays each holding the next one twice: 2^40 values if expanded.
        let bomb = Self.bplist((0..<40).map { (i: Int) -> [UInt8] in i == 39 ? [0x09] : [0xA2, UInt8(i + 1), UInt8(i + 1)] })
        #expect(throws: ParseError.self) { try PropertyList.parse(bomb) }
    }

    @Test func binaryTrailerIsChecked() {
        var good = Self.bplist([Self.ascii("x")])
        #expect((try? PropertyList.parse(good)) == .string("x"))
        let n = good.count
        // offset table pointing past the object area, then a huge object count, then a bad top object
        var bad = good
        bad[n - 1] = 0xF0
        #expect(throws: ParseError.self) { try PropertyList.parse(bad) }
        bad = good
        bad[n - 24] = 0xFF
        #expect(throws: ParseError.self) { try PropertyList.parse(bad) }
        bad = good
        bad[n - 9] = 5
        #expect(throws: ParseError.self) { try PropertyList.parse(bad) }
        good[8] = 0x5F  // count follows as an int object that is not there
        #expect(throws: ParseError.self) { try PropertyList.parse(good) }
        #expect(throws: ParseError.self) { try PropertyList.parse(Array("bplist00".utf8)) }
    }

    @Test func stringsTextForms() throws {
        let text = """
            /* comment "not a key" = "x"; */
            // line comment
            "CFBundleDisplayName" = "你好 \\"iOS\\"";
            CFBundleName = Hello_1.0;
            "tab" = "a\\tb\\U4E2D\\U6587\\101";
            "pair" = "\\UD83D\\UDE00";
            "alone";
            'single' = 'quoted';
            """
        let expected = ["CFBundleDisplayName": "你好 \"iOS\"", "CFBundleName": "Hello_1.0", "tab": "a\tb中文A",
                        "pair": "😀", "alone": "alone", "single": "quoted"]
        #expect(try StringsFile.parse(Array(text.utf8)) == expected)
        let utf16le: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(try StringsFile.parse(utf16le) == expected)
        let utf16be: [UInt8] = [0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        #expect(try StringsFile.parse(utf16be) == expected)
        #expect(try StringsFile.parse(Array("{ a = b; }".utf8)) == ["a": "b"])
        #expect(try StringsFile.parse([]) == [:])
    }

    @Test(arguments: ["\"a\" = \"b", "\"a\" = ;", "a = b c = d;", "{ a = b;", "\"a\" = \"b\"; }"])
    func badStringsThrow(_ text: String) {
        #expect(throws: ParseError.self) { try StringsFile.parse(Array(text.utf8)) }
    }

    @Test(arguments: [
        ("zh-Hans", "zh-CN"), ("zh_CN", "zh-CN"), ("zh-Hant", "zh-TW"), ("zh_TW", "zh-TW"), ("zh-HK", "zh-HK"),
        ("zh-Hant-HK", "zh-HK"), ("zh-Hans-SG", "zh-SG"), ("en", "en"), ("en-GB", "en-GB"), ("English", "en"),
        ("pt_BR", "pt-BR"), ("sr-Latn", "sr-Latn"), ("es-419", "es-419"),
    ])
    func localeKeys(_ lproj: String, _ key: String) {
        #expect(IPA.localeKey(lproj: lproj) == key)
    }

    @Test func baseIsNoLocale() {
        #expect(IPA.localeKey(lproj: "Base") == nil)
        #expect(IPA.localeKey(lproj: "") == nil)
        #expect(IPA.localeKey(lproj: "mul") == nil)
    }

    @Test func profileWildcards() {
        #expect(IPA.ProvisioningProfile.covers("cn.example.*", bundleID: "cn.example.app"))
        #expect(IPA.ProvisioningProfile.covers("*", bundleID: "anything"))
        #expect(!IPA.ProvisioningProfile.covers("cn.example.other", bundleID: "cn.example.app"))
        #expect(IPA.ProvisioningProfile.withoutTeamPrefix("A1B2C3D4E5.cn.example.app") == "cn.example.app")
    }
}
