import PresetScanCore

/// Unisoc/Spreadtrum `.pac` firmware packages (BP_R1.0.0 and BP_R2.0.1), the packages the SPD
/// ResearchDownload/UpgradeDownload tools flash. Layout as the open-source unpackers describe it
/// (divinebird/pacextractor `pacextractor.c`; HemanthJabalpuri's pacextractor C/Python/Java ports,
/// whose `pacextractor.h` gives the BP_R2 64-bit hi/lo fields; unisoc/dloader `BinPack.cpp`).
public enum PAC {
    /// `dwMagic` of a header that carries CRC-16 values (`wCRC1`, `wCRC2`).
    static let crcMagic: UInt32 = 0xfffa_fffa
    /// The data CRC (`wCRC2`) covers every byte after the header: checked only up to this size, so
    /// that `list` through a multi-GB package stays within 1.1× of `list` on its images.
    public static let dataCRCLimit: UInt64 = 64 << 20

    /// CRC-16 as the PAC tools compute it: reflected polynomial 0xA001 (CRC-16/ARC), initial value 0.
    static func crc16(_ bytes: [UInt8], _ crc: UInt16 = 0) -> UInt16 {
        var crc = crc
        for b in bytes { crc = (crc >> 8) ^ arcTable[Int((crc ^ UInt16(b)) & 0xff)] }
        return crc
    }

    static let arcTable: [UInt16] = (0..<256).map { i in
        var c = UInt16(i)
        for _ in 0..<8 { c = c & 1 != 0 ? (c >> 1) ^ 0xa001 : c >> 1 }
        return c
    }

    /// A UTF-16LE string of `units` code units at `offset` of `bytes`, cut at the first NUL.
    static func utf16(_ bytes: [UInt8], at offset: Int, units: Int) -> String {
        var codes: [UInt16] = []
        var i = offset
        while i + 1 < bytes.count, i < offset + units * 2 {
            let u = UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8
            if u == 0 { break }
            codes.append(u)
            i += 2
        }
        return String(decoding: codes, as: UTF16.self)
    }
}
