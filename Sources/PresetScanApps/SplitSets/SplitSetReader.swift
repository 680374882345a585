import PresetScanCore
import PresetScanUnpack

/// Split APK sets (SPEC §7 `apks`, `xapk`, `apkm`): a base APK and its config splits, read as one app.
public enum SplitSetReader: PackageReader {
    public static let kinds = ["apks", "xapk", "apkm"]
    public static let suffixes = [".apks", ".xapk", ".apkm"]

    /// bundletool's `toc.pb`, XAPK's `manifest.json` or APKM's `info.json` beside APKs, or a `base.apk` with splits.
    public static func accepts(_ archive: ZipArchive) -> Bool {
        let names = archive.entries.lazy.filter { !$0.isDirectory }.map(\.name)
        let apks = names.filter { $0.lowercased().hasSuffix(".apk") }
        if archive.entry(named: "toc.pb") != nil { return true }
        guard !apks.isEmpty else { return false }
        if archive.entry(named: "manifest.json") != nil || archive.entry(named: "info.json") != nil { return true }
        // A set saved without its table of contents (SAI, older bundletool): base.apk beside its splits.
        return apks.contains { $0 == "base.apk" || $0 == "splits/base-master.apk" }
    }

    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        var record = AppRecord(location: location, kind: "apks", platform: .android, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }
        record.errors.append(Diagnostic(.error, "package.unsupported", "apks packages are recognised but not read yet", location: location))
        return record
    }
}
