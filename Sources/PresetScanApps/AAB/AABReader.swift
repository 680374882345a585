import PresetScanCore
import PresetScanFiling
import PresetScanUnpack

/// Android App Bundle (SPEC §7 `aab`): aapt2 protobuf manifest and resources, JAR-signed.
///
/// Identity from the base module (`base/manifest/AndroidManifest.xml`, `base/resources.pb`),
/// read as `aapt2 dump badging` reads the proto-format APK of that module; signers from the JAR
/// signature (`META-INF/*.RSA|EC|DSA` beside its `.SF`), the only signature a bundle carries.
/// Filing numbers are searched in every module: manifest meta-data, `resources.pb` strings,
/// `dex/*.dex`, text assets and native libraries.
///
/// Diagnostic codes: `aab.no-manifest`, `aab.manifest-unreadable`, `aab.no-package` (errors: the
/// app cannot be identified); `aab.no-resources`, `aab.resources-unreadable`,
/// `aab.resources-too-large`, `aab.resources-malformed`, `aab.unresolved-label`,
/// `aab.attribute-by-name`, `aab.duplicate-application`, `aab.node-limit` (warnings); and the
/// JAR signature's `signing.v1-*`.
public enum AABReader: PackageReader {
    public static let kinds = ["aab"]
    public static let platform = Platform.android
    public static let suffixes = [".aab"]

    static let manifestPath = "base/manifest/AndroidManifest.xml"
    static let resourcesPath = "base/resources.pb"

