import PresetScanCore

/// Huawei `UPDATE.APP` firmware: 92 zero bytes, then blocks of a 0xA55AAA55 header, a CRC list and
/// the data, each block aligned to 4 bytes. Layout as the public unpackers describe it
/// (`split_updata.pl` by McSpoon/ZeBadger, `splitupdate` by Marco Minetti,
/// worstenbrood/HuaweiUpdateLibrary `FileHeader.cs` and `UpdateCrc16.cs`).
public enum HuaweiApp {
    /// Bytes before the first block.
    public static let leadingZeros = 92
    /// `HeaderId`, little-endian on disk as `55 AA 5A A5`.
    public static let magic: UInt32 = 0xa55a_aa55
    /// Per-block CRCs cover every data byte: checked only for items up to this size, so that `list`
    /// through a multi-GB package stays within 1.1× of `list` on its images.
    public static let blockCRCLimit: UInt64 = 64 << 20

    /// The per-block CRC of the CRC list (HuaweiUpdateLibrary `UpdateCrc16`): reflected polynomial
    /// 0x8408, initial value 0xFFFF, result inverted (CRC-16/X-25).
    static func crc16(_ bytes: ArraySlice<UInt8>) -> UInt16 {
        var crc: UInt16 = 0xffff
        for b in bytes { crc = (crc >> 8) ^ x25Table[Int((crc ^ UInt16(b)) & 0xff)] }
        return ~crc
    }

    static let x25Table: [UInt16] = (0..<256).map { i in
        var c = UInt16(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0x8408 : c >> 1 }
        return c
    }
}
