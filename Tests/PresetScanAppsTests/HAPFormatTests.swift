import Foundation
import PresetScanCore
import PresetScanCrypto
import PresetScanUnpack
import Testing

@testable import PresetScanApps

private func u16(_ value: Int) -> [UInt8] { [UInt8(value & 0xff), UInt8(value >> 8 & 0xff)] }
private func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
private func u64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

private let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Samples")

private func sampleEntry(_ file: String, _ entry: String) throws -> [UInt8] {
    let archive = try ZipArchive(source: FileByteSource(path: samples.appendingPathComponent("hap/\(file)").path))
    return try archive.data(of: try #require(archive.entry(named: entry)))
}

/// A v1 resources.index written entry by entry (restool's layout), for what the samples do not hold.
private func indexV1(_ configs: [(params: [(UInt32, UInt32)], items: [(id: UInt32, type: UInt32, name: String, value: String)])],
                     keyCountOverride: UInt32? = nil) -> [UInt8] {
    func counted(_ text: String) -> [UInt8] { u16(text.utf8.count + 1) + Array(text.utf8) + [0] }
    let keysLength = configs.reduce(0) { $0 + 12 + 8 * $1.params.count }
    let setsLength = configs.reduce(0) { $0 + 8 + 8 * $1.items.count }
    var position = 136 + keysLength + setsLength
    var keys: [UInt8] = [], sets: [UInt8] = [], records: [UInt8] = []
    var setOffset = 136 + keysLength
    for config in configs {
        keys += Array("KEYS".utf8) + u32(UInt32(setOffset)) + u32(UInt32(config.params.count))
        keys += config.params.flatMap { u32($0.0) + u32($0.1) }
        var set = Array("IDSS".utf8) + u32(UInt32(config.items.count))
        for item in config.items {
            let data = counted(item.value) + counted(item.name)
            let record = u32(UInt32(8 + data.count)) + u32(item.type) + u32(item.id) + data
            set += u32(item.id) + u32(UInt32(position))
            records += record
            position += record.count
        }
        sets += set
        setOffset += set.count
    }
    var header = Array("Restool 4.105".utf8)
    header += [UInt8](repeating: 0, count: 128 - header.count)
    header += u32(UInt32(position)) + u32(keyCountOverride ?? UInt32(configs.count))
    return header + keys + sets + records
}

private let zh: (UInt32, UInt32) = (0, 0x7a68)
private let cn: (UInt32, UInt32) = (1, 0x434e)

struct HAPResourceIndexTests {
    @Test func v1SampleResolvesLabelsPerLocaleAndFollowsReferences() throws {
        let index = try HAP.ResourceIndex(bytes: try sampleEntry("entry-signed.hap", "resources.index"))
        #expect(index.version == "Restool 4.105")
        #expect(index.locales == ["en", "zh-CN", "zh-Hant-TW"])
        #expect(index.configs.contains { $0.others == ["dark"] && $0.localeKey == nil })
        let name = try #require(index.resource(type: .string, named: "app_name"))
        #expect(index.string(name, locale: nil) == "Harmony Notes")
        #expect(index.string(name, locale: "zh-CN") == "鸿蒙笔记")
        #expect(index.string(name, locale: "zh-Hant-TW") == "鴻蒙筆記")
        // A device in zh-Hans-CN takes the zh_CN directory; fr has none and takes base, never `dark`.
        #expect(index.string(name, locale: "zh-Hans-CN") == "鸿蒙笔记")
        #expect(index.string(name, locale: "fr") == "Harmony Notes")
        // EntryAbility_label is "$string:16777216": followed in the same locale.
        let ability = try #require(index.resource(type: .string, named: "EntryAbility_label"))
        #expect(index.string(ability, locale: "zh-CN") == "鸿蒙笔记")
        #expect(index.reference("$string:app_name")?.id == 16_777_216)
        #expect(index.reference("$string:16777216")?.name == "app_name")
        #expect(index.reference("$media:app_name") == nil)
        #expect(index.reference("plain text") == nil)
        let lines = try #require(index.resource(type: .stringArray, named: "about_lines"))
        #expect(lines.values.first?.texts == ["Harmony Notes", "闽ICP备2024000222号-4A"])
        #expect(index.warnings.isEmpty)
    }

    @Test func v2SampleReadsTheSameWay() throws {
        let index = try HAP.ResourceIndex(bytes: try sampleEntry("library.hsp", "resources.index"))
        #expect(index.version == "RestoolV2 6.1.0.003")
        #expect(index.locales == ["zh-Hans-CN"])
        let name = try #require(index.resource(type: .string, named: "app_name"))
        #expect(index.string(name, locale: nil) == "Harmony Notes")
        #expect(index.string(name, locale: "zh-Hans-CN") == "鸿蒙笔记")
        #expect(index.resource(type: .string, named: "lib_icp")?.values.first?.texts == ["蜀ICP备2020020202号-3A"])
        #expect(index.warnings.isEmpty)
    }

    @Test func referenceCyclesEndWithoutAValue() throws {
        let bytes = indexV1([(params: [], items: [(1, 9, "a", "$string:2"), (2, 9, "b", "$string:a"), (3, 9, "c", "$string:3")])])
        let index = try HAP.ResourceIndex(bytes: bytes)
        #expect(index.string(try #require(index.resources[1]), locale: nil) == nil)
        #expect(index.string(try #require(index.resources[3]), locale: nil) == nil)
    }

    @Test func localeMatchPrefersTheMostSpecificConfig() throws {
        let bytes = indexV1([
            (params: [], items: [(1, 9, "app_name", "base")]),
            (params: [zh], items: [(1, 9, "app_name", "zh")]),
            (params: [zh, cn], items: [(1, 9, "app_name", "zh-CN")]),
        ])
        let index = try HAP.ResourceIndex(bytes: bytes)
        let resource = try #require(index.resources[1])
        #expect(index.locales == ["zh", "zh-CN"])
        #expect(index.string(resource, locale: "zh-CN") == "zh-CN")
        #expect(index.string(resource, locale: "zh-TW") == "zh")
        #expect(index.string(resource, locale: "zh") == "zh")
        #expect(index.string(resource, locale: "en") == "base")
    }

    @Test func labelWithoutABaseValue() throws {
        let en: (UInt32, UInt32) = (0, 0x656e)
        let us: (UInt32, UInt32) = (1, 0x5553)
        let bytes = indexV1([
            (params: [zh, cn], items: [(1, 9, "app_name", "中文"), (2, 9, "only_zh", "仅中文")]),
            (params: [en, us], items: [(1, 9, "app_name", "English")]),
        ])
        let index = try HAP.ResourceIndex(bytes: bytes)
        let (label, labels) = HAPReader.labels(of: try #require(index.resources[1]), in: index, depth: 20)
        #expect(label == "English")
        #expect(labels == ["en-US": "English", "zh-CN": "中文"])
        let other = HAPReader.labels(of: try #require(index.resources[2]), in: index, depth: 20)
        #expect(other.label == "仅中文")
        #expect(other.labels == ["zh-CN": "仅中文"])
    }

    @Test func brokenParts() throws {
        // An id set pointing past the end loses that config only.
        var bytes = indexV1([(params: [], items: [(1, 9, "app_name", "base")]), (params: [zh], items: [(1, 9, "app_name", "zh")])])
        let secondKey = 136 + 12
        bytes.replaceSubrange(secondKey + 4..<secondKey + 8, with: u32(0xffff_0000))
        let index = try HAP.ResourceIndex(bytes: bytes)
        #expect(index.string(try #require(index.resources[1]), locale: "zh") == "base")
        #expect(index.warnings.map(\.code) == ["hap.resources-idset-unreadable"])
        // Absurd key counts, empty files and headers alone are errors, not allocations.
        #expect(throws: ParseError.self) { try HAP.ResourceIndex(bytes: indexV1([], keyCountOverride: 0xffff_ffff)) }
        #expect(throws: ParseError.self) { try HAP.ResourceIndex(bytes: []) }
        #expect(throws: ParseError.self) { try HAP.ResourceIndex(bytes: [UInt8](repeating: 0, count: 140)) }
    }

    /// Ids whose item offsets walk through one long run of text: each would decode ~16 KiB anew.
    @Test func textBudgetStopsOverlappingItems() throws {
        let count = 100_000
        var bytes = Array("Restool 4.105".utf8)
        bytes += [UInt8](repeating: 0, count: 128 - bytes.count)
        let setOffset = 136 + 12
        let textOffset = setOffset + 8 + 8 * count
        bytes += u32(UInt32(textOffset + 70_000)) + u32(1)
        bytes += Array("KEYS".utf8) + u32(UInt32(setOffset)) + u32(0)
        bytes += Array("IDSS".utf8) + u32(UInt32(count))
        for i in 0..<count { bytes += u32(UInt32(i)) + u32(UInt32(textOffset + i % 50_000)) }
        bytes += [UInt8](repeating: 0x41, count: 70_000)
        let index = try HAP.ResourceIndex(bytes: bytes)
        #expect(index.warnings.contains { $0.code == "hap.resources-limit" })
        #expect(index.warnings.count <= HAP.ResourceIndex.maxWarnings + 1)
    }

    @Test(arguments: ["entry-signed.hap", "library.hsp"])
    func everyTruncationAndFlipIsSafe(_ file: String) throws {
        let original = try sampleEntry(file, "resources.index")
        for cut in 0..<original.count {
            _ = try? HAP.ResourceIndex(bytes: Array(original[0..<cut]))
        }
        var rng = SplitMix64(state: 0x4841_5049_4E44_4558)
        for _ in 0..<400 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if let index = try? HAP.ResourceIndex(bytes: bytes) {
                for resource in index.resources.values {
                    for locale in [nil] + index.locales { _ = index.string(resource, locale: locale) }
                }
            }
        }
    }
}

struct HAPSigningBlockTests {
    /// `prefix` bytes, a block of `subBlocks`, and a fake central directory right after it.
    static func file(
        _ subBlocks: [(UInt32, [UInt8])], version: UInt32 = 3, magic: String? = nil, size: UInt64? = nil,
        count: UInt32? = nil, heads: [(UInt32, UInt32, UInt32)]? = nil, prefix: Int = 64
    ) -> (source: MemoryByteSource, cd: UInt64) {
        let headsLength = 12 * subBlocks.count
        var offset = headsLength
        var computed: [(UInt32, UInt32, UInt32)] = []
        for (type, value) in subBlocks {
            computed.append((type, UInt32(value.count), UInt32(offset)))
            offset += value.count
        }
        let body = (heads ?? computed).flatMap { u32($0.0) + u32($0.1) + u32($0.2) } + subBlocks.flatMap(\.1)
        let magicText = magic ?? (version < 3 ? "HAP Sig Block 42" : "<hap sign block>")
        let total = UInt64(body.count + 32)
        let tail = u32(count ?? UInt32(subBlocks.count)) + u64(size ?? total) + Array(magicText.utf8) + u32(version)
        let bytes = [UInt8](repeating: 0x41, count: prefix) + body + tail + [0x50, 0x4b, 0x01, 0x02]
        return (MemoryByteSource(bytes), UInt64(prefix) + total)
    }

    @Test func samplesCarryTheirBlocks() throws {
        for (name, version) in [("entry-signed.hap", UInt32(3)), ("fa-model.hap", 2), ("library.hsp", 3)] {
            let archive = try ZipArchive(source: FileByteSource(path: samples.appendingPathComponent("hap/\(name)").path))
            let block = try #require(try HAP.SigningBlock.locate(in: archive.source, centralDirectoryOffset: archive.centralDirectoryOffset))
            #expect(block.version == version)
            #expect(block.subBlocks.last?.type == HAP.SigningBlock.BlockType.signature)
            #expect(block.subBlocks.first?.type == HAP.SigningBlock.BlockType.profile)
            #expect(try block.value(of: HAP.SigningBlock.BlockType.proofOfRotation, in: archive.source) == nil)
        }
        let entry = try ZipArchive(source: FileByteSource(path: samples.appendingPathComponent("hap/entry-signed.hap").path))
        let block = try #require(try HAP.SigningBlock.locate(in: entry.source, centralDirectoryOffset: entry.centralDirectoryOffset))
        #expect(block.subBlocks.map(\.type) == [0x2000_0002, 0x2000_0003, 0x2000_0000])
        #expect(try block.value(of: HAP.SigningBlock.BlockType.property, in: entry.source) == u32(1) + Array("sample-property".utf8))
        let unsigned = try ZipArchive(source: FileByteSource(path: samples.appendingPathComponent("hap/unsigned.hap").path))
        #expect(try HAP.SigningBlock.locate(in: unsigned.source, centralDirectoryOffset: unsigned.centralDirectoryOffset) == nil)
    }

    @Test func wellFormedHandMadeBlock() throws {
        let (source, cd) = Self.file([(0x2000_0002, [1, 2, 3]), (0x2000_0000, [4, 5])], version: 2)
        let block = try #require(try HAP.SigningBlock.locate(in: source, centralDirectoryOffset: cd))
        #expect(block.offset == 64)
        let wanted: [HAP.SigningBlock.SubBlock] = [
            HAP.SigningBlock.SubBlock(type: 0x2000_0002, offset: 88, length: 3),
            HAP.SigningBlock.SubBlock(type: 0x2000_0000, offset: 91, length: 2),
        ]
        #expect(block.subBlocks == wanted)
        #expect(try block.value(of: 0x2000_0000, in: source) == [4, 5])
    }

    @Test func malformedBlocksThrow() throws {
        let one: [(UInt32, [UInt8])] = [(0x2000_0000, [9, 9, 9, 9])]
        let cases: [(String, (source: MemoryByteSource, cd: UInt64))] = [
            ("old magic with version 3", Self.file(one, version: 3, magic: "HAP Sig Block 42")),
            ("new magic with version 2", Self.file(one, version: 2, magic: "<hap sign block>")),
            ("size under the tail", Self.file(one, size: 8)),
            ("size before offset 0", Self.file(one, size: 10_000)),
            ("size over 1 GiB", Self.file(one, size: 1 << 31)),
            ("too many sub-blocks", Self.file(one, count: 1000)),
            ("heads past the block", Self.file(one, count: 9)),
            ("value past the block", Self.file(one, heads: [(0x2000_0000, 400, 12)])),
            ("value over the heads", Self.file(one, heads: [(0x2000_0000, 4, 0)])),
            ("values short of the block", Self.file(one, heads: [(0x2000_0000, 2, 12)])),
        ]
        for (why, file) in cases {
            #expect(throws: ParseError.self, "\(why)") { try HAP.SigningBlock.locate(in: file.source, centralDirectoryOffset: file.cd) }
        }
        // No magic right before the central directory: no block, not an error.
        let plain = Self.file(one, magic: "APK Sig Block 42")
        #expect(try HAP.SigningBlock.locate(in: plain.source, centralDirectoryOffset: plain.cd) == nil)
        #expect(try HAP.SigningBlock.locate(in: plain.source, centralDirectoryOffset: 10) == nil)
    }
}

struct HAPProfileTests {
    static let pemA = (try? String(contentsOf: samples.appendingPathComponent("keys/sample-a.x509.pem"), encoding: .utf8)) ?? ""
    static let sha256A = "33de88b47244160ddf2e663c40e9addde4416dd2d27d69d2fa2863f0c1050632"

    @Test func plainJSONProfile() throws {
        let json: [String: Any] = [
            "type": "debug", "issuer": "pki_internal", "validity": ["not-before": 0, "not-after": 1_709_164_800],
            "bundle-info": ["bundle-name": "cn.example.x", "developer-id": "42", "app-identifier": "77",
                            "development-certificate": Self.pemA.replacingOccurrences(of: "\n", with: "\r\n")],
        ]
        let bytes = [UInt8](try JSONSerialization.data(withJSONObject: json))
        let profile = try HAP.Profile.read(bytes)
        #expect(profile == SigningProfile(
            source: "hap-signing-block:profile", type: "debug", bundleName: "cn.example.x", appIdentifier: "77",
            teamIdentifier: "42", teamName: "pki_internal", expires: "2024-02-29T00:00:00Z", certificateSha256: [Self.sha256A]))
    }

    @Test func unreadableProfiles() {
        #expect(throws: HAP.Profile.Unreadable.self) { try HAP.Profile.read([]) }
        #expect(throws: HAP.Profile.Unreadable.self) { try HAP.Profile.read(Array("{ not json".utf8)) }
        #expect(throws: HAP.Profile.Unreadable.self) { try HAP.Profile.read([0x30, 0x82, 0xff, 0xff, 1, 2]) }
        #expect(throws: HAP.Profile.Unreadable.self) { try HAP.Profile.read(Array("[1, 2]".utf8)) }
    }

    @Test func dates() {
        #expect(HAP.Profile.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(HAP.Profile.iso8601(1_924_905_600) == "2030-12-31T00:00:00Z")
        #expect(HAP.Profile.iso8601(951_782_399) == "2000-02-28T23:59:59Z")
        #expect(HAP.Profile.iso8601(-1) == "1969-12-31T23:59:59Z")
        #expect(HAP.Profile.iso8601(253_402_300_799) == "9999-12-31T23:59:59Z")
        #expect(HAP.Profile.iso8601(.max) == nil)
        #expect(HAP.Profile.iso8601(.min) == nil)
    }

    @Test func pemBlocks() {
        let two = Self.pemA + "\n" + Self.pemA
        #expect(HAP.Profile.pemCertificates(two).count == 2)
        #expect(HAP.Profile.pemCertificates("-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----").isEmpty)
        #expect(HAP.Profile.pemCertificates("-----BEGIN CERTIFICATE-----\nQUJD").isEmpty)
    }

    /// `PKCS7.contents(der:)` on what `openssl cms -sign -nodetach` writes: the content and every
    /// certificate come back, the SignerInfo's certificate as the signer.
    @Test func pkcs7ContentsOfAnOpensslSignedData() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hap-pkcs7-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let content = Array("{\"bundle-info\":{\"bundle-name\":\"cn.example.pkcs7\"}}".utf8)
        try Data(content).write(to: folder.appendingPathComponent("content.json"))
        let keys = samples.appendingPathComponent("keys").path
        try openssl(["pkcs8", "-inform", "DER", "-nocrypt", "-in", "\(keys)/sample-a.pk8", "-out", folder.appendingPathComponent("a.key").path])
        try openssl([
            "cms", "-sign", "-binary", "-nodetach", "-outform", "DER", "-in", folder.appendingPathComponent("content.json").path,
            "-signer", "\(keys)/sample-a.x509.pem", "-inkey", folder.appendingPathComponent("a.key").path,
            "-certfile", "\(keys)/sample-b.x509.pem", "-out", folder.appendingPathComponent("signed.der").path,
        ])
        let der = [UInt8](try Data(contentsOf: folder.appendingPathComponent("signed.der")))
        let contents = try PKCS7.contents(der: der)
        #expect(contents.content == content)
        #expect(Set(contents.certificates.map { Digest.sha256($0.der).hexString })
            == [Self.sha256A, "bb8c8cb87f0f7d3703a67a4592d66b314cf4077472b5f481e03e7d0dac757382"])
        #expect(contents.signers.map { Digest.sha256($0.der).hexString } == [Self.sha256A])
        #expect(try HAPReader.signerCertificates(der).map { Digest.sha256($0.der).hexString } == [Self.sha256A])
        #expect(try HAP.Profile.read(der).bundleName == "cn.example.pkcs7")
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "openssl \(arguments.first ?? "") failed")
    }
}

