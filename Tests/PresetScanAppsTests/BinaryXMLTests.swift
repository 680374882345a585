import Foundation
import PresetScanCore
import Testing

@testable import PresetScanApps

private typealias W = ResourceChunkWriter
private typealias A = ResourceChunkWriter.Attribute

@Suite struct BinaryXMLTests {
    private func codes(_ manifest: AndroidManifest) -> Set<String> { Set(manifest.warnings.map(\.code)) }

    @Test(arguments: [false, true])
    func readsManifestFieldsInBothPoolEncodings(utf8: Bool) throws {
        var document = W.manifest(
            package: "com.example.跨语言",
            children:
                W.element(
                    "uses-sdk",
                    [
                        .android("minSdkVersion", W.ID.minSdkVersion, int: 21),
                        .android("targetSdkVersion", W.ID.targetSdkVersion, int: 34),
                    ])
                + W.element("uses-permission", [.android("name", W.ID.name, string: "android.permission.INTERNET")])
                + W.element(
                    "uses-permission-sdk-23", [.android("name", W.ID.name, string: "android.permission.CAMERA")])
                + W.element("uses-permission", [.android("name", W.ID.name, string: "android.permission.INTERNET")])
                + W.element(
                    "application", [.android("label", W.ID.label, reference: 0x7f0b_0001)],
                    children: W.element(
                        "meta-data",
                        [
                            .android("name", W.ID.name, string: "备案号"),
                            .android("value", W.ID.value, string: "京ICP备2023012345号-1A"),
                        ])
                        + W.element(
                            "meta-data",
                            [
                                .android("name", W.ID.name, string: "res"),
                                .android("resource", W.ID.resource, reference: 0x7f0c_0002),
                            ])))
        document.utf8 = utf8
        let manifest = try AndroidManifest.parse(document.bytes())
        #expect(manifest.package == "com.example.跨语言")
        #expect(manifest.versionCode == .int(42))
        #expect(manifest.versionName == .string("1.2.3"))
        #expect(manifest.minSdkVersion == .int(21))
        #expect(manifest.targetSdkVersion == .int(34))
        #expect(manifest.permissions == ["android.permission.INTERNET", "android.permission.CAMERA"])
        #expect(manifest.applicationLabel == .reference(0x7f0b_0001))
        #expect(
            manifest.metaData == [
                MetaDataElement(name: "备案号", value: .string("京ICP备2023012345号-1A")),
                MetaDataElement(name: "res", resource: .reference(0x7f0c_0002)),
            ])
        #expect(manifest.warnings.isEmpty)
    }

    @Test(arguments: [false, true])
    func decodesLongLengthEncodings(utf8: Bool) throws {
        // UTF-8 lengths above 0x7F and UTF-16 lengths above 0x7FFF take two length units.
        let long = String(repeating: "长", count: utf8 ? 300 : 0x8001)
        var document = W.manifest(
            children: W.element(
                "application", [],
                children: W.element(
                    "meta-data",
                    [.android("name", W.ID.name, string: "k"), .android("value", W.ID.value, string: long)])))
        document.utf8 = utf8
        let manifest = try AndroidManifest.parse(document.bytes())
        #expect(manifest.metaData.first?.value == .string(long))
    }

    @Test func badStringOffsetLosesOnlyThatString() throws {
        var document = W.manifest(
            children: W.element("uses-permission", [.android("name", W.ID.name, string: "android.permission.INTERNET")])
                + W.element("uses-permission", [.android("name", W.ID.name, string: "android.permission.CAMERA")]))
        document.poolOffsetOverrides = ["android.permission.INTERNET": 0x00FF_FFF0]
        let manifest = try AndroidManifest.parse(document.bytes())
        #expect(manifest.permissions == ["android.permission.CAMERA"])
        #expect(manifest.package == "com.example.app")
        #expect(codes(manifest).contains("axml.bad-string"))
    }

    @Test func unterminatedStringIsReadAndFlagged() throws {
        var document = W.manifest(
            children: W.element("uses-permission", [.android("name", W.ID.name, string: "android.permission.INTERNET")])
        )
        document.poolDropTerminator = ["android.permission.INTERNET"]
        let manifest = try AndroidManifest.parse(document.bytes())
        #expect(manifest.permissions == ["android.permission.INTERNET"])
        #expect(codes(manifest).contains("axml.bad-string"))
    }

    @Test func bogusStringCountKeepsReadableStrings() throws {
        // Rebuild the pool header with a huge count: the offsets that fit are still used.
        let good = W.manifest().bytes()
        var bytes = good
        bytes.replaceSubrange(16..<20, with: W.u32(0x4000_0000))
        let manifest = try AndroidManifest.parse(bytes)
        #expect(manifest.package == "com.example.app")
        #expect(codes(manifest).contains("axml.bad-string-pool"))
    }

    @Test func unknownChunksAreSkipped() throws {
        var document = W.manifest(
            children: [.raw(W.chunk(type: 0x0777, body: [1, 2, 3, 4]))]
                + W.element("uses-permission", [.android("name", W.ID.name, string: "p.ONE")])
                + [.raw(W.chunk(type: 0x0001, body: [0, 0, 0, 0]))])
        document.extraChunksBeforeNodes = [W.chunk(type: 0x0666, body: [9, 9, 9, 9])]
        let manifest = try AndroidManifest.parse(document.bytes())
        #expect(manifest.package == "com.example.app")
        #expect(manifest.permissions == ["p.ONE"])
        #expect(manifest.warnings.filter { $0.code == "axml.unknown-chunk" }.count == 3)
    }

    @Test func resourceIDBeatsMisleadingName() throws {
        // Obfuscators rename attributes; the platform only looks at the resource id.
        let document = W.XMLDocument([
            .start(
                name: "manifest",
                attributes: [
                    A.android("versionName", W.ID.versionCode, int: 7),
                    A.android("versionCode", 0x0101_0000, int: 99),
                    A.android(":", W.ID.versionName, string: "9.9"),
                    .plain("package", string: "com.obf"),
                ]),
            .end(name: "manifest"),
        ])
        let manifest = try AndroidManifest.parse(document.bytes())
        #expect(manifest.versionCode == .int(7))
        #expect(manifest.versionName == .string("9.9"))
        #expect(manifest.package == "com.obf")
        #expect(!codes(manifest).contains("axml.attribute-by-name"))
    }

    @Test func attributeByNameOnlyWithoutResourceID() throws {
        var document = W.manifest(
            children: W.element(
                "uses-sdk",
                [
                    A.android("minSdkVersion", nil, int: 19),
                    // Without the android namespace the name means nothing.
                    A(ns: nil, name: "targetSdkVersion", id: nil, raw: nil, type: 0x10, data: 30),
                ]))
        document.includeResourceMap = false
        let manifest = try AndroidManifest.parse(document.bytes())
        #expect(manifest.versionCode == .int(42))
        #expect(manifest.minSdkVersion == .int(19))
        #expect(manifest.targetSdkVersion == nil)
        #expect(codes(manifest).contains("axml.attribute-by-name"))
    }

    @Test func packageNeedsNoNamespace() throws {
        let document = W.XMLDocument([
            .start(
                name: "manifest",
                attributes: [A(ns: W.androidNamespace, name: "package", id: nil, raw: "fake", type: 0x03, data: 0)]),
            .end(name: "manifest"),
        ])
        #expect(try AndroidManifest.parse(document.bytes()).package == nil)
    }

    @Test func rawValueWinsForStrings() throws {
        var attribute = A.android("versionName", W.ID.versionName, string: "raw")
        attribute.typedString = "typed"
        let document = W.XMLDocument([.start(name: "manifest", attributes: [attribute]), .end(name: "manifest")])
        #expect(try AndroidManifest.parse(document.bytes()).versionName == .string("raw"))
    }

    @Test func shiftedAttributeStartAndSize() throws {
        let document = W.XMLDocument([
            .start(
                name: "manifest",
                attributes: [
                    .plain("package", string: "com.shifted"), .android("versionCode", W.ID.versionCode, int: 5),
                ],
                attributeStart: 36, attributeSize: 28),
            .end(name: "manifest"),
        ])
        let manifest = try AndroidManifest.parse(document.bytes())
        #expect(manifest.package == "com.shifted")
        #expect(manifest.versionCode == .int(5))
    }

    @Test func attributesPastTheNodeAreDropped() throws {
        var bytes = W.XMLDocument([
            .start(name: "manifest", attributes: [.plain("package", string: "com.cut")]), .end(name: "manifest"),
        ]).bytes()
        // Claim three attributes where one fits.
        guard let start = bytes.firstRange(of: W.u16(0x0102) + W.u16(16)) else {
            Issue.record("no start element")
            return
        }
        bytes[start.lowerBound + 16 + 12] = 3
        let manifest = try AndroidManifest.parse(bytes)
        #expect(manifest.package == "com.cut")
        #expect(codes(manifest).contains("axml.bad-attribute"))
    }

    @Test func elementPathDecidesWhatCounts() throws {
        let permission = { (name: String) in W.element("uses-permission", [A.android("name", W.ID.name, string: name)])
        }
        let meta = { (name: String) in W.element("meta-data", [A.android("name", W.ID.name, string: name)]) }
        let document = W.manifest(
            children: permission("top.LEVEL")
                + meta("outside.application")
                + W.element("uses-sdk", [A.android("minSdkVersion", W.ID.minSdkVersion, int: 15)])
                + W.element(
                    "application", [A.android("label", W.ID.label, string: "First")],
                    children: permission("in.APPLICATION") + meta("first.app")
                        + W.element("activity", [], children: meta("in.activity"))
                        + W.element("uses-sdk", [A.android("minSdkVersion", W.ID.minSdkVersion, int: 99)]))
                + W.element(
                    "application", [A.android("label", W.ID.label, string: "Second")], children: meta("second.app"))
                + W.element("permission", [A.android("name", W.ID.name, string: "declared.NOT_USED")]))
        let manifest = try AndroidManifest.parse(document.bytes())
        #expect(manifest.permissions == ["top.LEVEL"])
        #expect(manifest.metaData.map(\.name) == ["first.app"])
        #expect(manifest.minSdkVersion == .int(15))
        #expect(manifest.applicationLabel == .string("First"))
        #expect(codes(manifest).contains("axml.duplicate-application"))
    }

    @Test func onlyTheFirstManifestRootCounts() throws {
        var nodes = W.manifest(package: "com.first").nodes
        nodes +=
            W.manifest(
                package: "com.second",
                children: W.element("uses-permission", [A.android("name", W.ID.name, string: "x.Y")])
            ).nodes
        let manifest = try AndroidManifest.parse(W.XMLDocument(nodes).bytes())
        #expect(manifest.package == "com.first")
        #expect(manifest.permissions.isEmpty)
        #expect(codes(manifest).contains("axml.duplicate-manifest"))
    }

    @Test func firstElementMustBeManifest() {
        let document = W.XMLDocument(W.element("LinearLayout", [A.android("name", W.ID.name, string: "x")]))
        #expect(throws: ParseError.self) { try AndroidManifest.parse(document.bytes()) }
        #expect(throws: ParseError.self) { try AndroidManifest.parse([]) }
        #expect(throws: ParseError.self) { try AndroidManifest.parse(W.chunk(type: 3, body: [])) }
    }

    @Test func headerLiesAreTolerated() throws {
        var wrongType = W.manifest()
        wrongType.fileType = 0x0000
        #expect(try AndroidManifest.parse(wrongType.bytes()).package == "com.example.app")

        var tooLarge = W.manifest()
        tooLarge.declaredSize = 0x4242_4242
        let large = try AndroidManifest.parse(tooLarge.bytes())
        #expect(large.package == "com.example.app")
        #expect(codes(large).contains("axml.bad-size"))

        // A declared size that cuts the document: the platform stops there; with nothing left we read on.
        var tooSmall = W.manifest()
        tooSmall.declaredSize = 8
        #expect(try AndroidManifest.parse(tooSmall.bytes()).package == "com.example.app")
    }

    @Test func trailingBytesAfterDeclaredSizeAreIgnored() throws {
        let good = W.manifest().bytes()
        let hidden = W.XMLDocument(W.element("uses-permission", [A.android("name", W.ID.name, string: "hidden.P")]))
        let manifest = try AndroidManifest.parse(good + Array(hidden.bytes().dropFirst(8)))
        #expect(manifest.permissions.isEmpty)
        #expect(codes(manifest).contains("axml.bad-size"))
    }

    @Test func truncationNeverTraps() throws {
        let full = W.manifest(
            children: W.element(
                "uses-permission", [A.android("name", W.ID.name, string: "android.permission.INTERNET")])
                + W.element("application", [A.android("label", W.ID.label, string: "L")])
        ).bytes()
        var parsed = 0
        for length in 0..<full.count {
            var cut = Array(full.prefix(length))
            // Keep the declared size honest too, so both kinds of truncation are covered.
            if length >= 8, length % 2 == 0 { cut.replaceSubrange(4..<8, with: W.u32(UInt32(length))) }
            if let manifest = try? AndroidManifest.parse(cut) {
                parsed += 1
                #expect(manifest.package == nil || manifest.package == "com.example.app")
            }
        }
        #expect(parsed > 0)
        // Cut inside the last end tags: everything before is still there.
        let manifest = try AndroidManifest.parse(Array(full.prefix(full.count - 30)))
        #expect(manifest.permissions == ["android.permission.INTERNET"])
    }

    @Test func randomCorruptionNeverTraps() {
        let full = W.manifest(
            children: W.element(
                "uses-permission", [A.android("name", W.ID.name, string: "android.permission.INTERNET")])
        ).bytes()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var bytes = full
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            _ = try? AndroidManifest.parse(bytes)
        }
    }

    @Test func elementLimitStopsTheWalk() throws {
        var limits = Limits()
        limits.maxXMLNodes = 2
        let document = W.manifest(
            children: W.element("uses-permission", [A.android("name", W.ID.name, string: "a.A")])
                + W.element("uses-permission", [A.android("name", W.ID.name, string: "b.B")]))
        let manifest = try AndroidManifest.parse(document.bytes(), limits: limits)
        #expect(manifest.permissions == ["a.A"])
        #expect(codes(manifest).contains("axml.node-limit"))
    }

    @Test func typedValuesAndLiteralText() throws {
        let document = W.manifest(
            children: W.element(
                "application", [],
                children: W.element(
                    "meta-data",
                    [
                        A.android("name", W.ID.name, string: "b"),
                        A.android("value", W.ID.value, type: 0x12, data: 0xFFFF_FFFF),
                    ])
                    + W.element(
                        "meta-data",
                        [
                            A.android("name", W.ID.name, string: "h"),
                            A.android("value", W.ID.value, type: 0x11, data: 0xFFFF_FFFE),
                        ])
                    + W.element(
                        "meta-data",
                        [
                            A.android("name", W.ID.name, string: "f"),
                            A.android("value", W.ID.value, type: 0x04, data: 0x3FC0_0000),
                        ])
                    + W.element(
                        "meta-data",
                        [
                            A.android("name", W.ID.name, string: "a"),
                            A.android("value", W.ID.value, type: 0x02, data: 0x0101_0036),
                        ])))
        let values = try AndroidManifest.parse(document.bytes()).metaData.map(\.value)
        #expect(values == [.bool(true), .int(-2), .float(1.5), .attribute(0x0101_0036)])
        #expect(values.map { $0?.literalText } == ["-1", "-2", "0x3fc00000", nil])
        #expect(ResValue.string("x").literalText == "x")
        #expect(ResValue.int(16).literalText == "16")
        #expect(ResValue.reference(0x7f01_0000).literalText == nil)
    }

    @Test func allStringsListsThePool() {
        let strings = AndroidManifest.allStrings(W.manifest(package: "苏ICP备2026036865号-1X").bytes())
        #expect(strings.contains("苏ICP备2026036865号-1X"))
        #expect(strings.contains("versionCode"))
    }
}

