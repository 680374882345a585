import PresetScanCore
import PresetScanUnpack

/// HarmonyOS APP pack (SPEC §7 `app`): `pack.info` and the HAPs it lists, read as one app.
public enum HarmonyAppPackReader: PackageReader {
    public static let kinds = ["app"]
    // `.app` is no name to go by: too common outside HarmonyOS. Content decides.
    public static let suffixes: [String] = []

    /// An APP pack has `pack.info` and HAP/HSP entries at its root, and no module of its own.
    public static func accepts(_ archive: ZipArchive) -> Bool {
        guard archive.entry(named: "pack.info") != nil,
              archive.entry(named: "module.json") == nil, archive.entry(named: "config.json") == nil
        else { return false }
        return archive.entries.contains { entry in
            let lower = entry.name.lowercased()
            return !lower.contains("/") && (lower.hasSuffix(".hap") || lower.hasSuffix(".hsp"))
        }
    }

    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        var record = AppRecord(location: location, kind: "app", platform: .harmony, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }
        record.errors.append(Diagnostic(.error, "package.unsupported", "app packages are recognised but not read yet", location: location))
        return record
    }
}