/// Whole-package reading on damaged HarmonyOS packages: never a trap, always a record that either
/// names the bundle or says why it cannot.
struct HAPReaderHostileTests {
    static let seeds = ["entry-signed.hap", "fa-model.hap", "library.hsp", "bundle.app", "truncated-block.hap"]

    static func read(_ bytes: [UInt8], _ name: String) -> AppRecord {
        PackageReaders.read(source: MemoryByteSource(bytes), location: Location(path: name), name: name, options: PackageReadOptions())
    }

    @Test(arguments: seeds)
    func mutatedBytesNeverTrap(_ name: String) throws {
        let original = try FileByteSource(path: samples.appendingPathComponent("hap/\(name)").path).readAll()
        var rng = SplitMix64(state: 0x6861_7073_6565_6400 | UInt64(name.utf8.count))
        // Where the parsers look: the signing block and central directory at the tail, then anywhere.
        let cd = try ZipArchive(source: MemoryByteSource(original)).centralDirectoryOffset
        let blockStart = Int(cd) - min(Int(cd), 6000)
        for round in 0..<120 {
            var bytes = original
            for _ in 0..<(1 + round % 6) {
                let i: Int
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: i = Int.random(in: blockStart..<Int(cd), using: &rng)
                case 1: i = bytes.count - 1 - Int.random(in: 0..<min(bytes.count, 2048), using: &rng)
                default: i = Int.random(in: 0..<bytes.count, using: &rng)
                }
                bytes[i] = UInt8.random(in: 0...255, using: &rng)
            }
            let record = Self.read(bytes, name)
            #expect(record.package != nil || !record.errors.isEmpty, "round \(round): neither a bundle nor an error")
        }
    }

    @Test(arguments: seeds)
    func everyTruncationGivesARecord(_ name: String) throws {
        let original = try FileByteSource(path: samples.appendingPathComponent("hap/\(name)").path).readAll()
        let step = max(1, original.count / 80)
        for cut in stride(from: 0, to: original.count, by: step) {
            let record = Self.read(Array(original[0..<cut]), name)
            #expect(record.package != nil || !record.errors.isEmpty)
        }
    }
}

