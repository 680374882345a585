import PresetScanCore
import PresetScanUnpack

/// Quick app (SPEC §7 `rpk`): `manifest.json` package, name, versions and features; its signature.
///
/// An `.rpk` is a ZIP of compiled JavaScript (`app.js`, page `.js`), `manifest.json`, resources,
/// `i18n/*.json`, `META-INF/CERT` (a ZIP of per-file digests) and, when signed, an RPK signing
/// block before the central directory (`RPK.SigningBlock`). hap-toolkit also writes the split form
/// `.rpks`: a ZIP of the whole package `<package>.rpk` and its sub-packages `<package>.base.srpk`,
/// `<package>.<name>.srpk`; it is read as one app (`RPKReader+Split.swift`).
///
/// Diagnostic codes: errors `rpk.no-manifest`, `rpk.manifest-unreadable`, `rpk.no-package` (the app
/// cannot be identified), `rpk.no-main-package`, `rpk.component-unreadable` (`.rpks`); warnings
/// `rpk.bad-field`, `rpk.no-name`, `rpk.label-unresolved`, `rpk.i18n-unreadable`, `rpk.i18n-limit`,
/// `rpk.signature-malformed`, `rpk.signature-public-key-mismatch`, `rpk.cert-unreadable`,
/// `rpk.signature-partial`, `rpk.cert-signer-mismatch`, `rpk.component-package-mismatch`,
/// `rpk.component-signer-mismatch`, `rpk.component-limit`.
public enum RPKReader: PackageReader {
    public static let kinds = ["rpk"]
    public static let platform = Platform.quickapp
    public static let suffixes = [".rpk", ".rpks"]

    /// Largest `manifest.json` read (real ones are a few KiB).
    static let maxManifestBytes = 4 << 20
    /// Largest `META-INF/CERT` read (a digest list: a few KiB).
    static let maxDigestArchiveBytes = 16 << 20

