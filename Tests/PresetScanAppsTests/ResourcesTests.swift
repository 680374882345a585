import PresetScanCore
import Testing

@testable import PresetScanApps

private typealias W = ResourceChunkWriter

@Suite struct ResourcesTests {
    static let string: UInt8 = 0x03
    static let reference: UInt8 = 0x01

    /// A table with package 0x7f, types `string` (1) and `drawable` (2); `stringTypes` are the
    /// ResTable_type chunks of type 1.
    private func table(
        globals: [String], keys: [String] = ["app_name", "other", "third"], stringTypes: [[UInt8]],
        utf8: Bool = false, extraPackageChunks: [[UInt8]] = [], extraTableChunks: [[UInt8]] = []
    ) throws -> ResourceTable {
        let package = W.packageChunk(
            name: "com.example.app", types: ["string", "drawable"], keys: keys,
            chunks: [W.typeSpecChunk(id: 1, entryCount: keys.count)] + extraPackageChunks + stringTypes)
        return try ResourceTable(
            bytes: W.table(strings: globals, utf8: utf8, packages: [package], extra: extraTableChunks))
    }

    private func stringEntry(_ key: UInt32, _ global: UInt32) -> [UInt8] {
        W.entry(key: key, type: Self.string, data: global)
    }

    @Test(arguments: [false, true])
    func resolvesDefaultAndLocalizedStrings(utf8: Bool) throws {
        let table = try table(
            globals: ["Default", "简体", "繁體", "中文", "English", "Canadien", "Hans"],
            stringTypes: [
                W.typeChunk(id: 1, config: W.config(), entries: [stringEntry(0, 0)]),
                W.typeChunk(id: 1, config: W.config(language: "zh", region: "CN"), entries: [stringEntry(0, 1)]),
                W.typeChunk(id: 1, config: W.config(language: "zh", region: "TW"), entries: [stringEntry(0, 2)]),
                W.typeChunk(id: 1, config: W.config(language: "zh"), entries: [stringEntry(0, 3)]),
                W.typeChunk(id: 1, config: W.config(language: "en"), entries: [stringEntry(0, 4)]),
                W.typeChunk(id: 1, config: W.config(language: "fr", region: "CA"), entries: [stringEntry(0, 5)]),
                W.typeChunk(
                    id: 1, config: W.config(language: "zh", region: "CN", script: "Hans"), entries: [stringEntry(0, 6)]),
                // Older tools wrote shorter configs; a locale in a 28-byte config still counts.
                W.typeChunk(id: 1, config: W.config(language: "de", size: 28), entries: [stringEntry(0, 4)]),
            ],
            utf8: utf8)
        #expect(table.resolveString(0x7f01_0000) == "Default")
        #expect(
            table.localizedStrings(0x7f01_0000) == [
                "zh-CN": "简体", "zh-TW": "繁體", "zh": "中文", "en": "English", "fr-CA": "Canadien",
                "zh-Hans-CN": "Hans", "de": "English",
            ])
        #expect(table.resourceName(0x7f01_0000) == "string/app_name")
        #expect(table.resolveString(0x7f01_0001) == nil)
        #expect(table.resolveString(0x7f09_0000) == nil)
        #expect(table.resolveString(0x0101_0000) == nil)
        #expect(table.warnings.isEmpty)
    }

    @Test func packedThreeLetterLanguageAndNumericRegion() throws {
        let table = try table(
            globals: ["Filipino", "Latinoamérica"],
            stringTypes: [
                W.typeChunk(id: 1, config: W.config(language: "fil", region: "PH"), entries: [stringEntry(0, 0)]),
                W.typeChunk(id: 1, config: W.config(language: "es", region: "419"), entries: [stringEntry(0, 1)]),
            ])
        #expect(table.localizedStrings(0x7f01_0000) == ["fil-PH": "Filipino", "es-419": "Latinoamérica"])
    }

    @Test func mostGenericDefaultConfigWins() throws {
        let table = try table(
            globals: ["night", "v21", "plain", "hdpi", "xhdpi", "mcc"],
            stringTypes: [
                W.typeChunk(
                    id: 1, config: W.config(uiMode: 0x20),
                    entries: [stringEntry(0, 0), stringEntry(1, 0), stringEntry(2, 0)]),
                W.typeChunk(id: 1, config: W.config(sdkVersion: 21), entries: [stringEntry(0, 1), stringEntry(1, 1)]),
                W.typeChunk(id: 1, config: W.config(), entries: [stringEntry(0, 2)]),
                W.typeChunk(id: 1, config: W.config(density: 320), entries: [nil, nil, stringEntry(2, 4)]),
                W.typeChunk(id: 1, config: W.config(density: 240), entries: [nil, nil, stringEntry(2, 3)]),
            ])
        // The all-default config beats v21 and night mode.
        #expect(table.resolveString(0x7f01_0000) == "plain")
        // Without it, aapt's device (sdk 10000, not night) takes v21.
        #expect(table.resolveString(0x7f01_0001) == "v21")
        // Between densities, aapt's mdpi device prefers scaling hdpi down over xhdpi.
        #expect(table.resolveString(0x7f01_0002) == "hdpi")
    }

    @Test func localeWithDensityVariantsPrefersThePlainOne() throws {
        let table = try table(
            globals: ["dense", "plain"],
            stringTypes: [
                W.typeChunk(id: 1, config: W.config(language: "fr", density: 480), entries: [stringEntry(0, 0)]),
                W.typeChunk(id: 1, config: W.config(language: "fr"), entries: [stringEntry(0, 1)]),
            ])
        #expect(table.localizedStrings(0x7f01_0000) == ["fr": "plain"])
    }

    @Test func onlyLocalizedValuesFallBackLikeAapt() throws {
        // aapt prints no application-label: line, and `application: label=` shows the first
        // non-empty value in locale order.
        let table = try table(
            globals: ["", "Bonjour", "你好"],
            stringTypes: [
                W.typeChunk(id: 1, config: W.config(), entries: [stringEntry(0, 0)]),
                W.typeChunk(
                    id: 1, config: W.config(language: "zh", region: "CN"),
                    entries: [stringEntry(0, 2), stringEntry(1, 2)]),
                W.typeChunk(id: 1, config: W.config(language: "fr"), entries: [stringEntry(0, 1), stringEntry(1, 1)]),
            ])
        #expect(table.resolveString(0x7f01_0000) == "Bonjour")
        #expect(table.resolveString(0x7f01_0001) == "Bonjour")
        #expect(table.localizedStrings(0x7f01_0000) == ["fr": "Bonjour", "zh-CN": "你好"])
    }

    @Test func referencesAreFollowedPerLocale() throws {
        let table = try table(
            globals: ["Default", "Français"],
            stringTypes: [
                W.typeChunk(
                    id: 1, config: W.config(),
                    entries: [W.entry(key: 0, type: Self.reference, data: 0x7f01_0001), stringEntry(1, 0)]),
                W.typeChunk(id: 1, config: W.config(language: "fr"), entries: [nil, stringEntry(1, 1)]),
            ])
        #expect(table.resolveString(0x7f01_0000) == "Default")
        // The French value of the label is the French value of what it points at.
        #expect(table.localizedStrings(0x7f01_0001) == ["fr": "Français"])
    }

    /// A chain where entry i refers to entry i+1 and the last holds a string.
    private func chain(length: Int, cyclic: Bool = false) throws -> ResourceTable {
        var entries: [[UInt8]?] = []
        for index in 0..<length {
            if index == length - 1 {
                entries.append(cyclic ? W.entry(key: 0, type: Self.reference, data: 0x7f01_0000) : stringEntry(0, 0))
            } else {
                entries.append(W.entry(key: 0, type: Self.reference, data: 0x7f01_0000 + UInt32(index + 1)))
            }
        }
        return try table(
            globals: ["end"], keys: ["k"], stringTypes: [W.typeChunk(id: 1, config: W.config(), entries: entries)])
    }

    @Test func referenceChainsStopAtTwentyLookups() throws {
        #expect(try chain(length: 20).resolveString(0x7f01_0000) == "end")
        #expect(try chain(length: 21).resolveString(0x7f01_0000) == nil)
        #expect(try chain(length: 21).resolveString(0x7f01_0001) == "end")
        #expect(try chain(length: 3, cyclic: true).resolveString(0x7f01_0000) == nil)
        let twoHops = W.table(
            strings: ["end"],
            packages: [
                W.packageChunk(
                    name: "p", types: ["string"], keys: ["k"],
                    chunks: [
                        W.typeChunk(
                            id: 1, config: W.config(),
                            entries: [W.entry(key: 0, type: Self.reference, data: 0x7f01_0001), stringEntry(0, 0)])
                    ])
            ])
        var limits = Limits()
        limits.maxReferenceDepth = 2
        #expect(try ResourceTable(bytes: twoHops, limits: limits).resolveString(0x7f01_0000) == "end")
        limits.maxReferenceDepth = 1
        #expect(try ResourceTable(bytes: twoHops, limits: limits).resolveString(0x7f01_0000) == nil)
    }

    @Test(arguments: [(true, false), (false, true)])
    func sparseAndOffset16TypeChunks(sparse: Bool, offset16: Bool) throws {
        var entries: [[UInt8]?] = Array(repeating: nil, count: 300)
        entries[0] = stringEntry(0, 0)
        entries[7] = stringEntry(1, 1)
        entries[299] = stringEntry(2, 2)
        let table = try table(
            globals: ["zero", "seven", "last"], keys: ["a", "b", "c"],
            stringTypes: [W.typeChunk(id: 1, config: W.config(), entries: entries, sparse: sparse, offset16: offset16)])
        #expect(table.resolveString(0x7f01_0000) == "zero")
        #expect(table.resolveString(0x7f01_0007) == "seven")
        #expect(table.resolveString(0x7f01_012b) == "last")
        #expect(table.resolveString(0x7f01_0008) == nil)
        #expect(table.resolveString(0x7f01_012c) == nil)
        #expect(table.resourceName(0x7f01_0007) == "string/b")
    }

    @Test func compactAndComplexEntries() throws {
        let table = try table(
            globals: ["compact"],
            stringTypes: [
                W.typeChunk(
                    id: 1, config: W.config(),
                    entries: [W.compactEntry(key: 1, type: Self.string, data: 0), W.complexEntry(key: 2)])
            ])
        #expect(table.resolveString(0x7f01_0000) == "compact")
        #expect(table.resourceName(0x7f01_0000) == "string/other")
        #expect(table.resolveString(0x7f01_0001) == nil)
        #expect(table.resourceName(0x7f01_0001) == "string/third")
    }

    @Test func unknownChunksAreSkipped() throws {
        let table = try table(
            globals: ["ok"],
            stringTypes: [W.typeChunk(id: 1, config: W.config(), entries: [stringEntry(0, 0)])],
            extraPackageChunks: [
                W.chunk(type: 0x0203, header: W.u32(0), body: []), W.chunk(type: 0x02ff, body: [0, 0, 0, 0]),
            ],
            extraTableChunks: [W.chunk(type: 0x0999, body: [1, 2, 3, 4])])
        #expect(table.resolveString(0x7f01_0000) == "ok")
        #expect(table.warnings.filter { $0.code == "arsc.unknown-chunk" }.count == 2)
    }

    @Test func badGlobalStringLosesOnlyThatString() throws {
        var bytes = W.table(
            strings: ["one", "two"],
            packages: [
                W.packageChunk(
                    name: "p", types: ["string"], keys: ["a", "b"],
                    chunks: [W.typeChunk(id: 1, config: W.config(), entries: [stringEntry(0, 0), stringEntry(1, 1)])])
            ])
        // Global pool: table header (12) + pool header (28): first offset at 40.
        bytes.replaceSubrange(40..<44, with: W.u32(0x7fff_fff0))
        let table = try ResourceTable(bytes: bytes)
        #expect(table.resolveString(0x7f01_0000) == nil)
        #expect(table.resolveString(0x7f01_0001) == "two")
        #expect(table.allGlobalStrings().contains("two"))
    }

    @Test func entryCountLargerThanTheChunkIsClamped() throws {
        let table = try table(
            globals: ["ok"],
            stringTypes: [
                W.typeChunk(id: 1, config: W.config(), entries: [stringEntry(0, 0)], declaredEntryCount: 0x0100_0000)
            ])
        #expect(table.resolveString(0x7f01_0000) == "ok")
        #expect(table.warnings.contains { $0.code == "arsc.bad-type" })
    }

    @Test func allStringsCoversEveryPool() throws {
        let table = try table(
            globals: ["京ICP备2023012345号-2A"],
            stringTypes: [W.typeChunk(id: 1, config: W.config(), entries: [stringEntry(0, 0)])])
        let strings = table.allGlobalStrings()
        #expect(strings.contains("京ICP备2023012345号-2A"))
        #expect(strings.contains("drawable"))
        #expect(strings.contains("app_name"))
    }

    @Test func truncationAndCorruptionNeverTrap() throws {
        let full = W.table(
            strings: ["a", "b"],
            packages: [
                W.packageChunk(
                    name: "p", types: ["string"], keys: ["a", "b"],
                    chunks: [
                        W.typeChunk(id: 1, config: W.config(), entries: [stringEntry(0, 0), nil]),
                        W.typeChunk(
                            id: 1, config: W.config(language: "fr"), entries: [stringEntry(0, 1)], sparse: true),
                        W.typeChunk(
                            id: 1, config: W.config(language: "de"),
                            entries: [W.compactEntry(key: 0, type: 3, data: 1)], offset16: true),
                    ])
            ])
        func exercise(_ bytes: [UInt8]) {
            guard let table = try? ResourceTable(bytes: bytes) else { return }
            for id: UInt32 in [0x7f01_0000, 0x7f01_0001, 0x7f02_0000] {
                _ = table.resolveString(id)
                _ = table.localizedStrings(id)
                _ = table.resourceName(id)
            }
            _ = table.allGlobalStrings()
        }
        for length in 0..<full.count { exercise(Array(full.prefix(length))) }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            var bytes = full
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            exercise(bytes)
        }
        #expect(throws: ParseError.self) { try ResourceTable(bytes: [2, 0, 12]) }
    }
}