struct HAPModuleJSONTests {
    @Test func stageModelFields() throws {
        let json = """
            {"app": {"bundleName": "cn.example.m", "versionCode": "42", "versionName": "4.2", "label": "$string:app_name", "labelId": 16777216},
             "module": {"name": "entry", "type": "entry", "mainElement": "Main", "label": "Module",
                        "abilities": [{"name": "Other", "label": "Other"}, {"name": "Main", "label": "$string:main", "labelId": 7}],
                        "requestPermissions": [{"name": "ohos.permission.INTERNET"}, {"name": "ohos.permission.INTERNET"}, {"reason": "x"}, 5]}}
            """
        let info = try HAP.ModuleInfo.stage(Array(json.utf8))
        #expect(info.model == .stage)
        #expect(info.bundleName == "cn.example.m")
        #expect(info.versionCode == 42)
        #expect(info.versionName == "4.2")
        #expect(info.moduleName == "entry")
        #expect(!info.isShared)
        #expect(info.permissions == ["ohos.permission.INTERNET"])
        #expect(info.labelCandidates.map(\.text) == ["$string:app_name", "$string:main", "Module"])
        #expect(info.labelCandidates.map(\.id) == [16_777_216, 7, nil])
        #expect(info.labelCandidates.map(\.origin) == ["app.label", "module.abilities[Main].label", "module.label"])
    }