    /// A quick app has `manifest.json` at its root beside `app.js` (the runtime refuses a package
    /// without it) or `META-INF/CERT` (sub-packages without an `app.js`); the split form holds
    /// `.srpk` sub-packages at its root.
    ///
    /// Any `.js` is not enough: a web extension also has a `manifest.json` beside scripts.
    public static func accepts(_ archive: ZipArchive) -> Bool {
        if archive.entry(named: "manifest.json") != nil {
            return archive.entry(named: "app.js") != nil || archive.entry(named: "META-INF/CERT") != nil
        }
        return archive.entries.contains { isSplitPart($0.name) && $0.name.lowercased().hasSuffix(".srpk") }
    }

    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        if archive.entry(named: "manifest.json") == nil, archive.entries.contains(where: { isSplitPart($0.name) }) {
            return readSplit(archive, location: location, options: options)
        }
        return readPackage(archive, location: location, options: options)
    }

    /// Reads one `.rpk` (or a `.srpk` of a split package, whose sources start with `sourcePrefix`).
    /// A sub-package that is not standalone has no `manifest.json`: `requireManifest` false.
    static func readPackage(
        _ archive: ZipArchive, location: Location, options: PackageReadOptions, sourcePrefix: String = "",
        requireManifest: Bool = true
    ) -> AppRecord {
        var record = AppRecord(location: location, kind: "rpk", platform: .quickapp, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }

        var manifestStrings: [(path: String, value: String)]?
        if let entry = archive.entry(named: "manifest.json") {
            do {
                let root = try RPK.JSON.object(from: archive.data(of: entry, maxBytes: maxManifestBytes))
                apply(RPK.Manifest(root), archive: archive, to: &record)
                manifestStrings = RPK.JSON.object(root).strings()
            } catch {
                record.errors.append(Diagnostic(
                    .error, "rpk.manifest-unreadable", "manifest.json: \(describe(error))", location: location))
            }
        } else if requireManifest {
            record.errors.append(Diagnostic(.error, "rpk.no-manifest", "no manifest.json entry", location: location))
        }

        readSignature(archive, &record)

        if options.searchFilingNumbers {
            // A decoded manifest is searched string by string (named sources); an undecodable one as bytes.
            let manifestAsBytes = manifestStrings == nil
            var search = FilingSearch(archive: archive, limits: options.limits, sourcePrefix: sourcePrefix) { name in
                isSearched(name, manifestAsBytes: manifestAsBytes) ? .textAsset : nil
            }
            search.runEntries()
            for (path, value) in manifestStrings ?? [] {
                search.search(text: value, source: "manifest.json:" + path)
            }
            record.filingNumbers = search.numbers
            record.filingSystemLinks = search.links
            record.warnings += search.warnings.map { $0.located(location) }
        }
        return record
    }

    // MARK: - Manifest

    private static func apply(_ manifest: RPK.Manifest, archive: ZipArchive, to record: inout AppRecord) {
        let location = record.location
        record.warnings += manifest.warnings.map { $0.located(location) }
        record.package = manifest.package
        if record.package == nil {
            record.errors.append(Diagnostic(.error, "rpk.no-package", "manifest.json has no package name", location: location))
        }
        record.versionCode = manifest.versionCode
        record.versionName = manifest.versionName
        if let value = manifest.minPlatformVersion {
            record.metaData.append(AppRecord.MetaData(name: "minPlatformVersion", value: value))
        }
        if let value = manifest.minAPILevel {
            record.metaData.append(AppRecord.MetaData(name: "minAPILevel", value: value))
        }
        var permissions = manifest.features
        permissions += manifest.permissions.filter { !permissions.contains($0) }
        record.permissions = permissions
        record.usesInternet = manifest.features.contains(where: RPK.Manifest.isNetworkFeature)

        guard let name = manifest.name else {
            record.warnings.append(Diagnostic(.warning, "rpk.no-name", "manifest.json has no name", location: location))
            return
        }
        guard name.contains("${") else {
            record.label = name
            return
        }
        // A template: the name as a device in each locale shows it.
        let resources = RPK.LocaleResources(archive: archive)
        record.warnings += resources.warnings.map { $0.located(location) }
        for locale in resources.locales {
            if let text = resources.resolve(name, locale: locale) { record.labels[locale] = text }
        }
        // Default: what a device whose language no file names shows (`defaults.json`); else the
        // zh-CN text, the market these apps are filed in; else any locale's.
        let label = resources.resolve(name, locale: "") ?? resources.resolve(name, locale: "zh-CN")
            ?? record.labels.sorted { $0.key < $1.key }.first?.value
        if let label {
            record.label = label
        } else {
            record.label = name
            record.warnings.append(Diagnostic(
                .warning, "rpk.label-unresolved", "the name \(name) refers to text no i18n/*.json file has", location: location))
        }
    }

    /// Entries searched for filing numbers: scripts, JSON (i18n included), pages, styles and text.
    static func isSearched(_ name: String, manifestAsBytes: Bool) -> Bool {
        if name == "manifest.json" { return manifestAsBytes }
        guard !name.hasSuffix("/"), let dot = name.lastIndex(of: "."), !name[dot...].contains("/") else { return false }
        return searchedExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    static let searchedExtensions: Set<String> = ["js", "json", "html", "htm", "txt", "css", "xml", "ux"]

    /// A JSON error in one line.
    static func describe(_ error: Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .dataCorrupted(let context):
            let reason = context.underlyingError.map { "\($0)" } ?? context.debugDescription
            return "not valid JSON: \(reason)"
        default:
            return "not valid JSON: \(decoding.localizedDescription)"
        }
    }

    // MARK: - Signature

    private static func readSignature(_ archive: ZipArchive, _ record: inout AppRecord) {
        let location = record.location
        let signature = RPK.SigningBlock.read(archive)
        if signature.present { record.signatureSchemes = ["rpk"] }
        record.signers = signature.signers
        record.warnings += signature.warnings.map { $0.located(location) }
        record.warnings += digestArchiveDiagnostics(archive, outer: signature).map { $0.located(location) }
        record.verified = nil
    }

    /// `META-INF/CERT` is a ZIP holding `hash.json` (the SHA-256 of every file), signed like the
    /// package when the package is signed. Only what contradicts the package's own signature is said.
    private static func digestArchiveDiagnostics(_ archive: ZipArchive, outer: RPK.SigningBlock.Result) -> [Diagnostic] {
        guard let entry = archive.entry(named: "META-INF/CERT") else { return [] }
        let inner: RPK.SigningBlock.Result
        do {
            let source = try archive.entrySource(entry, maxBytes: maxDigestArchiveBytes)
            inner = RPK.SigningBlock.read(try ZipArchive(source: source, limits: archive.limits))
        } catch {
            return [Diagnostic(.warning, "rpk.cert-unreadable", "META-INF/CERT is not a readable ZIP: \(error)")]
        }
        var out = inner.warnings.map { d in
            Diagnostic(d.severity, d.code, "META-INF/CERT: \(d.message)")
        }
        let innerKeys = Set(inner.signers.map(\.sha256))
        let outerKeys = Set(outer.signers.map(\.sha256))
        if !outer.present, !innerKeys.isEmpty {
            out.append(Diagnostic(
                .warning, "rpk.signature-partial",
                "META-INF/CERT is signed (\(innerKeys.sorted().joined(separator: ", "))) but the package has no RPK signing block; the runtime finds no signature"))
        } else if !outerKeys.isEmpty, !innerKeys.isEmpty, innerKeys != outerKeys {
            out.append(Diagnostic(
                .warning, "rpk.cert-signer-mismatch",
                "META-INF/CERT is signed by \(innerKeys.sorted().joined(separator: ", ")), the package by \(outerKeys.sorted().joined(separator: ", "))"))
        }
        return out
    }

    // MARK: - Split form

    /// A root entry named `*.rpk` or `*.srpk`: a part of a `.rpks`.
    static func isSplitPart(_ name: String) -> Bool {
        guard !name.contains("/") else { return false }
        let lower = name.lowercased()
        return (lower.hasSuffix(".rpk") && lower.count > 4) || (lower.hasSuffix(".srpk") && lower.count > 5)
    }
}
