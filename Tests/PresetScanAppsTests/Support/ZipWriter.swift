/// Builds small stored ZIPs byte by byte for tests that need a package of a given shape
/// (after `PresetScanUnpackTests/ZipWriter`, without compression).
struct ZipWriter {
    var items: [(name: String, data: [UInt8])] = []

    mutating func add(_ name: String, _ text: String) { add(name, Array(text.utf8)) }

    mutating func add(_ name: String, _ data: [UInt8]) { items.append((name, data)) }

    func build() -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for item in items {
            let crc = Self.crc32(item.data)
            let localOffset = UInt32(out.count)
            let name = Array(item.name.utf8)
            out += le32(0x0403_4b50) + le16(20) + le16(0) + le16(0) + le32(0)
            out += le32(crc) + le32(UInt32(item.data.count)) + le32(UInt32(item.data.count))
            out += le16(UInt16(name.count)) + le16(0) + name + item.data
            central += le32(0x0201_4b50) + le16(0x031e) + le16(20) + le16(0) + le16(0) + le32(0)
            central += le32(crc) + le32(UInt32(item.data.count)) + le32(UInt32(item.data.count))
            central += le16(UInt16(name.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0o100644 << 16)
            central += le32(localOffset) + name
        }
        let cdOffset = UInt32(out.count)
        out += central
        let count = UInt16(items.count)
        out += le32(0x0605_4b50) + le16(0) + le16(0) + le16(count) + le16(count)
        out += le32(UInt32(central.count)) + le32(cdOffset) + le16(0)
        return out
    }

    /// CRC-32 (IEEE 802.3, reflected), bit by bit: test data is small.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xedb8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }

/// Stored-only ZIPs built in memory from (name, bytes) pairs, to put a damaged part into an
/// otherwise well-formed archive.
enum StoredZip {
    static func build(_ entries: [(String, [UInt8])]) -> [UInt8] {
        var writer = ZipWriter()
        for (name, data) in entries { writer.add(name, data) }
        return writer.build()
    }

    static func make(_ entries: [(name: String, data: [UInt8])]) -> [UInt8] {
        build(entries.map { ($0.name, $0.data) })
    }
}
