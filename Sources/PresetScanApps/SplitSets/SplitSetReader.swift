import PresetScanCore
import PresetScanUnpack

/// Split APK sets (SPEC §7 `apks`, `xapk`, `apkm`): a base APK and its config splits, read as one app.
///
/// Identity and certificates come from the base, as the package manager takes them; every other
/// APK of the set is read too (manifest, signers, filing numbers), because the device installs
/// them with the base: a split of another package or signed by another key is reported, and its
/// filing numbers count as the app's. The labels a device shows in each locale include those of
/// the language splits.
///
/// Diagnostic codes: `splits.no-base` (error: no base APK in the set), `splits.base-unreadable`
/// (error), `splits.split-unreadable` (error: a part of the app could not be read),
/// `splits.package-mismatch`, `splits.signer-mismatch`, `splits.metadata-mismatch` (warnings),
/// `splits.limit` (error: more APKs than `SplitSet.maxAPKs`), `apkm.encrypted` (error),
/// `apks.toc-unreadable`, `xapk.manifest-unreadable`, `apkm.info-unreadable` (warnings). The
/// base's and the splits' own diagnostics are kept, their messages prefixed with the APK's path.
public enum SplitSetReader: PackageReader {
    public static let kinds = ["apks", "xapk", "apkm"]
    public static let platform = Platform.android
    public static let suffixes = [".apks", ".xapk", ".apkm"]

    /// bundletool's `toc.pb`, an XAPK's `manifest.json` or an APKM's `info.json` beside APKs, or a
    /// `base.apk` with splits.
    ///
    /// A `manifest.json` or `info.json` must carry its format's keys: a firmware ZIP of several
    /// apps with some other `manifest.json` is no split set, and reading it as one would hide
    /// every app but one.
    public static func accepts(_ archive: ZipArchive) -> Bool {
        if archive.entry(named: "toc.pb") != nil { return true }
        let apks = archive.entries.lazy.filter { !$0.isDirectory && $0.name.lowercased().hasSuffix(".apk") }.map(\.name)
        guard !apks.isEmpty else { return false }
        if let manifest = archive.entry(named: "manifest.json") {
            return SplitSet.mentions(manifest, in: archive, anyOf: ["\"split_apks\"", "\"xapk_version\"", "\"package_name\""])
        }
        if let info = archive.entry(named: "info.json") {
            return SplitSet.mentions(info, in: archive, anyOf: ["\"pname\"", "\"apkm_version\""])
        }
        // A set saved without its table of contents (SAI, older bundletool): base.apk beside its splits.
        return apks.contains { $0 == "base.apk" || $0 == "splits/base-master.apk" }
    }

    /// The error for an encrypted `.apkm` whose content is no ZIP (APKMirror's first format, encrypted
    /// as a whole): "encrypted" rather than "not a ZIP"; nil when `source` is not one.
    public static func diagnoseNonZip(source: ByteSource, name: String, location: Location) -> Diagnostic? {
        SplitSet.encryptedAPKM(source: source, name: name, location: location)
    }

    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        let metadata = SplitSet.metadata(of: archive)
        var record = AppRecord(location: location, kind: metadata.kind, platform: .android, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }
        record.warnings += metadata.diagnostics.map { $0.located(location) }

        var apks = archive.entries.filter { !$0.isDirectory && $0.name.lowercased().hasSuffix(".apk") }
        if apks.count > SplitSet.maxAPKs {
            record.errors.append(Diagnostic(.error, "splits.limit",
                "\(apks.count) APKs in the set; only the first \(SplitSet.maxAPKs) are read", location: location))
            apks = Array(apks.prefix(SplitSet.maxAPKs))
        }
        // An old XAPK holds one APK named as its author liked, beside OBB files: a lone APK is the base.
        let named = metadata.baseCandidates.lazy.compactMap { path in apks.first { $0.name == path } }.first
        guard let baseEntry = named ?? (apks.count == 1 ? apks.first : nil) else {
            let names = apks.isEmpty ? "no APK at all" : "APKs " + apks.prefix(8).map(\.debugName).joined(separator: ", ")
            let wanted = metadata.baseCandidates.prefix(4).joined(separator: ", ")
            record.errors.append(Diagnostic(.error, "splits.no-base",
                "no base APK in the set (looked for \(wanted)); \(names): the app cannot be identified", location: location))
            return record
        }

