import Foundation
import PresetScanCore
import PresetScanFiling
import PresetScanUnpack
import Testing

@testable import PresetScanApps

/// The filing-number search on `Samples/apk/filing.apk`, whose planted numbers are listed in
/// `Samples/README.md`: each must be found with its source, and nothing else.
struct FilingSearchTests {
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/apk")

    static func read(_ name: String, limits: Limits = .default) throws -> AppRecord {
        let path = samples.appendingPathComponent(name).path
        return APKReader.read(source: try FileByteSource(path: path), location: Location(path: name), limits: limits)
    }

    /// canonical, kind, valid, sources (source, raw).
    struct Planted: Sendable, CustomTestStringConvertible {
        var canonical: String
        var kind: FilingNumber.Kind
        var valid: Bool
        var sources: [(String, String)]
        var testDescription: String { canonical }

        init(_ canonical: String, _ kind: FilingNumber.Kind, _ valid: Bool, _ sources: [(String, String)]) {
            self.canonical = canonical
            self.kind = kind
            self.valid = valid
            self.sources = sources
        }
    }

    static let planted: [Planted] = [
        .init("沪ICP备2024012345号-1A", .app, true, [("AndroidManifest.xml:meta-data/icp_number", "沪ICP备2024012345号-1A")]),
        .init("京ICP备2023012345号-2A", .app, true, [
            ("resources.arsc:string/icp_number", "京ICP备2023012345号-2A"),
            ("resources.arsc:string/icp_number[zh-CN]", "京ICP备２０２３０１２３４５号－２Ａ"),
        ]),
        .init("粤ICP备2022054321号-3A", .app, true, [("assets/about.html", "粤ICP备2022054321号-3A")]),
        .init("粤ICP备12345678号", .website, false, [("assets/about.html", "粤ICP备12345678号")]),
        .init("浙ICP备2021003456号-1X", .app, true, [("assets/app.js", "浙ICP备2021003456号-1X")]),
        .init("蜀ICP备2020020202号-1A", .app, true, [("assets/config.json", "川ICP备2020020202号-1A")]),
        .init("京ICP证030173号", .icpLicence, false, [("assets/notice.txt", "京ICP证030173号")]),
        .init("京B2-20150033", .valueAddedLicence, false, [("assets/notice.txt", "京B2-20150033")]),
        .init("京公网安备11010502030143号", .policeFiling, false, [("assets/notice.txt", "京公网安备11010502030143号")]),
        .init("京ICP备2009012345号-01A", .app, false, [("assets/notice.txt", "京ICP备2009012345号-01A")]),
        .init("闽ICP备2024000111号-3A", .app, true, [("classes.dex", "闽ICP备2024000111号-3A")]),
        .init("鄂ICP备2021002021号-4K", .app, true, [("lib/arm64-v8a/libx.so", "鄂ICP备2021002021号-4K")]),
        .init("湘ICP备2012000012号-1A", .app, true, [("lib/arm64-v8a/libx.so", "湘ICP备2012000012号-1A")]),
    ]

    @Test(arguments: planted)
    func everyPlantedNumberIsFoundWithItsSource(_ p: Planted) throws {
        let record = try Self.read("filing.apk")
        let found = try #require(record.filingNumbers.first { $0.canonical == p.canonical }, "\(p.canonical) not found")
        #expect(found.kind == p.kind)
        #expect(found.valid == p.valid)
        #expect(found.sources.map(\.source) == p.sources.map(\.0))
        #expect(found.sources.map(\.raw) == p.sources.map(\.1))
        #expect(found.raw == p.sources.first?.1)
    }

    @Test func nothingElseIsFound() throws {
        let record = try Self.read("filing.apk")
        #expect(record.filingNumbers.map(\.canonical) == Self.planted.map(\.canonical).sorted())
        #expect(record.warnings.isEmpty)
        #expect(record.errors.isEmpty)
    }

