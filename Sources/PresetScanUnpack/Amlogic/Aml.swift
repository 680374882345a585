import CDeflate
import PresetScanCore

/// Namespace for Amlogic burning images (`aml_upgrade_package.img`, written by `aml_image_v2_packer`),
/// laid out as u-boot's `amlImage_if.h` (v2_burning) and the public format notes of the Amlogic
/// image tools (SaluteDevices/JetHome `aml_image` library, `ampack`) describe them.
public enum Aml {
    /// Images and partitions no larger than this are checked (image CRC-32, `VERIFY` SHA-1) when
    /// opened; larger ones are not: either check reads every byte, which `list` cannot afford.
    public static let checksumLimit: UInt64 = 64 << 20

    /// The image CRC as the packer stores it: CRC-32 (IEEE, reflected) with initial value 0xFFFFFFFF
    /// and no final XOR — zlib's `crc32` of the bytes, XOR 0xFFFFFFFF.
    static func imageCRC(of source: ByteSource, from offset: UInt64) throws -> UInt32 {
        var crc: UInt32 = 0
        var done = offset
        while done < source.size {
            let n = Int(min(source.size - done, 1 << 20))
            let bytes = try source.read(at: done, count: n)
            crc = bytes.withUnsafeBytes { UInt32(libdeflate_crc32(crc, $0.baseAddress, $0.count)) }
            done += UInt64(n)
        }
        return crc ^ 0xffff_ffff
    }

    static func cString(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
}