    @Test func faModelFields() throws {
        let json = """
            {"app": {"bundleName": "cn.example.fa", "version": {"code": 3, "name": "3.0"}},
             "module": {"mainAbility": ".Main", "distro": {"moduleName": "entry", "moduleType": "entry"},
                        "abilities": [{"name": ".Service", "type": "service"}, {"name": ".Other", "label": "$string:other"}],
                        "reqPermissions": [{"name": "ohos.permission.INTERNET"}]}}
            """
        let info = try HAP.ModuleInfo.fa(Array(json.utf8))
        #expect(info.model == .fa)
        #expect(info.bundleName == "cn.example.fa")
        #expect(info.versionCode == 3)
        #expect(info.moduleType == "entry")
        // No ability named like mainAbility: the first one with a label.
        #expect(info.labelCandidates.map(\.text) == ["$string:other"])
        #expect(info.permissions == ["ohos.permission.INTERNET"])
    }

    @Test func oddValuesAreDropped() throws {
        let json = """
            {"app": {"bundleName": 7, "versionCode": -1, "versionName": ["1"], "label": ""},
             "module": {"type": "shared", "requestPermissions": {"name": "x"}}}
            """
        let info = try HAP.ModuleInfo.stage(Array(json.utf8))
        #expect(info.bundleName == nil)
        #expect(info.versionCode == nil)
        #expect(info.versionName == nil)
        #expect(info.labelCandidates.isEmpty)
        #expect(info.permissions.isEmpty)
        #expect(info.isShared)
        #expect(try HAP.ModuleInfo.stage(Array("{\"app\": {\"versionCode\": 1.5}}".utf8)).versionCode == nil)
        #expect(try HAP.ModuleInfo.stage(Array("{\"app\": {\"versionCode\": 1e30}}".utf8)).versionCode == nil)
    }