    @Test func lookAlikesAreClassifiedNotCounted() throws {
        let record = try Self.read("filing.apk")
        let valid = record.filingNumbers.filter(\.valid)
        #expect(valid.allSatisfy { $0.kind == .app })
        #expect(valid.count == 8)
        let kinds = Dictionary(grouping: record.filingNumbers, by: \.kind).mapValues(\.count)
        #expect(kinds == [.app: 9, .website: 1, .icpLicence: 1, .valueAddedLicence: 1, .policeFiling: 1])
        let malformed = try #require(record.filingNumbers.first { $0.kind == .app && !$0.valid })
        #expect(malformed.problems == [.badYear, .leadingZero])
    }

    @Test func variantsKeepTheirProblems() throws {
        let record = try Self.read("filing.apk")
        let fullWidth = try #require(record.filingNumbers.first { $0.canonical == "京ICP备2023012345号-2A" })
        #expect(fullWidth.problems == [.fullWidth])
        let historic = try #require(record.filingNumbers.first { $0.canonical == "蜀ICP备2020020202号-1A" })
        #expect(historic.problems == [.historicAbbreviation])
    }

    @Test func helloCarriesOnlyItsMetaDataNumber() throws {
        let record = try Self.read("hello.apk")
        #expect(record.filingNumbers.map(\.canonical) == ["京ICP备2023012345号-1A"])
        #expect(record.filingNumbers.first?.sources.map(\.source) == ["AndroidManifest.xml:meta-data/icp_number"])
    }