// MARK: - Corpus

/// Runs a program and returns its exit status and standard output.
private func runTool(_ path: String, _ arguments: [String]) -> (status: Int32, output: Data) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return (-1, Data()) }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, output)
}

private enum AndroguardCorpus {
    static let root = "/usr/share/doc/androguard/examples"
    static let unzip = "/usr/bin/unzip"
    static let aapt = "/usr/bin/aapt"
    static var available: Bool {
        FileManager.default.fileExists(atPath: root) && FileManager.default.isExecutableFile(atPath: unzip)
    }

    static func apks() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".apk") }.sorted().map { "\(root)/\($0)" }
    }

    static func entry(_ apk: String, _ name: String) -> [UInt8]? {
        let (status, output) = runTool(unzip, ["-p", apk, name])
        return status == 0 && !output.isEmpty ? [UInt8](output) : nil
    }

    /// `aapt dump badging` output lines, or nil when aapt is not installed.
    static func badging(_ apk: String) -> [String]? {
        guard FileManager.default.isExecutableFile(atPath: aapt) else { return nil }
        let (_, output) = runTool(aapt, ["dump", "badging", apk])
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    static func quoted(_ line: String, after prefix: String) -> String? {
        guard line.hasPrefix(prefix) else { return nil }
        let rest = line.dropFirst(prefix.count)
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }
}