        // The base first: its label id decides whether the splits' tables are needed.
        let base: SplitSet.Part
        switch SplitSet.readPart(baseEntry, of: archive, location: location, options: options, isBase: true, loadTable: false) {
        case .success(let part):
            base = part
        case .failure(let error):
            if SplitSet.isEncryptedMember(baseEntry, metadata: metadata, openError: error) {
                record.errors.append(Diagnostic(.error, "apkm.encrypted",
                    "an encrypted APKM: \(baseEntry.debugName) is no readable APK (\(error)); only APKMirror's installer can read it",
                    location: location))
            } else {
                record.errors.append(Diagnostic(.error, "splits.base-unreadable",
                    "the base APK \(baseEntry.debugName) cannot be read: \(error)", location: location.appending(baseEntry.name)))
            }
            return record
        }
        adoptIdentity(of: base, into: &record, location: location)
        checkMetadata(metadata, against: base.record, &record, location: location)

        var search = FilingSearch(archive: archive, limits: options.limits)
        search.merge(SplitSet.prefixed(base.record.filingNumbers, base.path + "!/"),
                     links: base.record.filingSystemLinks.map { base.path + "!/" + $0 }, warnings: [])
        var components = [component(base, role: "base")]
        var others: [SplitSet.Part] = []
        for entry in apks where entry.name != baseEntry.name {
            switch SplitSet.readPart(entry, of: archive, location: location, options: options, isBase: false,
                                     loadTable: base.labelReference != nil) {
            case .failure(let error):
                record.errors.append(Diagnostic(.error, "splits.split-unreadable",
                    "\(entry.debugName) cannot be read: \(error); its signer and filing numbers are unknown",
                    location: location.appending(entry.name)))
            case .success(let part):
                others.append(part)
                record.warnings += part.record.warnings.map { SplitSet.fromPart($0, part.path, location) }
                record.errors += part.record.errors.map { SplitSet.fromPart($0, part.path, location) }
                search.merge(SplitSet.prefixed(part.record.filingNumbers, part.path + "!/"),
                             links: part.record.filingSystemLinks.map { part.path + "!/" + $0 }, warnings: [])
                compare(part, with: base, &record, location: location)
                components.append(component(part, role: metadata.roles[part.path] == "standalone" ? "standalone" : "split"))
            }
        }
        mergeLabels(from: others, base: base, into: &record)
        adoptVerification(of: others, into: &record)
        record.components = [components[0]] + components.dropFirst().sorted { $0.path < $1.path }
        record.filingNumbers = search.numbers
        record.filingSystemLinks = search.links
        return record
    }

    // MARK: - Identity

    /// The base's identity, signers and diagnostics become the set's.
    private static func adoptIdentity(of base: SplitSet.Part, into record: inout AppRecord, location: Location) {
        let apk = base.record
        record.package = apk.package
        record.versionCode = apk.versionCode
        record.versionName = apk.versionName
        record.minSdk = apk.minSdk
        record.targetSdk = apk.targetSdk
        record.minSdkCodename = apk.minSdkCodename
        record.label = apk.label
        record.labels = apk.labels
        record.permissions = apk.permissions
        record.usesInternet = apk.usesInternet
        record.metaData = apk.metaData
        record.signatureSchemes = apk.signatureSchemes
        record.signers = apk.signers
        record.verified = apk.verified
        record.verificationFailure = apk.verificationFailure
        record.warnings += apk.warnings.map { SplitSet.fromPart($0, base.path, location) }
        record.errors += apk.errors.map { SplitSet.fromPart($0, base.path, location) }
    }

    /// Android installs a set only when every split verifies with the base's signer, so one tampered
    /// split makes the set unverified: the first failing split's failure, named by its path.
    private static func adoptVerification(of splits: [SplitSet.Part], into record: inout AppRecord) {
        guard record.verified == true else { return }
        for split in splits {
            switch split.record.verified {
            case false?:
                record.verified = false
                record.verificationFailure = split.record.verificationFailure.map {
                    VerificationFailure($0.scheme, $0.reason, "\(split.path): \($0.message)")
                } ?? VerificationFailure("apk", .malformed, "\(split.path) does not verify")
                return
            case nil:
                record.verified = nil
            case true?:
                continue
            }
        }
    }

    /// The table of contents says which app and version the set is; the base decides, a
    /// disagreement is reported.
    private static func checkMetadata(
        _ metadata: SplitSet.Metadata, against base: AppRecord, _ record: inout AppRecord, location: Location
    ) {
        guard let source = metadata.source else { return }
        if let claimed = metadata.package, let package = base.package, claimed != package {
            record.warnings.append(Diagnostic(.warning, "splits.metadata-mismatch",
                "\(source) names package \(claimed), but the base APK is \(package)", location: location))
        }
        if let claimed = metadata.versionCode, let code = base.versionCode, claimed != code {
            record.warnings.append(Diagnostic(.warning, "splits.metadata-mismatch",
                "\(source) says versionCode \(claimed), but the base APK has \(code)", location: location))
        }
        if let claimed = metadata.versionName, let name = base.versionName, claimed != name {
            record.warnings.append(Diagnostic(.warning, "splits.metadata-mismatch",
                "\(source) says versionName \(claimed), but the base APK has \(name)", location: location))
        }
    }

    // MARK: - Splits

    /// A split of another package, or signed by other certificates, would not be installed with the
    /// base by the platform: whoever assembled the set mixed apps or re-signed a part.
    private static func compare(_ part: SplitSet.Part, with base: SplitSet.Part, _ record: inout AppRecord, location: Location) {
        if let package = part.record.package, let basePackage = base.record.package, package != basePackage {
            record.warnings.append(Diagnostic(.warning, "splits.package-mismatch",
                "\(part.path) is a split of \(package), not of the base's \(basePackage)",
                location: location.appending(part.path)))
        }
        let mine = Set(part.record.signers.map(\.sha256))
        let theirs = Set(base.record.signers.map(\.sha256))
        if mine != theirs {
            func list(_ set: Set<String>) -> String { set.isEmpty ? "no certificate" : set.sorted().joined(separator: ", ") }
            record.warnings.append(Diagnostic(.warning, "splits.signer-mismatch",
                "\(part.path) is signed by \(list(mine)), the base by \(list(theirs)) (certificate SHA-256)",
                location: location.appending(part.path)))
        }
    }

    private static func component(_ part: SplitSet.Part, role: String) -> Component {
        Component(
            path: part.path, role: role, package: part.record.package, name: part.splitName,
            signerSha256: Array(Set(part.record.signers.map(\.sha256))).sorted())
    }

    /// Labels of the locales that only the splits' tables have (language splits hold every
    /// localized string), resolved as the device resolves them with the split installed. Splits
    /// of another package are left out.
    private static func mergeLabels(from parts: [SplitSet.Part], base: SplitSet.Part, into record: inout AppRecord) {
        guard let id = base.labelReference else { return }
        for part in parts.sorted(by: { $0.path < $1.path }) where part.record.package == base.record.package {
            guard let table = part.table else { continue }
            for (locale, label) in table.labelsForEveryLocale(id) where record.labels[locale] == nil {
                record.labels[locale] = label
            }
        }
        if record.label == nil, let first = record.labels.keys.sorted().first {
            record.label = record.labels[first]
        }
    }
}