    @Test func anEntryOverTheLimitIsSkippedWithAWarning() throws {
        var limits = Limits()
        limits.maxFilingSearchEntryBytes = 200
        let record = try Self.read("filing.apk", limits: limits)
        // classes.dex (256 bytes) is skipped; the 170-byte library is still searched.
        #expect(!record.filingNumbers.contains { $0.canonical == "闽ICP备2024000111号-3A" })
        #expect(record.filingNumbers.contains { $0.canonical == "湘ICP备2012000012号-1A" })
        let warning = try #require(
            record.warnings.first { $0.code == "filing.search-limit" && $0.message.hasPrefix("classes.dex") })
        #expect(warning.message == "classes.dex: 256 bytes, not searched for filing numbers (limit 200)")
        #expect(warning.location == Location(path: "filing.apk"))
    }

    @Test func thePackageBudgetStopsTheSearchWithAWarning() throws {
        var limits = Limits()
        limits.maxFilingSearchPackageBytes = 1000
        let record = try Self.read("filing.apk", limits: limits)
        // resources.arsc (924 bytes) and config.json (66) fit; the rest does not.
        #expect(record.filingNumbers.contains { $0.canonical == "京ICP备2023012345号-2A" })
        let searched = Set(record.filingNumbers.flatMap(\.sources).map(\.source))
        #expect(searched.isSuperset(of: ["assets/config.json", "resources.arsc:string/icp_number"]))
        #expect(searched.isDisjoint(with: ["assets/about.html", "classes.dex", "lib/arm64-v8a/libx.so"]))
        let warning = try #require(record.warnings.first { $0.code == "filing.search-limit" })
        #expect(warning.message.hasSuffix("not searched: assets/about.html, assets/app.js, assets/notice.txt, classes.dex, lib/arm64-v8a/libx.so"))
        #expect(record.filingNumbers.contains { $0.canonical == "沪ICP备2024012345号-1A" })
    }

    @Test(arguments: [
        ("classes.dex", FilingSearch.EntryKind.dex), ("classes12.dex", .dex), ("lib/arm64-v8a/libx.so", .nativeLibrary),
        ("assets/index.android.bundle", .textAsset), ("assets/flutter_assets/NOTICES.txt", .textAsset),
        ("assets/www/index.HTML", .textAsset), ("assets/config.properties", .textAsset),
    ])
    func searchedEntries(_ row: (String, FilingSearch.EntryKind)) {
        #expect(FilingSearch.kind(of: row.0) == row.1)
    }

    @Test(arguments: [
        "assets/logo.png", "assets/", "lib/libx.so", "lib/arm64-v8a/sub/libx.so", "res/raw/notice.txt",
        "dex/classes.dex", "AndroidManifest.xml", "resources.arsc", "META-INF/MANIFEST.MF",
    ])
    func otherEntriesAreNotSearched(_ name: String) {
        #expect(FilingSearch.kind(of: name) == nil)
    }

    @Test func dexStringDataIsTheStringTable() throws {
        let apk = try ZipArchive(source: try FileByteSource(path: Self.samples.appendingPathComponent("filing.apk").path))
        let dex = try archiveData(apk, "classes.dex")
        let range = try #require(DexStringData.range(in: dex))
        let text = String(decoding: dex[range], as: UTF8.self)
        #expect(text.contains("ICPClient"))
        #expect(dex[range.upperBound - 1] == 0)
        #expect(DexStringData.range(in: Array(dex.prefix(0x70))) == nil)
        #expect(DexStringData.range(in: Array("not a dex file at all, but long enough to hold a header".utf8)) == nil)
        var broken = dex
        broken[0x3C] = 0xFF  // string_ids_off past the end
        #expect(DexStringData.range(in: broken) == nil)
    }

    /// resources.arsc is searched outside its type and type-spec chunks only; a table whose
    /// chunks cannot be walked is searched whole.
    @Test func resourceTextRangesSkipOnlyTypeChunks() throws {
        let apk = try ZipArchive(source: try FileByteSource(path: Self.samples.appendingPathComponent("filing.apk").path))
        let arsc = try archiveData(apk, "resources.arsc")
        let ranges = arsc.withUnsafeBytes { ResourceTextRanges.ranges(in: $0) }
        #expect(ranges.first?.lowerBound == 0)
        // The gaps are the skipped chunks: each starts with RES_TABLE_TYPE_TYPE or _SPEC_TYPE.
        let starts = ranges.map(\.upperBound)
        let ends = ranges.dropFirst().map(\.lowerBound) + [arsc.count]
        var skipped = 0
        for (start, end) in zip(starts, ends) where start < end {
            let type = UInt16(arsc[start]) | UInt16(arsc[start + 1]) << 8
            #expect(type == 0x0201 || type == 0x0202)
            skipped += end - start
        }
        #expect(skipped > 0)
        // The global string pool (RES_STRING_POOL_TYPE right after the 12-byte table header) is searched.
        #expect(arsc[12] == 0x01 && arsc[13] == 0x00)
        #expect(ranges[0].upperBound > 12)

        for broken in [Array(arsc.prefix(10)), Array(arsc.dropFirst(4)), arsc.enumerated().map { $0.offset == 0 ? 0x03 : $0.element }] {
            #expect(broken.withUnsafeBytes { ResourceTextRanges.ranges(in: $0) } == [0..<broken.count])
        }
    }

    private func archiveData(_ archive: ZipArchive, _ name: String) throws -> [UInt8] {
        let entry = try #require(archive.entry(named: name))
        return try archive.data(of: entry)
    }

    @Test func mutatedFilingSampleNeverTraps() throws {
        let original = try FileByteSource(path: Self.samples.appendingPathComponent("filing.apk").path).readAll()
        var rng = SplitMix64(state: 0x5EED)
        for round in 0..<200 {
            var bytes = original
            for _ in 0..<(1 + round % 6) {
                let i = Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] = UInt8.random(in: 0...255, using: &rng)
            }
            let record = APKReader.read(source: MemoryByteSource(bytes), location: Location(path: "mutant-\(round)"))
            #expect(record.package != nil || !record.errors.isEmpty)
            for number in record.filingNumbers { #expect(!number.sources.isEmpty) }
        }
    }
}
