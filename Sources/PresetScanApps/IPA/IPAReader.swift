import PresetScanCore
import PresetScanUnpack

/// iOS app archive (SPEC §7 `ipa`): `Payload/*.app/Info.plist`, code signature, provisioning profile.
public enum IPAReader: PackageReader {
    public static let kinds = ["ipa"]
    public static let suffixes = [".ipa"]

    /// An IPA holds `Payload/NAME.app/Info.plist`.
    public static func accepts(_ archive: ZipArchive) -> Bool {
        archive.entries.contains { IPAReader.isMainInfoPlist($0.name) }
    }

    /// `Payload/NAME.app/Info.plist`, the main bundle's property list.
    static func isMainInfoPlist(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "Payload" && parts[1].hasSuffix(".app") && parts[1].count > 4 && parts[2] == "Info.plist"
    }

    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        var record = AppRecord(location: location, kind: "ipa", platform: .ios, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }
        record.errors.append(Diagnostic(.error, "package.unsupported", "ipa packages are recognised but not read yet", location: location))
        return record
    }
}
