import PresetScanCore

/// Namespace for Rockchip firmware packages: `update.img` as Rockchip's `RKImageMaker`/`afptool` write
/// it and Debian's `rkunpack` (package `rkflashtool`) reads it. RKFW wraps a loader and an RKAF
/// ("Android firmware") image; RKAF holds the partition images listed in its `package-file`.
public enum RK {
    /// Content no larger than this is checked against its CRC when opened: a whole-image CRC costs a
    /// read of every byte, which `list` on a multi-GB package cannot afford (it reads in place).
    public static let checksumLimit: UInt64 = 64 << 20

    /// `RKCRC` of `rkcrc.h` (rkflashtool): CRC-32, polynomial 0x04C10DB7, MSB first, initial value 0,
    /// no final XOR. Used for the PARM framing of `parameter` and for the RKAF trailer.
    public static func crc(_ bytes: [UInt8], into crc: UInt32 = 0) -> UInt32 {
        var c = crc
        for b in bytes { c = (c << 8) ^ crcTable[Int((c >> 24) ^ UInt32(b))] }
        return c
    }

    /// The RKCRC of `length` bytes of `source` from `offset`, read in 1 MiB pieces.
    static func crc(of source: ByteSource, offset: UInt64, length: UInt64) throws -> UInt32 {
        var c: UInt32 = 0
        var done: UInt64 = 0
        while done < length {
            let n = Int(min(length - done, 1 << 20))
            c = crc(try source.read(at: offset + done, count: n), into: c)
            done += UInt64(n)
        }
        return c
    }

    static let crcTable: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i) << 24
        for _ in 0..<8 { c = c & 0x8000_0000 != 0 ? (c << 1) ^ 0x04c1_0db7 : c << 1 }
        return c
    }

    /// A NUL-terminated string in a fixed-size field (names, file names, model).
    static func cString(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