    /// A bundle has its base module's protobuf manifest under `base/manifest/`.
    public static func accepts(_ archive: ZipArchive) -> Bool {
        archive.entry(named: manifestPath) != nil
    }

    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        var record = AppRecord(location: location, kind: "aab", platform: .android, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }
        let table = resourceTable(archive, module: "base", &record)
        readManifest(archive, table, &record)
        readSigners(archive, &record)
        if options.searchFilingNumbers {
            searchFilingNumbers(archive, table, limits: options.limits, &record)
        }
        return record
    }

    // MARK: - Resources

    /// A module's `resources.pb`, decoded and indexed; nil (with a warning) when it is missing,
    /// too large to decode or not a ResourceTable.
    private static func resourceTable(_ archive: ZipArchive, module: String, _ record: inout AppRecord) -> AAB.ResourceTable? {
        let path = module + "/resources.pb"
        guard let entry = archive.entry(named: path) else { return nil }
        let location = record.location.appending(path)
        guard entry.uncompressedSize <= UInt64(AAB.maxResourceTableBytes) else {
            record.warnings.append(Diagnostic(.warning, "aab.resources-too-large",
                "\(path): \(entry.uncompressedSize) bytes, over the \(AAB.maxResourceTableBytes)-byte limit for decoding; "
                    + "labels are not resolved",
                location: location))
            return nil
        }
        do {
            let bytes = try archive.data(of: entry, maxBytes: AAB.maxResourceTableBytes)
            let decoded = try Aapt_Pb_ResourceTable(serializedBytes: bytes, options: AAB.decodingOptions)
            let table = AAB.ResourceTable(decoded, limits: archive.limits)
            record.warnings += table.warnings.map { $0.located(location) }
            return table
        } catch {
            record.warnings.append(Diagnostic(.warning, "aab.resources-unreadable", "\(path): \(error)", location: location))
            return nil
        }
    }

    // MARK: - Manifest

    private static func readManifest(_ archive: ZipArchive, _ table: AAB.ResourceTable?, _ record: inout AppRecord) {
        let location = record.location
        guard let entry = archive.entry(named: manifestPath) else {
            record.errors.append(Diagnostic(.error, "aab.no-manifest",
                "no \(manifestPath): not an App Bundle's base module", location: location))
            return
        }
        let manifest: AndroidManifest
        do {
            let bytes = try archive.data(of: entry, maxBytes: AAB.maxManifestBytes)
            manifest = try AAB.Manifest.parse(bytes, limits: archive.limits)
        } catch {
            record.errors.append(Diagnostic(.error, "aab.manifest-unreadable", "\(manifestPath): \(error)", location: location))
            return
        }
        record.warnings += manifest.warnings.map { $0.located(location.appending(manifestPath)) }
        record.package = manifest.package.flatMap { $0.isEmpty ? nil : $0 }
        if record.package == nil {
            record.errors.append(Diagnostic(.error, "aab.no-package", "the base manifest has no package name", location: location))
        }
        if let code = integer(manifest.versionCode, table) {
            let major = integer(manifest.versionCodeMajor, table) ?? 0
            record.versionCode = UInt64(UInt32(truncatingIfNeeded: major)) << 32 | UInt64(UInt32(truncatingIfNeeded: code))
        }
        record.versionName = text(manifest.versionName, table)
        if let minSdk = manifest.minSdkVersion {
            if let n = integer(minSdk, table) {
                record.minSdk = Int(truncatingIfNeeded: n)
            } else if let name = text(minSdk, table) {
                if let n = Int(name) { record.minSdk = n } else { record.minSdkCodename = name }
            }
        }
        if let target = manifest.targetSdkVersion, let n = integer(target, table) ?? text(target, table).flatMap({ Int64($0) }) {
            record.targetSdk = Int(truncatingIfNeeded: n)
        }
        record.permissions = manifest.permissions
        record.usesInternet = manifest.permissions.contains(APKReader.internetPermission)

        switch manifest.applicationLabel {
        case .reference(let id)?:
            if let table {
                record.label = table.resolveString(id)
                record.labels = table.labelsForEveryLocale(id)
                if record.label == nil {
                    record.warnings.append(Diagnostic(.warning, "aab.unresolved-label",
                        "the label refers to \(reference(id)), which resolves to no string (missing, a cycle, "
                            + "or more than \(archive.limits.maxReferenceDepth) references)",
                        location: location))
                }
            } else {
                record.warnings.append(Diagnostic(.warning, "aab.unresolved-label",
                    "the label refers to \(reference(id)) but \(resourcesPath) is missing or unreadable", location: location))
            }
        case let value?:
            record.label = value.literalText
        case nil:
            break
        }

        record.metaData = manifest.metaData.compactMap { element in
            guard let name = element.name else { return nil }
            var value: String?
            if case .reference(let id)? = element.value {
                value = table?.string(id, locale: nil) ?? reference(id)
            } else {
                value = element.value?.literalText
            }
            var resource: String?
            if case .reference(let id)? = element.resource { resource = reference(id) }
            return AppRecord.MetaData(name: name, value: value, resource: resource)
        }
    }

    private static func reference(_ id: UInt32) -> String {
        "@0x" + String(id, radix: 16).leftPadded(to: 8)
    }

    private static func integer(_ value: ResValue?, _ table: AAB.ResourceTable?) -> Int64? {
        switch value {
        case .int(let n)?: return n
        case .string(let s)?: return Int64(s.trimmingSpaces)
        case .reference(let id)?: return table?.integer(id)
        default: return nil
        }
    }

    private static func text(_ value: ResValue?, _ table: AAB.ResourceTable?) -> String? {
        switch value {
        case .reference(let id)?: return table?.string(id, locale: nil)
        case let v?: return v.literalText
        case nil: return nil
        }
    }

    // MARK: - Signing

    /// The JAR signature: each `META-INF/NAME.RSA|DSA|EC` beside its `NAME.SF`, as for an APK's v1.
    private static func readSigners(_ archive: ZipArchive, _ record: inout AppRecord) {
        let v1 = APKReader.jarSigners(archive, location: record.location)
        record.warnings += v1.warnings
        if !v1.signers.isEmpty {
            record.signatureSchemes = ["v1"]
            record.signers = v1.signers
        }
        record.verified = nil
    }

    // MARK: - Filing numbers

    /// Which entries of a bundle are searched, by module: `<module>/dex/*.dex`,
    /// `<module>/lib/<abi>/*.so`, `<module>/assets/**` text; never `META-INF/` or `BUNDLE-METADATA/`.
    static func entryKind(of name: String) -> FilingSearch.EntryKind? {
        guard let slash = name.firstIndex(of: "/") else { return nil }
        let module = name[..<slash]
        guard module != "META-INF", module != "BUNDLE-METADATA" else { return nil }
        let rest = name[name.index(after: slash)...]
        if rest.hasPrefix("dex/") {
            let file = rest.dropFirst(4)
            return !file.contains("/") && file.hasSuffix(".dex") ? .dex : nil
        }
        if rest.hasPrefix("lib/") || rest.hasPrefix("assets/") { return FilingSearch.kind(of: String(rest)) }
        return nil
    }

    /// Modules of the bundle: every top-level folder with a `manifest/AndroidManifest.xml`.
    private static func modules(_ archive: ZipArchive) -> [String] {
        var found: Set<String> = []
        for entry in archive.entries where entry.name.hasSuffix("/manifest/AndroidManifest.xml") {
            let module = entry.name.dropLast("/manifest/AndroidManifest.xml".count)
            if !module.isEmpty, !module.contains("/") { found.insert(String(module)) }
        }
        return found.sorted { ($0 == "base" ? "" : $0) < ($1 == "base" ? "" : $1) }
    }

    private static func searchFilingNumbers(
        _ archive: ZipArchive, _ baseTable: AAB.ResourceTable?, limits: Limits, _ record: inout AppRecord
    ) {
        var search = FilingSearch(archive: archive, limits: limits, classify: entryKind(of:))
        for item in record.metaData {
            if let value = item.value { search.search(text: value, source: "\(manifestPath):meta-data/\(item.name)") }
        }
        for module in modules(archive) {
            if module != "base" { searchManifest(archive, module: module, limits: limits, &search) }
            searchResources(archive, module: module, baseTable: baseTable, limits: limits, &search, &record)
        }
        search.runEntries()
        record.filingNumbers = search.numbers
        record.filingSystemLinks = search.links
        record.warnings += search.warnings.map { $0.located(record.location) }
    }

    /// Literal meta-data values of another module's manifest (a feature module's own).
    private static func searchManifest(_ archive: ZipArchive, module: String, limits: Limits, _ search: inout FilingSearch) {
        let path = "\(module)/manifest/AndroidManifest.xml"
        guard let entry = archive.entry(named: path), let bytes = try? archive.data(of: entry, maxBytes: AAB.maxManifestBytes),
            let manifest = try? AAB.Manifest.parse(bytes, limits: limits)
        else { return }
        for element in manifest.metaData {
            if let name = element.name, let value = element.value?.literalText {
                search.search(text: value, source: "\(path):meta-data/\(name)")
            }
        }
    }

    /// A module's `resources.pb`: its bytes are scanned first; only when they hold a number are
    /// the strings decoded and named (`base/resources.pb:string/icp_number[zh-CN]`). A table that
    /// cannot be decoded still gives its numbers, under the file's name.
    private static func searchResources(
        _ archive: ZipArchive, module: String, baseTable: AAB.ResourceTable?, limits: Limits,
        _ search: inout FilingSearch, _ record: inout AppRecord
    ) {
        let path = module + "/resources.pb"
        guard let entry = archive.entry(named: path) else { return }
        guard let bytes = try? archive.data(of: entry, maxBytes: limits.maxFilingSearchEntryBytes) else {
            record.warnings.append(Diagnostic(.warning, "filing.entry-unreadable",
                "\(path) not searched for filing numbers: over \(limits.maxFilingSearchEntryBytes) bytes or unreadable",
                location: record.location))
            return
        }
        let scan = FilingScanner.scan(inBytes: bytes)
        if !scan.linkOffsets.isEmpty { search.addLink(source: path) }
        let matches = scan.matches
        guard !matches.isEmpty else { return }
        var table = module == "base" ? baseTable : nil
        if table == nil, bytes.count <= AAB.maxResourceTableBytes,
            let decoded = try? Aapt_Pb_ResourceTable(serializedBytes: bytes, options: AAB.decodingOptions)
        {
            table = AAB.ResourceTable(decoded, limits: limits)
        }
        guard let table else {
            for match in matches { search.add(match.number, source: path) }
            return
        }
        table.forEachString { text, name in
            search.search(text: text, source: "\(path):\(name)")
        }
    }
}
