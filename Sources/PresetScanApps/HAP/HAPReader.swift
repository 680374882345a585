import PresetScanCore
import PresetScanUnpack

/// HarmonyOS module (SPEC §7 `hap`, `hsp`): stage-model `module.json` or FA-model `config.json`, HAP signing block.
public enum HAPReader: PackageReader {
    public static let kinds = ["hap", "hsp"]
    public static let suffixes = [".hap", ".hsp"]

    /// A HAP has `module.json` (stage model), or `config.json` beside `resources.index`/`pack.info` (FA model).
    public static func accepts(_ archive: ZipArchive) -> Bool {
        if archive.entry(named: "module.json") != nil { return true }
        // FA model: config.json, which is a common name, only beside a HarmonyOS resource index or pack.info.
        return archive.entry(named: "config.json") != nil
            && (archive.entry(named: "resources.index") != nil || archive.entry(named: "pack.info") != nil)
    }

    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        var record = AppRecord(location: location, kind: "hap", platform: .harmony, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }
        record.errors.append(Diagnostic(.error, "package.unsupported", "hap packages are recognised but not read yet", location: location))
        return record
    }
}
