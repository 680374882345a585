import PresetScanCore

/// Qualcomm flat builds (the folders QFIL / `fh_loader` flash): `rawprogram<N>.xml` lists, per
/// LUN, `<program filename=… label=… start_sector=… SECTOR_SIZE_IN_BYTES=…/>`, and large partitions
/// come as several files (`system_1.img`, `system_2.img`, … as `checksparse.py` writes them) that
/// together make one partition. Layout from the public descriptions of the format (Qualcomm's
/// `ptool.py`/`checksparse.py` outputs, bkerler/edl `rawprogram` parsing).
public enum Qualcomm {
    /// A `rawprogram*.xml` larger than this is not a flash plan (the largest seen are a few hundred KB).
    public static let maxPlanBytes: UInt64 = 16 << 20
    /// `<program>` elements read from one plan.
    public static let maxPrograms = 65536

    /// Whether `name` is a flash plan this reader reads (`rawprogram0.xml`, `rawprogram_unsparse0.xml`).
    public static func isPlan(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasPrefix("rawprogram") && lower.hasSuffix(".xml")
    }
}
