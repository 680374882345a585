import PresetScanCore
import PresetScanCrypto
import PresetScanFiling
import PresetScanUnpack

/// HarmonyOS module (SPEC §7 `hap`, `hsp`): stage-model `module.json` or FA-model `config.json`, HAP signing block.
public enum HAPReader: PackageReader {
    public static let kinds = ["hap", "hsp"]
    public static let platform = Platform.harmony
    public static let suffixes = [".hap", ".hsp"]

    /// A HAP has `module.json` (stage model), or `config.json` beside a resource index (root, or
    /// FA's `assets/<module>/resources.index`) or `pack.info`.
    public static func accepts(_ archive: ZipArchive) -> Bool {
        if archive.entry(named: "module.json") != nil { return true }
        // FA model: config.json, which is a common name, only beside a HarmonyOS resource index or pack.info.
        guard archive.entry(named: "config.json") != nil else { return false }
        if archive.entry(named: "resources.index") != nil || archive.entry(named: "pack.info") != nil { return true }
        return archive.entries.contains { isFAResourceIndex($0.name) }
    }

    /// `assets/<module>/resources.index`, where FA-model HAPs keep their index.
    static func isFAResourceIndex(_ name: String) -> Bool {
        guard name.hasPrefix("assets/"), name.hasSuffix("/resources.index") else { return false }
        return name.dropFirst("assets/".count).dropLast("/resources.index".count).allSatisfy { $0 != "/" }
            && name.count > "assets//resources.index".count
    }

    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        readModule(archive: archive, location: location, options: options).record
    }

    /// The record and the module descriptor it was read from (an APP pack needs the module's name and type).
    static func readModule(
        archive: ZipArchive, location: Location, options: PackageReadOptions
    ) -> (record: AppRecord, module: HAP.ModuleInfo?) {
        var record = AppRecord(location: location, kind: "hap", platform: .harmony, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }
        var diagnostics = Diagnostics(location: location)

        let module = readDescriptor(archive, &diagnostics)
        let pack = readPackInfo(archive, &diagnostics)
        if let module {
            record.kind = module.isShared ? "hsp" : "hap"
            record.package = module.bundleName
            record.versionCode = module.versionCode ?? pack?.versionCode
            record.versionName = module.versionName ?? pack?.versionName
            record.permissions = module.permissions
            record.usesInternet = module.permissions.contains(HAP.internetPermission)
            if module.bundleName == nil {
                let hint = pack?.bundleName.map { " (pack.info names \($0), but the bundle manager installs by the module's)" } ?? ""
                diagnostics.error("hap.no-bundle-name", "\(module.model == .stage ? "module.json" : "config.json") has no app.bundleName\(hint)")
            } else if let packName = pack?.bundleName, packName != module.bundleName {
                diagnostics.warning("hap.pack-info-mismatch", "pack.info names bundle \(packName), the module \(module.bundleName ?? "")")
            }
        }

        var resources = HAPResources(archive: archive, module: module)
        if let module { readLabel(module, &resources, &record, &diagnostics, limits: options.limits) }
        readSigners(archive, &record, &diagnostics)

        if options.searchFilingNumbers {
            var search = FilingSearch(archive: archive, limits: options.limits, classify: HAP.filingKind(of:))
            if let (name, bytes) = resources.bytes(&diagnostics) {
                let scan = FilingScanner.scan(inBytes: bytes)
                if !scan.linkOffsets.isEmpty { search.addLink(source: name) }
                if !scan.matches.isEmpty { search.searchResourceIndex(resources.index(&diagnostics), matches: scan.matches, entry: name) }
            }
            search.runEntries()
            record.filingNumbers = search.numbers
            record.filingSystemLinks = search.links
            record.warnings += search.warnings.map { $0.located(location) }
        }
        record.warnings += diagnostics.warnings
        record.errors += diagnostics.errors
        return (record, module)
    }

    /// Collects a record's diagnostics, placed at the package.
    struct Diagnostics {
        let location: Location
        var warnings: [Diagnostic] = []
        var errors: [Diagnostic] = []

        mutating func warning(_ code: String, _ message: String) {
            warnings.append(Diagnostic(.warning, code, message, location: location))
        }

        mutating func error(_ code: String, _ message: String) {
            errors.append(Diagnostic(.error, code, message, location: location))
        }
    }

    // MARK: - Module

    static func readDescriptor(_ archive: ZipArchive, _ diagnostics: inout Diagnostics) -> HAP.ModuleInfo? {
        let stage = archive.entry(named: "module.json")
        guard let entry = stage ?? archive.entry(named: "config.json") else {
            diagnostics.error("hap.no-module", "neither module.json (stage model) nor config.json (FA model)")
            return nil
        }
        do {
            let bytes = try archive.data(of: entry, maxBytes: HAP.maxJSONBytes)
            return stage != nil ? try HAP.ModuleInfo.stage(bytes) : try HAP.ModuleInfo.fa(bytes)
        } catch {
            diagnostics.error("hap.module-unreadable", "\(entry.debugName): \(error)")
            return nil
        }
    }

    static func readPackInfo(_ archive: ZipArchive, _ diagnostics: inout Diagnostics) -> HAP.PackInfo? {
        guard let entry = archive.entry(named: "pack.info") else { return nil }
        do {
            return try HAP.PackInfo(try archive.data(of: entry, maxBytes: HAP.maxJSONBytes))
        } catch {
            diagnostics.warning("hap.pack-info-unreadable", "pack.info: \(error)")
            return nil
        }
    }

    // MARK: - Label

    /// The first label candidate that is a literal or resolves through resources.index; per
    /// locale as a device set to each of the index's locales shows it.
    static func readLabel(
        _ module: HAP.ModuleInfo, _ resources: inout HAPResources, _ record: inout AppRecord,
        _ diagnostics: inout Diagnostics, limits: Limits
    ) {
        var unresolved: HAP.ModuleInfo.Label?
        for candidate in module.labelCandidates {
            guard candidate.text.hasPrefix("$") else {
                record.label = candidate.text
                return
            }
            guard let index = resources.index(&diagnostics),
                let resource = index.reference(candidate.text) ?? candidate.id.flatMap({ index.resources[$0] })
            else {
                if unresolved == nil { unresolved = candidate }
                continue
            }
            let (label, labels) = Self.labels(of: resource, in: index, depth: limits.maxReferenceDepth)
            guard let label else {
                if unresolved == nil { unresolved = candidate }
                continue
            }
            record.label = label
            record.labels = labels
            return
        }
        if let unresolved {
            let why = resources.entryName == nil ? "there is no resources.index" : "resources.index does not resolve it"
            diagnostics.warning("hap.unresolved-label", "\(unresolved.origin) is \(unresolved.text), but \(why)")
        }
    }

    /// A resource's text in the base config and as a device set to each of the index's locales
    /// shows it. Without a base value, the default is what a device in English (else in the
    /// first locale) shows.
    static func labels(
        of resource: HAP.ResourceIndex.Resource, in index: HAP.ResourceIndex, depth: Int
    ) -> (label: String?, labels: [String: String]) {
        var labels: [String: String] = [:]
        for locale in index.locales {
            if let text = index.string(resource, locale: locale, depth: depth), !text.isEmpty { labels[locale] = text }
        }
        if let base = index.string(resource, locale: nil, depth: depth) { return (base, labels) }
        let locales = labels.keys.sorted()
        let english = locales.first { $0 == "en" || $0.hasPrefix("en-") }
        return ((english ?? locales.first).flatMap { labels[$0] }, labels)
    }

    // MARK: - Signing

    /// Signers from the HAP signing block's signature sub-block (the SignerInfos' certificates), the
    /// profile from its profile sub-block. A malformed block leaves the package unsigned.
    static func readSigners(_ archive: ZipArchive, _ record: inout AppRecord, _ diagnostics: inout Diagnostics) {
        let block: HAP.SigningBlock
        do {
            guard let found = try HAP.SigningBlock.locate(in: archive.source, centralDirectoryOffset: archive.centralDirectoryOffset)
            else { return }
            block = found
        } catch {
            diagnostics.warning("hap.signing-block-malformed", "HAP signing block: \(error); the package is read as unsigned")
            return
        }
        do {
            if let signature = try block.value(of: HAP.SigningBlock.BlockType.signature, in: archive.source) {
                let certificates = try signerCertificates(signature)
                if certificates.isEmpty {
                    diagnostics.warning("hap.signature-unreadable", "the signature sub-block's PKCS#7 carries no certificate")
                } else {
                    record.signatureSchemes = ["hap"]
                    record.signers = certificates.map { Signer(scheme: "hap", certificate: $0) }
                }
            } else {
                diagnostics.warning("hap.no-signature", "the HAP signing block has no signature sub-block (type 0x20000000)")
            }
        } catch {
            diagnostics.warning("hap.signature-unreadable", "signature sub-block: \(error)")
        }
        do {
            if let value = try block.value(of: HAP.SigningBlock.BlockType.profile, in: archive.source) {
                record.profile = try HAP.Profile.read(value)
            }
        } catch {
            diagnostics.warning("hap.profile-unreadable", "profile sub-block: \(error)")
        }
        checkProfile(&record, &diagnostics)
        record.verified = nil
    }

    /// The leaf certificates: those the SignerInfos name, else every certificate that issued
    /// none of the others.
    static func signerCertificates(_ der: [UInt8]) throws -> [X509Certificate] {
        let contents = try PKCS7.contents(der: der)
        if !contents.signers.isEmpty { return contents.signers }
        let issuers = Set(contents.certificates.filter { $0.subject != $0.issuer }.map(\.issuer))
        let leaves = contents.certificates.filter { !issuers.contains($0.subject) }
        return leaves.isEmpty ? Array(contents.certificates.prefix(1)) : leaves
    }

    /// The profile must be for this bundle and name the certificate that signed it.
    static func checkProfile(_ record: inout AppRecord, _ diagnostics: inout Diagnostics) {
        guard let profile = record.profile else { return }
        if let bundle = profile.bundleName, let package = record.package, bundle != package, bundle != HAP.Profile.genericBundleName {
            diagnostics.warning(
                "hap.profile-bundle-mismatch",
                "the signing profile is issued for bundle \(bundle), but the module names \(package)")
        }
        if !profile.certificateSha256.isEmpty, !record.signers.isEmpty,
            !record.signers.contains(where: { profile.certificateSha256.contains($0.sha256) })
        {
            diagnostics.warning(
                "hap.profile-certificate-mismatch",
                "the signing profile names certificate \(profile.certificateSha256.joined(separator: ", ")), "
                    + "the HAP is signed with \(record.signers.map(\.sha256).joined(separator: ", "))")
        }
    }
}

