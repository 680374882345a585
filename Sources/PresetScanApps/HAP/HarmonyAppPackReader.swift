import PresetScanCore
import PresetScanUnpack

/// HarmonyOS APP pack (SPEC §7 `app`): `pack.info` and the HAPs it lists, read as one app.
public enum HarmonyAppPackReader: PackageReader {
    public static let kinds = ["app"]
    public static let platform = Platform.harmony
    // `.app` is no name to go by: too common outside HarmonyOS. Content decides.
    public static let suffixes: [String] = []

    /// HAP/HSP entries read from one pack; the rest are listed as skipped.
    public static let maxModules = 256

    /// An APP pack has `pack.info` and HAP/HSP entries at its root, and no module of its own.
    public static func accepts(_ archive: ZipArchive) -> Bool {
        guard archive.entry(named: "pack.info") != nil,
              archive.entry(named: "module.json") == nil, archive.entry(named: "config.json") == nil
        else { return false }
        return archive.entries.contains { isModule($0.name) }
    }

    /// A `.hap` or `.hsp` at the pack's root.
    static func isModule(_ name: String) -> Bool {
        let lower = name.lowercased()
        return !lower.contains("/") && (lower.hasSuffix(".hap") || lower.hasSuffix(".hsp"))
    }

    /// Identity from `pack.info`; label, permissions, signers and profile from the entry HAP
    /// (permissions: every module's, as the bundle is granted them together); every HAP/HSP as a
    /// component; filing numbers from all of them (`entry-default.hap!/...`).
    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        var record = AppRecord(location: location, kind: "app", platform: .harmony, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }
        var diagnostics = HAPReader.Diagnostics(location: location)

        var pack: HAP.PackInfo?
        if let entry = archive.entry(named: "pack.info") {
            do {
                pack = try HAP.PackInfo(try archive.data(of: entry, maxBytes: HAP.maxJSONBytes))
            } catch {
                diagnostics.error("app.pack-info-unreadable", "pack.info: \(error)")
            }
        }
        record.package = pack?.bundleName
        record.versionCode = pack?.versionCode
        record.versionName = pack?.versionName
        if pack != nil, pack?.bundleName == nil {
            diagnostics.error("app.no-bundle-name", "pack.info has no summary.app.bundleName")
        }

        let entries = archive.entries.filter { isModule($0.name) && !$0.isDirectory }
        if entries.count > maxModules {
            diagnostics.error("app.too-many-modules", "\(entries.count) HAP/HSP entries; only the first \(maxModules) were read")
        }
        var modules: [Module] = []
        for entry in entries.prefix(maxModules) {
            let part = location.appending(entry.name)
            do {
                let source = try archive.entrySource(entry, maxBytes: options.limits.maxEntryBytes)
                let zip = try ZipArchive(source: source, limits: options.limits)
                let (hap, info) = HAPReader.readModule(archive: zip, location: part, options: options)
                modules.append(Module(entry: entry, record: hap, info: info))
            } catch {
                diagnostics.error("app.module-unreadable", "\(entry.debugName): \(error)")
            }
        }

        let entryModule = self.entryModule(modules, pack: pack)
        if let main = entryModule?.record {
            record.label = main.label
            record.labels = main.labels
            record.signatureSchemes = main.signatureSchemes
            record.signers = main.signers
            record.profile = main.profile
            if record.package == nil { record.package = main.package }
            if record.versionCode == nil { record.versionCode = main.versionCode }
            if record.versionName == nil { record.versionName = main.versionName }
        } else if !modules.isEmpty {
            diagnostics.warning("app.no-entry-module", "no entry HAP: pack.info names none and no module is of type entry")
        } else {
            diagnostics.error("app.no-module", "no HAP or HSP could be read from the pack")
        }

        var search = FilingSearch(archive: archive, limits: options.limits, classify: { _ in nil })
        let mainSigners = Set(record.signers.map(\.sha256))
        var permissions: Set<String> = []
        for module in orderedForReport(modules, entry: entryModule?.entry) {
            let (entry, hap) = (module.entry, module.record)
            for permission in hap.permissions where permissions.insert(permission).inserted {
                record.permissions.append(permission)
            }
            let role = hap.kind == "hsp" ? "hsp" : "hap"
            record.components.append(
                Component(path: entry.name, role: role, package: hap.package, name: module.info?.moduleName,
                          signerSha256: hap.signers.map(\.sha256)))
            record.warnings += hap.warnings
            record.errors += hap.errors
            if let name = hap.package, let packName = pack?.bundleName, name != packName {
                diagnostics.warning("app.bundle-mismatch", "\(entry.name) is bundle \(name), pack.info names \(packName)")
            }
            if entry.name != entryModule?.entry.name, !mainSigners.isEmpty {
                let signers = Set(hap.signers.map(\.sha256))
                if signers.isEmpty {
                    diagnostics.warning("app.module-unsigned", "\(entry.name) is not signed, the entry HAP is")
                } else if signers != mainSigners {
                    diagnostics.warning(
                        "app.signer-mismatch",
                        "\(entry.name) is signed by \(signers.sorted().joined(separator: ", ")), "
                            + "the entry HAP by \(mainSigners.sorted().joined(separator: ", "))")
                }
            }
            if options.searchFilingNumbers {
                var part = FilingSearch(archive: archive, limits: options.limits, sourcePrefix: entry.name + "!/", classify: { _ in nil })
                part.merge(hap.filingNumbers, links: hap.filingSystemLinks, warnings: [])
                search.merge(part.numbers, links: part.links, warnings: [])
            }
        }
        record.usesInternet = record.permissions.contains(HAP.internetPermission)
        if options.searchFilingNumbers {
            record.filingNumbers = search.numbers
            record.filingSystemLinks = search.links
        }
        record.warnings += diagnostics.warnings
        record.errors += diagnostics.errors
        return record
    }

    /// One HAP or HSP of the pack, as read.
    struct Module {
        var entry: Zip.Entry
        var record: AppRecord
        var info: HAP.ModuleInfo?
    }

    /// The entry HAP: the package pack.info lists with module type `entry`, else the first HAP of
    /// that type (of pack.info's bundle when one is), else nil.
    static func entryModule(_ modules: [Module], pack: HAP.PackInfo?) -> Module? {
        for package in pack?.packages ?? [] where package.moduleType == "entry" {
            if let found = modules.first(where: { $0.entry.name == package.name + ".hap" }) { return found }
        }
        let entries = modules.filter { $0.record.kind == "hap" && $0.info?.moduleType == "entry" }
        return entries.first { $0.record.package != nil && $0.record.package == pack?.bundleName } ?? entries.first
    }

    /// Entry first, then the pack's order.
    static func orderedForReport(_ modules: [Module], entry: Zip.Entry?) -> [Module] {
        guard let entry else { return modules }
        return modules.filter { $0.entry.name == entry.name } + modules.filter { $0.entry.name != entry.name }
    }
}
