import Foundation
import PresetScanCore
import Testing

@testable import PresetScanApps

/// The sample IPAs read whole, compared with what plistlib and openssl say (`Samples/ipa/expected.json`).
struct IPAReaderTests {
    static let good = ["hello.ipa", "universal.ipa", "encrypted.ipa"]
    static let broken = ["cycle.ipa", "no-bundle-id.ipa", "truncated-macho.ipa", "sig-past-end.ipa"]

    static func mainInfo(_ name: String) -> (path: String, values: [String: Any]) {
        let plists = IPASamples.expected[name]?["plists"] as? [String: [String: Any]] ?? [:]
        let path = plists.keys.first { $0.split(separator: "/").count == 3 && $0.hasSuffix("/Info.plist") } ?? ""
        return (path, plists[path] ?? [:])
    }

    @Test(arguments: good)
    func identityMatchesPlistlib(_ name: String) throws {
        let record = try IPASamples.read(name)
        let (_, info) = Self.mainInfo(name)
        let planted = try #require(IPASamples.expected[name]?["planted"] as? [String: Any])
        #expect(record.kind == "ipa")
        #expect(record.platform == .ios)
        #expect(record.package == info["CFBundleIdentifier"] as? String)
        #expect(record.versionName == info["CFBundleShortVersionString"] as? String)
        #expect(record.build == info["CFBundleVersion"] as? String)
        #expect(record.versionCode == nil)
        #expect(record.minSdk == nil && record.targetSdk == nil)
        #expect(record.label == (info["CFBundleDisplayName"] ?? info["CFBundleName"]) as? String)
        #expect(record.labels == planted["labels"] as? [String: String])
        #expect(record.permissions == planted["permissions"] as? [String])
        #expect(record.usesInternet)
        #expect(record.metaData.first { $0.name == "MinimumOSVersion" }?.value == info["MinimumOSVersion"] as? String)
        #expect(record.errors.isEmpty, "\(record.errors)")
        #expect(Set(record.warnings.map(\.code)) == Set(planted["warnings"] as? [String] ?? []), "\(record.warnings)")
        #expect(record.verified == nil)
    }

    /// The binary `en.lproj` strings file says what plistlib reads from it.
    @Test func binaryStringsLabelMatchesPlistlib() throws {
        let record = try IPASamples.read("hello.ipa")
        let plists = try #require(IPASamples.expected["hello.ipa"]?["plists"] as? [String: [String: Any]])
        #expect(record.labels["en"] == plists["Payload/Hello.app/en.lproj/InfoPlist.strings"]?["CFBundleDisplayName"] as? String)
        #expect(record.labels["Base"] == nil)
    }

    @Test(arguments: good)
    func signersMatchOpenSSL(_ name: String) throws {
        let record = try IPASamples.read(name)
        let truth = try #require(IPASamples.expected[name])
        let (path, info) = Self.mainInfo(name)
        let executable = path.dropLast("Info.plist".count) + (info["CFBundleExecutable"] as? String ?? "")
        let slices = try #require((truth["executables"] as? [String: [[String: Any]]])?[String(executable)])
        #expect(slices.allSatisfy { $0["signatureVerifies"] as? Bool == true }, "fixture signatures must verify")
        let expected = IPASamples.signers(truth, executable: String(executable))
        #expect(!expected.isEmpty)
        #expect(record.signers.map(\.sha256) == expected)
        #expect(record.signers.allSatisfy { $0.scheme == "codesign" })
        #expect(record.signatureSchemes == ["codesign"])
    }

    @Test(arguments: good)
    func componentsMatch(_ name: String) throws {
        let record = try IPASamples.read(name)
        let truth = try #require(IPASamples.expected[name])
        let planted = try #require((truth["planted"] as? [String: Any])?["components"] as? [[String: Any]])
        let plists = truth["plists"] as? [String: [String: Any]] ?? [:]
        #expect(record.components.map(\.path) == planted.map { $0["path"] as? String ?? "" })
        for (component, want) in zip(record.components, planted) {
            #expect(component.role == want["role"] as? String)
            #expect(component.package == want["package"] as? String)
            #expect(component.name == want["name"] as? String)
            let executable = component.path.hasSuffix(".dylib")
                ? component.path
                : component.path + "/" + (plists[component.path + "/Info.plist"]?["CFBundleExecutable"] as? String ?? "")
            #expect(component.signerSha256 == IPASamples.signers(truth, executable: executable), "\(component.path)")
        }
    }

