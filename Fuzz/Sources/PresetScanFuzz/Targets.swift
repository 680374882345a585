// The fuzz targets: one per parser, each feeding arbitrary bytes to the same entry point the scanner
// uses. Shared by the libFuzzer harness (Fuzz/) and, through the symlink
// Tests/PresetScanKitTests/RegressionTargets.swift, by the test that replays Fuzz/Regressions/**.
// A target must never trap: errors are thrown and swallowed here, as the scanner turns them into
// diagnostics.
import Foundation
@testable import PresetScanApps
import PresetScanCore
import PresetScanCrypto
import PresetScanFiling
import PresetScanPolicy
@testable import PresetScanRegistry
import PresetScanUnpack

/// Every fuzz target by name (the name is also its folder under Fuzz/Corpus and Fuzz/Regressions).
enum FuzzTargets {
    typealias Body = @Sendable ([UInt8]) -> Void

    /// Bounds small enough that one input runs in milliseconds; the parsers' real limits are larger.
    static let limits: Limits = {
        var l = Limits.default
        l.maxEntryBytes = 4 << 20
        l.maxFilingSearchEntryBytes = 1 << 20
        l.maxFilingSearchPackageBytes = 4 << 20
        l.maxXMLNodes = 1 << 14
        return l
    }()

    static let unpackLimits: UnpackLimits = {
        var l = UnpackLimits()
        l.maxTotalBytes = 64 << 20
        l.maxEntries = 4096
        return l
    }()

    /// Bytes read from each file a container yields (enough to run decompression and extent maps).
    static let entryReadBytes = 1 << 16

    static let all: [(name: String, body: Body)] = [
        ("zip", zip),
        ("axml", { bytes in _ = try? AndroidManifest.parse(bytes, limits: limits); _ = AndroidManifest.allStrings(bytes) }),
        ("arsc", arsc),
        ("apk-signing-block", apkSigningBlock),
        ("pkcs7", { bytes in
            _ = try? PKCS7.signerCertificates(der: bytes)
            _ = try? PKCS7.contents(der: bytes)
        }),
        ("x509", { bytes in
            if let c = try? X509Certificate(der: bytes) { _ = Signer(scheme: "v1", certificate: c) }
        }),
        ("sparse", { bytes in
            guard let image = try? Sparse.Image(source: MemoryByteSource(bytes)) else { return }
            if let joined = try? Sparse.Image.joined([image]) { drain(joined) }
        }),
        ("ext4", { bytes in walk { try Ext4.Filesystem(source: MemoryByteSource(bytes), limits: unpackLimits) } }),
        ("erofs", { bytes in
            walk { context in
                try EROFS.Filesystem(source: MemoryByteSource(bytes), limits: unpackLimits, budget: context.budget)
            }
        }),
        ("squashfs", { bytes in walk { try Squashfs.Image(source: MemoryByteSource(bytes), limits: unpackLimits) } }),
        ("lp", { bytes in walk { try LP.Metadata(source: MemoryByteSource(bytes)) } }),
        ("transfer-list", { bytes in _ = try? BlockOTA.TransferList.parse(bytes) }),
        ("payload-manifest", { bytes in _ = try? Payload.Manifest.parse(bytes, base: 0) }),
        ("payload", { bytes in walk { context in try Payload.File(source: MemoryByteSource(bytes), context: context) } }),
        ("archive", { bytes in walk { context in ArchiveContainer(source: MemoryByteSource(bytes), context: context) } }),
        ("registry-records", registryRecords),
        ("policy-yaml", { bytes in _ = try? Policy.parse(String(decoding: bytes, as: UTF8.self), path: "fuzz.yaml") }),
        ("filing-scanner", { bytes in
            _ = FilingScanner.find(inBytes: bytes, currentYear: 2026)
            _ = FilingScanner.find(in: String(decoding: bytes, as: UTF8.self), currentYear: 2026)
            _ = FilingNumber.parse(String(decoding: bytes, as: UTF8.self), currentYear: 2026)
        }),
        ("hap-module-json", { bytes in
            _ = try? HAP.ModuleInfo.stage(bytes)
            _ = try? HAP.ModuleInfo.fa(bytes)
            _ = try? HAP.PackInfo(bytes)
        }),
        ("hap-resources-index", hapResourceIndex),
        ("hap-signing-block", hapSigningBlock),
        ("ipa-plist", { bytes in
            if let plist = try? PropertyList.parse(bytes) { _ = plist.strings() }
            _ = try? StringsFile.parse(bytes)
            _ = try? IPA.ProvisioningProfile.read(bytes, source: "embedded.mobileprovision")
        }),
        ("ipa-macho", machO),
        ("rpk-json", { bytes in
            guard let root = try? RPK.JSON.object(from: bytes) else { return }
            _ = RPK.Manifest(root)
            _ = RPK.JSON.object(root).strings()
        }),
        ("rpk-signing-block", { bytes in
            let source = MemoryByteSource(bytes)
            _ = RPK.SigningBlock.read(source: source, centralDirectoryOffset: source.size)
            if let archive = try? ZipArchive(source: source, limits: limits) { _ = RPK.SigningBlock.read(archive) }
        }),
        // Whole packages, read as `inspect` reads them; the name hints the kind when content does not.
        ("package-apk", package("app.apk")),
        ("package-hap", package("entry.hap")),
        ("package-app", package("bundle.app")),
        ("package-ipa", package("app.ipa")),
        ("package-rpk", package("app.rpk")),
        ("package-splits", package("app.apks")),
        ("package-aab", package("app.aab")),
        ("pac", { bytes in walk { try PAC.Package(source: MemoryByteSource(bytes), limits: unpackLimits) } }),
        ("huawei-app", { bytes in walk { try HuaweiApp.Package(source: MemoryByteSource(bytes), limits: unpackLimits) } }),
        ("rockchip", { bytes in
            walk { try RK.open(source: MemoryByteSource(bytes)) }
            if let update = try? RK.Update(source: MemoryByteSource(bytes)) { _ = update.parameter()?.partitions }
        }),
        ("amlogic", { bytes in walk { try Aml.Image(source: MemoryByteSource(bytes)) } }),
        ("f2fs", { bytes in
            walk { context in
                try F2FS.Filesystem(source: MemoryByteSource(bytes), limits: unpackLimits, budget: context.budget)
            }
        }),
    ]

