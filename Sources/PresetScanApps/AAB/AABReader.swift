import PresetScanCore
import PresetScanUnpack

/// Android App Bundle (SPEC §7 `aab`): aapt2 protobuf manifest and resources, JAR-signed.
public enum AABReader: PackageReader {
    public static let kinds = ["aab"]
    public static let suffixes = [".aab"]

    /// A bundle has its base module's protobuf manifest under `base/manifest/`.
    public static func accepts(_ archive: ZipArchive) -> Bool {
        archive.entry(named: "base/manifest/AndroidManifest.xml") != nil
    }

    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        var record = AppRecord(location: location, kind: "aab", platform: .android, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }
        record.errors.append(Diagnostic(.error, "package.unsupported", "aab packages are recognised but not read yet", location: location))
        return record
    }
}