@Suite(.enabled(if: AndroguardCorpus.available, "needs androguard examples and unzip"))
struct BinaryXMLCorpusTests {
    /// Packages aapt reports for androguard's deliberately broken manifests (aapt refuses
    /// WrongFilesize, whose header claims 1 GB; the data is intact, so we read it).
    static let axmlSamples: [(String, String?)] = [
        ("AndroidManifest-Chinese.xml", "com.hotel"),
        ("AndroidManifest-xmlns.xml", "com.real.RealPlayer"),
        ("AndroidManifest.xml", "org.t0t0.androguard.TC"),
        ("AndroidManifestDoubleNamespace.xml", "com.tencent.weread"),
        ("AndroidManifestExtraNamespace.xml", "com.shopgate.android.app13182"),
        ("AndroidManifestLiapp.xml", "kc.dotoritv.android.air"),
        ("AndroidManifestMaskingNamespace.xml", "com.primedia.apartmentguide"),
        ("AndroidManifestNonZeroStyle.xml", "co.download.video"),
        ("AndroidManifestNullbytes.xml", "com.ditc.automobilityxxxxxxxxxxxx"),
        ("AndroidManifestTextChunksXML.xml", "com.tslstudio.tsladsudoku"),
        ("AndroidManifestUTF8Strings.xml", "com.easylocker.bbottles.zt"),
        ("AndroidManifestWithComment.xml", "com.zxfxxx660.sucruri"),
        ("AndroidManifestWrongFilesize.xml", "com.swampy.sexpos"),
        ("AndroidManifest_InvalidCharsInAttribute.xml", "com.chaozhuo.gameassistant"),
        ("AndroidManifest_NamespaceInAttributeName.xml", "jyiaivi.ohduxbbylb"),
        ("AndroidManifest_NamespaceInAttributeName2.xml", "com.car2go"),
        ("AndroidManifest_StringNotTerminated.xml", "com.swampy.sexpos"),
        ("AndroidManifest_WrongChunkStart.xml", "com.zxfxxx160.sucruri55633254"),
        // Layouts, not manifests: aapt says "manifest does not start with <manifest> tag".
        ("test.xml", nil), ("test1.xml", nil), ("test2.xml", nil), ("test3.xml", nil),
    ]