/// A HAP's resources.index, read at most once and parsed only when something needs it.
struct HAPResources {
    let archive: ZipArchive
    /// The entry holding the index: `resources.index` (stage), `assets/<module>/resources.index` (FA).
    let entryName: String?
    private var loadedBytes = false
    private var cachedBytes: [UInt8]?
    private var parsed = false
    private var cachedIndex: HAP.ResourceIndex?

    init(archive: ZipArchive, module: HAP.ModuleInfo?) {
        self.archive = archive
        if archive.entry(named: "resources.index") != nil {
            entryName = "resources.index"
        } else if let name = module?.moduleName, archive.entry(named: "assets/\(name)/resources.index") != nil {
            entryName = "assets/\(name)/resources.index"
        } else {
            entryName = archive.entries.first { HAPReader.isFAResourceIndex($0.name) }?.name
        }
    }

    mutating func bytes(_ diagnostics: inout HAPReader.Diagnostics) -> (String, [UInt8])? {
        guard let entryName, let entry = archive.entry(named: entryName) else { return nil }
        if !loadedBytes {
            loadedBytes = true
            do {
                cachedBytes = try archive.data(of: entry, maxBytes: HAP.maxResourceIndexBytes)
            } catch {
                diagnostics.warning("hap.resources-unreadable", "\(entry.debugName): \(error)")
            }
        }
        return cachedBytes.map { (entryName, $0) }
    }

    mutating func index(_ diagnostics: inout HAPReader.Diagnostics) -> HAP.ResourceIndex? {
        guard !parsed else { return cachedIndex }
        guard let (name, bytes) = self.bytes(&diagnostics) else {
            parsed = true
            return nil
        }
        parsed = true
        do {
            let index = try HAP.ResourceIndex(bytes: bytes)
            for warning in index.warnings {
                diagnostics.warning(warning.code, "\(name): \(warning.message)")
            }
            cachedIndex = index
        } catch {
            diagnostics.warning("hap.resources-unreadable", "\(name): \(error)")
        }
        return cachedIndex
    }
}