    @Test(arguments: ["hello.ipa", "universal.ipa", "sig-past-end.ipa"])
    func profileMatchesOpenSSL(_ name: String) throws {
        let record = try IPASamples.read(name)
        let truth = try #require(IPASamples.expected[name]?["profile"] as? [String: Any])
        let profile = try #require(record.profile)
        let appID = try #require(truth["appIdentifier"] as? String)
        #expect(profile.source == Self.mainInfo(name).path.dropLast("Info.plist".count) + "embedded.mobileprovision")
        #expect(profile.appIdentifier == appID)
        #expect(profile.bundleName == String(appID.drop { $0 != "." }.dropFirst()))
        #expect(profile.teamIdentifier == truth["teamIdentifier"] as? String)
        #expect(profile.teamName == truth["teamName"] as? String)
        #expect(profile.expires == truth["expires"] as? String)
        #expect(profile.certificateSha256 == truth["certificateSha256"] as? [String])
        let development = truth["getTaskAllow"] as? Bool == true || truth["provisionedDevices"] as? Bool == true
        #expect(profile.type == (development ? "development" : "distribution"))
        if let type = (IPASamples.expected[name]?["planted"] as? [String: Any])?["profileType"] as? String {
            #expect(profile.type == type)
        }
    }

    @Test(arguments: good)
    func filingNumbersEverywhere(_ name: String) throws {
        let record = try IPASamples.read(name)
        let planted = try #require(IPASamples.expected[name]?["planted"] as? [String: Any])
        for (canonical, sources) in try #require(planted["filingNumbers"] as? [String: [String]]) {
            let found = record.filingNumbers.first { $0.canonical == canonical }
            #expect(found?.kind == .app && found?.valid == true, "\(canonical)")
            #expect(Set(sources).isSubset(of: Set(found?.sources.map(\.source) ?? [])), "\(canonical): \(found?.sources ?? [])")
        }
        for (source, kind) in try #require(planted["lookAlikes"] as? [String: String]) {
            #expect(record.filingNumbers.contains { $0.kind.rawValue == kind && $0.sources.contains { $0.source == source } })
        }
        for canonical in planted["absentFilingNumbers"] as? [String] ?? [] {
            #expect(!record.filingNumbers.contains { $0.canonical == canonical }, "\(canonical) is encrypted")
        }
        let skipped = try IPASamples.read(name, options: PackageReadOptions(searchFilingNumbers: false))
        #expect(skipped.filingNumbers.isEmpty)
        #expect(skipped.package == record.package && skipped.signers == record.signers)
    }

    @Test(arguments: broken)
    func brokenArchivesSayWhat(_ name: String) throws {
        let record = try IPASamples.read(name)
        let planted = try #require(IPASamples.expected[name]?["planted"] as? [String: Any])
        #expect(record.kind == "ipa" && record.platform == .ios)
        #expect(Set(record.errors.map(\.code)) == Set(planted["errors"] as? [String] ?? []), "\(record.errors)")
        #expect(Set(planted["warnings"] as? [String] ?? []).isSubset(of: Set(record.warnings.map(\.code))), "\(record.warnings)")
        if !record.errors.isEmpty { #expect(record.package == nil) }
    }

    @Test func cycleIsNamed() throws {
        let record = try IPASamples.read("cycle.ipa")
        #expect(record.errors.first?.message.contains("cycle") == true, "\(record.errors)")
        // The executable is still read: its certificate is known even though the app is not identified.
        #expect(record.signers.map(\.sha256) == IPASamples.signers(IPASamples.expected["cycle.ipa"]!, executable: "Payload/Cycle.app/Cycle"))
    }

    @Test func unsignedWhenTheSignatureCannotBeRead() throws {
        for name in ["truncated-macho.ipa", "sig-past-end.ipa"] {
            let record = try IPASamples.read(name)
            #expect(record.package != nil)
            #expect(record.signers.isEmpty && record.signatureSchemes.isEmpty)
        }
    }

    @Test func secondAppIsNamedFirstIsRead() throws {
        var entries = try IPASamples.entries("hello.ipa")
        entries.append(("Payload/Another.app/Info.plist", Array("<plist><dict><key>CFBundleIdentifier</key><string>x.y</string></dict></plist>".utf8)))
        let record = PackageReaders.read(source: MemoryByteSource(StoredZip.make(entries)), location: Location(path: "two.ipa"), name: "two.ipa",
                                         options: PackageReadOptions())
        #expect(record.package == "x.y")
        #expect(record.warnings.contains { $0.code == "ipa.multiple-apps" })
    }

    @Test func detectedByContentNotName() throws {
        let bytes = try FileByteSource(path: IPASamples.path("hello.ipa")).readAll()
        let record = PackageReaders.read(source: MemoryByteSource(bytes), location: Location(path: "x.zip"), name: "x.zip", options: PackageReadOptions())
        #expect(record.kind == "ipa" && record.package == "cn.example.ios.hello")
    }
}