    @Test(arguments: axmlSamples)
    func androguardBrokenManifests(file: String, package: String?) throws {
        let path = "\(AndroguardCorpus.root)/axml/\(file)"
        guard let data = FileManager.default.contents(atPath: path) else { return }
        if let package {
            let manifest = try AndroidManifest.parse([UInt8](data))
            #expect(manifest.package == package)
            #expect(manifest.versionCode != nil)
        } else {
            #expect(throws: ParseError.self) { try AndroidManifest.parse([UInt8](data)) }
        }
    }

    @Test func everyAPKMatchesAapt() throws {
        let started = Date()
        var seen: Set<[UInt8]> = []
        var compared = 0
        var labels = 0
        for apk in AndroguardCorpus.apks() {
            guard let bytes = AndroguardCorpus.entry(apk, "AndroidManifest.xml") else { continue }
            let manifest = try? AndroidManifest.parse(bytes)
            #expect(manifest != nil, "\(apk)")
            // The ~300 apksig vectors share a handful of manifests: ask aapt once per distinct one.
            guard seen.insert(bytes).inserted, let lines = AndroguardCorpus.badging(apk) else { continue }
            guard let expected = lines.lazy.compactMap({ AndroguardCorpus.quoted($0, after: "package: name='") }).first
            else { continue }
            #expect(manifest?.package == expected, "\(apk)")
            compared += 1

            guard
                let expectedLabel = lines.lazy.compactMap({ AndroguardCorpus.quoted($0, after: "application-label:'") })
                    .first,
                !expectedLabel.contains("\\")
            else { continue }
            switch manifest?.applicationLabel {
            case .string(let label):
                #expect(label == expectedLabel, "\(apk)")
            case .reference(let id):
                guard let arsc = AndroguardCorpus.entry(apk, "resources.arsc") else { continue }
                let table = try ResourceTable(bytes: arsc)
                #expect(table.resolveString(id) == expectedLabel, "\(apk)")
                // aapt prints a line for every locale of the table; the ones we report must agree.
                for (locale, text) in table.localizedStrings(id) where !text.contains("'") && !text.contains("\"") {
                    let line = "application-label-\(locale):'\(text)'"
                    #expect(lines.contains(line), "\(apk): \(line)")
                }
            default:
                Issue.record("\(apk): no label, aapt says \(expectedLabel)")
            }
            labels += 1
        }
        if FileManager.default.isExecutableFile(atPath: AndroguardCorpus.aapt) {
            #expect(compared >= 15)
            #expect(labels >= 10)
        }
        #expect(Date().timeIntervalSince(started) < 30)
    }
}