    @Test func hostileDocumentsThrow() {
        #expect(throws: (any Error).self) { try HAP.ModuleInfo.stage([]) }
        #expect(throws: (any Error).self) { try HAP.ModuleInfo.stage(Array("[1, 2]".utf8)) }
        #expect(throws: (any Error).self) { try HAP.ModuleInfo.stage([UInt8](repeating: UInt8(ascii: "["), count: 200_000)) }
        #expect(throws: (any Error).self) { try HAP.PackInfo(Array("{\"summary\": ".utf8)) }
    }

    @Test func packInfo() throws {
        let json = """
            {"summary": {"app": {"bundleName": "cn.example.p", "version": {"code": 9, "name": "9"}}},
             "packages": [{"name": "entry-default", "moduleType": "entry"}, {"moduleType": "feature"}, "junk"]}
            """
        let pack = try HAP.PackInfo(Array(json.utf8))
        #expect(pack.bundleName == "cn.example.p")
        #expect(pack.versionCode == 9)
        #expect(pack.packages == [HAP.PackInfo.Package(name: "entry-default", moduleType: "entry")])
    }

    @Test func filingEntryKinds() {
        #expect(HAP.filingKind(of: "ets/modules.abc") == .textAsset)
        #expect(HAP.filingKind(of: "ets/widgets/x.abc") == .textAsset)
        #expect(HAP.filingKind(of: "libs/arm64-v8a/libentry.so") == .nativeLibrary)
        #expect(HAP.filingKind(of: "module.json") == .textAsset)
        #expect(HAP.filingKind(of: "resources/rawfile/about.html") == .textAsset)
        #expect(HAP.filingKind(of: "resources/rawfile/v1.0/LICENSE") == .textAsset)
        #expect(HAP.filingKind(of: "resources/rawfile/logo.png") == nil)
        #expect(HAP.filingKind(of: "assets/entry/resources/rawfile/a.dat") == .textAsset)
        #expect(HAP.filingKind(of: "resources/base/profile/main_pages.json") == .textAsset)
        #expect(HAP.filingKind(of: "assets/js/default/pages/index/index.js") == .textAsset)
        #expect(HAP.filingKind(of: "resources/base/media/icon.png") == nil)
        #expect(HAP.filingKind(of: "resources.index") == nil)
        #expect(HAP.filingKind(of: "resources/rawfile/") == nil)
        #expect(HAP.filingKind(of: "pack.info") == nil)
    }
}