    static func named(_ name: String) -> Body? { all.first { $0.name == name }?.body }

    // MARK: - Bodies

    static func zip(_ bytes: [UInt8]) {
        guard let archive = try? ZipArchive(source: MemoryByteSource(bytes), limits: limits) else { return }
        for entry in archive.entries.prefix(64) {
            if let (_, local) = try? archive.dataOffset(of: entry) { _ = archive.localHeaderDiagnostics(for: entry, local: local) }
            _ = try? archive.data(of: entry, maxBytes: entryReadBytes)
            if let stored = try? archive.storedSource(of: entry) { drain(stored) }
        }
        _ = archive.entry(named: "AndroidManifest.xml")
    }

    static func arsc(_ bytes: [UInt8]) {
        guard let table = try? ResourceTable(bytes: bytes) else { return }
        _ = table.allGlobalStrings()
        for id: UInt32 in [0x7f01_0000, 0x7f02_0000, 0x7f03_0000, 0x7f04_0000, 0x7f05_0000, 0x7f06_0000] {
            for entry in id..<(id + 4) {
                _ = table.resolveString(entry)
                _ = table.localizedStrings(entry)
                _ = table.labelsForEveryLocale(entry)
                _ = table.resourceName(entry)
            }
        }
    }

    /// The input is the tail of an APK: a signing block whose end is the central directory's start.
    static func apkSigningBlock(_ bytes: [UInt8]) {
        let source = MemoryByteSource(bytes)
        guard let block = try? APKSigningBlock.locate(in: source, centralDirectoryOffset: source.size) else { return }
        _ = APKSignatureSchemes.signers(in: block)
    }

    static func hapResourceIndex(_ bytes: [UInt8]) {
        _ = try? HAP.ResourceIndex(bytes: bytes)
    }

    /// The input is the tail of a HAP: the signing block ends where the central directory starts.
    static func hapSigningBlock(_ bytes: [UInt8]) {
        let source = MemoryByteSource(bytes)
        guard let block = try? HAP.SigningBlock.locate(in: source, centralDirectoryOffset: source.size) else { return }
        if let signature = try? block.value(of: HAP.SigningBlock.BlockType.signature, in: source) {
            _ = try? PKCS7.signerCertificates(der: signature)
        }
        if let profile = try? block.value(of: HAP.SigningBlock.BlockType.profile, in: source) {
            _ = try? HAP.Profile.read(profile)
        }
    }

    static func machO(_ bytes: [UInt8]) {
        let source = MemoryByteSource(bytes)
        guard let slices = try? MachO.slices(of: source) else { return }
        for slice in slices.prefix(8) {
            guard let contents = try? MachO.SuperBlob.read(slice, in: source), let cms = contents.cms else { continue }
            _ = try? MachO.SuperBlob.signers(cms: cms)
        }
    }

    /// CSV or JSON Lines records, read from a file as `registry build` reads them.
    static func registryRecords(_ bytes: [UInt8]) {
        let path = scratchFile
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { return }
        guard let file = try? RecordsFile(path: path, filingNumbers: FilingNumberValidator(currentYear: 2026)) else { return }
        var rows = 0
        while rows < 100_000, let row = try? file.next() {
            rows += 1
            _ = row
        }
    }

    static func package(_ name: String) -> Body {
        { bytes in
            let options = PackageReadOptions(limits: limits, searchFilingNumbers: true)
            let record = PackageReaders.read(
                source: MemoryByteSource(bytes), location: Location(path: name), name: name, options: options)
            _ = try? JSONEncoder().encode(record)
        }
    }

    // MARK: - Helpers

    /// One scratch file per process: the registry reader takes a path.
    static let scratchFile: String = {
        let folder = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return folder + "/presetscan-fuzz-\(getpid()).records"
    }()

    /// A temporary folder per process for containers that spill entries (libarchive, payload).
    static let temporary: TemporaryFolder? = try? TemporaryFolder()

    /// Opens a container and walks it, reading the start of each file it yields.
    static func walk(_ open: (UnpackContext) throws -> Container) {
        guard let temporary else { return }
        let context = UnpackContext(limits: unpackLimits, temporary: temporary)
        guard let container = try? open(context) else { return }
        var files = 0
        try? container.forEachFile({ _ in }) { entry in
            files += 1
            guard files <= 256, let source = entry.source else { return }
            _ = try? source.read(at: 0, count: Int(min(source.size, UInt64(entryReadBytes))))
        }
    }

    static func walk(_ open: () throws -> Container) { walk { (_: UnpackContext) in try open() } }

    /// Reads a source in bounded pieces (exercises sparse maps and stored-entry slices).
    static func drain(_ source: ByteSource) {
        var offset: UInt64 = 0
        let chunk = 1 << 16
        while offset < source.size, offset < 16 << 20 {
            let n = Int(min(UInt64(chunk), source.size - offset))
            guard (try? source.read(at: offset, count: n)) != nil else { return }
            offset += UInt64(n)
        }
    }
}
