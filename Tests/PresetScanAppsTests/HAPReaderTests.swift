import Foundation
import PresetScanCore
import PresetScanUnpack
import Testing

@testable import PresetScanApps

/// The HarmonyOS samples (`Samples/hap`, written by `Samples/tools/make_harmony.py`) read as
/// `expected.json` says: identity from python's json, signers and profiles from openssl on the
/// sub-blocks cut out of each file, labels, filing numbers and diagnostics as the script planted them.
struct HAPReaderTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/hap")
    nonisolated(unsafe) static let expected: [String: [String: Any]] = {
        let url = folder.appendingPathComponent("expected.json")
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
        else { return [:] }
        return object
    }()
    static let modules = expected.keys.filter { !$0.hasSuffix(".app") }.sorted()
    static let packs = expected.keys.filter { $0.hasSuffix(".app") }.sorted()

    static func read(_ name: String, search: Bool = true) throws -> AppRecord {
        let source = try FileByteSource(path: folder.appendingPathComponent(name).path)
        return PackageReaders.read(
            source: source, location: Location(path: name), name: name,
            options: PackageReadOptions(searchFilingNumbers: search))
    }

    @Test func everySampleHasGroundTruth() {
        #expect(Self.expected.count == 10)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Self.folder.path)) ?? []
        #expect(Set(files.filter { $0 != "expected.json" }) == Set(Self.expected.keys))
    }

    @Test(arguments: modules)
    func moduleAgreesWithGroundTruth(_ name: String) throws {
        let truth = try #require(Self.expected[name])
        let record = try Self.read(name)
        #expect(record.platform == .harmony)
        #expect(record.kind == truth["kind"] as? String)
        #expect(record.package == truth["package"] as? String)
        #expect(record.versionCode == (truth["versionCode"] as? NSNumber).map { UInt64($0.int64Value) })
        #expect(record.versionName == truth["versionName"] as? String)
        #expect(record.permissions == (truth["permissions"] as? [String] ?? []))
        #expect(record.usesInternet == (truth["usesInternet"] as? Bool ?? false))
        #expect(record.verified == nil)
        checkSigners(record, truth, name)
        checkProfile(record.profile, truth["profile"] as? [String: Any], name)
        checkLabels(record, truth)
        checkFilingNumbers(record, truth)
        checkDiagnostics(record, truth, name)
    }

    @Test(arguments: packs)
    func appPackIsOneApp(_ name: String) throws {
        let truth = try #require(Self.expected[name])
        let components = try #require(truth["components"] as? [String: [String: Any]])
        let entry = try #require(components[truth["entry"] as? String ?? ""])
        let record = try Self.read(name)
        #expect(record.kind == "app")
        #expect(record.platform == .harmony)
        #expect(record.package == truth["package"] as? String)
        #expect(record.versionCode == (truth["versionCode"] as? NSNumber).map { UInt64($0.int64Value) })
        #expect(record.versionName == truth["versionName"] as? String)
        // Signers and profile are the entry HAP's.
        checkSigners(record, entry, name)
        checkProfile(record.profile, entry["profile"] as? [String: Any], name)
        checkLabels(record, truth)
        checkFilingNumbers(record, truth)
        checkDiagnostics(record, truth, name)
        // Every module's permissions, the entry's first.
        let entryPermissions = entry["permissions"] as? [String] ?? []
        #expect(Array(record.permissions.prefix(entryPermissions.count)) == entryPermissions)
        let all = components.values.flatMap { $0["permissions"] as? [String] ?? [] }
        #expect(Set(record.permissions) == Set(all))
        #expect(record.usesInternet)
        // One component per HAP/HSP: role, bundle, module name, signer.
        #expect(record.components.count == components.count)
        #expect(record.components.first?.path == truth["entry"] as? String)
        for component in record.components {
            let part = try #require(components[component.path], "unexpected component \(component.path)")
            #expect(component.role == part["kind"] as? String)
            #expect(component.package == part["package"] as? String)
            #expect(component.name == part["module"] as? String)
            let signers = (part["signers"] as? [[String: Any]] ?? []).compactMap { $0["sha256"] as? String }
            #expect(component.signerSha256 == signers, "\(component.path)")
        }
    }

    @Test func listingSkipsTheSearchButKeepsIdentity() throws {
        let record = try Self.read("entry-signed.hap", search: false)
        #expect(record.filingNumbers.isEmpty)
        #expect(record.package == "cn.example.harmony")
        #expect(record.label == "Harmony Notes")
    }

    @Test func detectionByContent() throws {
        for name in Self.modules {
            let archive = try ZipArchive(source: FileByteSource(path: Self.folder.appendingPathComponent(name).path))
            #expect(PackageReaders.reader(for: archive) == HAPReader.self, "\(name)")
        }
        for name in Self.packs {
            let pack = try ZipArchive(source: FileByteSource(path: Self.folder.appendingPathComponent(name).path))
            #expect(PackageReaders.reader(for: pack) == HarmonyAppPackReader.self, "\(name)")
        }
    }

    // MARK: - Comparisons

    func checkSigners(_ record: AppRecord, _ truth: [String: Any], _ name: String) {
        let signers = truth["signers"] as? [[String: Any]] ?? []
        #expect(record.signers.map(\.sha256) == signers.compactMap { $0["sha256"] as? String }, "\(name)")
        #expect(record.signers.map(\.sha1) == signers.compactMap { $0["sha1"] as? String }, "\(name)")
        #expect(record.signers.map(\.md5) == signers.compactMap { $0["md5"] as? String }, "\(name)")
        #expect(record.signers.map(\.subject) == signers.compactMap { $0["subject"] as? String }, "\(name)")
        #expect(record.signers.allSatisfy { $0.scheme == "hap" })
        #expect(record.signatureSchemes == (signers.isEmpty ? [] : ["hap"]), "\(name)")
    }

    func checkProfile(_ profile: SigningProfile?, _ truth: [String: Any]?, _ name: String) {
        guard let truth else {
            #expect(profile == nil, "\(name)")
            return
        }
        guard let profile else {
            Issue.record("\(name): no profile")
            return
        }
        #expect(profile.source == "hap-signing-block:profile")
        #expect(profile.type == truth["type"] as? String)
        #expect(profile.bundleName == truth["bundleName"] as? String)
        #expect(profile.appIdentifier == truth["appIdentifier"] as? String)
        #expect(profile.teamIdentifier == truth["teamIdentifier"] as? String)
        #expect(profile.teamName == truth["teamName"] as? String)
        #expect(profile.expires == truth["expires"] as? String)
        #expect(profile.certificateSha256 == (truth["certificateSha256"] as? [String] ?? []))
    }

    func checkLabels(_ record: AppRecord, _ truth: [String: Any]) {
        guard truth.keys.contains("label") else { return }
        #expect(record.label == truth["label"] as? String)
        if let labels = truth["labels"] as? [String: String] { #expect(record.labels == labels) }
    }

    func checkFilingNumbers(_ record: AppRecord, _ truth: [String: Any]) {
        guard let planted = truth["filingNumbers"] as? [String: [String]] else { return }
        let found = Dictionary(record.filingNumbers.map { ($0.canonical, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(found.keys) == Set(planted.keys))
        for (canonical, sources) in planted {
            let have = Set(found[canonical]?.sources.map(\.source) ?? [])
            #expect(Set(sources).isSubset(of: have), "\(canonical): \(have)")
        }
    }

    func checkDiagnostics(_ record: AppRecord, _ truth: [String: Any], _ name: String) {
        if let warnings = truth["warnings"] as? [String] {
            #expect(Set(record.warnings.map(\.code)) == Set(warnings), "\(name): \(record.warnings)")
        }
        let errors = truth["errors"] as? [String] ?? []
        #expect(record.errors.map(\.code) == errors, "\(name): \(record.errors)")
        for diagnostic in record.warnings + record.errors {
            #expect(diagnostic.location?.parts.first == name)
        }
    }
}
