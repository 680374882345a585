import PresetScanCore
import PresetScanUnpack

/// Quick app (SPEC §7 `rpk`): `manifest.json` package, name, versions and features; its signature.
public enum RPKReader: PackageReader {
    public static let kinds = ["rpk"]
    public static let suffixes = [".rpk"]

    /// A quick app has `manifest.json` at its root beside its compiled JavaScript (`app.js`) or its signature (`META-INF/CERT`).
    public static func accepts(_ archive: ZipArchive) -> Bool {
        guard archive.entry(named: "manifest.json") != nil else { return false }
        // XAPKs also have a manifest.json; the split-set reader comes first and takes those.
        return archive.entries.contains { entry in
            entry.name == "app.js" || entry.name.hasPrefix("META-INF/CERT") || entry.name.hasSuffix(".js")
        }
    }

    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        var record = AppRecord(location: location, kind: "rpk", platform: .quickapp, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }
        record.errors.append(Diagnostic(.error, "package.unsupported", "rpk packages are recognised but not read yet", location: location))
        return record
    }
}
