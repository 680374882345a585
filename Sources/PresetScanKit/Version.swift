/// The tool's version, reported by `--version` and in reports.
public enum PresetScanVersion {
    public static let current = "0.1.0"
}
