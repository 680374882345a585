import CZlib
import PresetScanCore

/// Builds small ZIPs byte by byte so tests can make exactly the malformed archive they need.
struct ZipWriter {
    struct Item {
        var name: String
        var data: [UInt8]
        var method: UInt16 = 0
        var flags: UInt16 = 0
        /// Overrides for the central directory, to fake inconsistencies.
        var cdUncompressedSize: UInt32? = nil
        var localName: String? = nil
        var localMethod: UInt16? = nil
    }

    var items: [Item] = []
    var prefix: [UInt8] = []
    var comment: [UInt8] = []
    var declaredCommentLength: UInt16? = nil
    var entryCountOverride: UInt16? = nil

    mutating func add(_ name: String, _ text: String, deflate: Bool = false) {
        add(name, Array(text.utf8), deflate: deflate)
    }

    mutating func add(_ name: String, _ data: [UInt8], deflate: Bool = false) {
        items.append(Item(name: name, data: data, method: deflate ? 8 : 0))
    }

    func build(adjustOffsetsForPrefix: Bool = false) -> [UInt8] {
        var out = prefix
        var central: [UInt8] = []
        let base = adjustOffsetsForPrefix ? 0 : prefix.count
        for item in items {
            let payload = item.method == 8 ? Self.deflate(item.data) : item.data
            let crc = UInt32(crc32(0, item.data, UInt32(item.data.count)))
            let localOffset = UInt32(out.count - base)
            let localName = Array((item.localName ?? item.name).utf8)
            out += le32(0x0403_4b50) + le16(20) + le16(item.flags) + le16(item.localMethod ?? item.method) + le32(0)
            out += le32(crc) + le32(UInt32(payload.count)) + le32(UInt32(item.data.count))
            out += le16(UInt16(localName.count)) + le16(0) + localName + payload
            let name = Array(item.name.utf8)
            central += le32(0x0201_4b50) + le16(0x031e) + le16(20) + le16(item.flags) + le16(item.method) + le32(0)
            central += le32(crc) + le32(UInt32(payload.count)) + le32(item.cdUncompressedSize ?? UInt32(item.data.count))
            central += le16(UInt16(name.count)) + le16(0) + le16(0) + le16(0) + le16(0) + le32(0o100644 << 16)
            central += le32(localOffset) + name
        }
        let cdOffset = UInt32(out.count - base)
        out += central
        let count = entryCountOverride ?? UInt16(items.count)
        out += le32(0x0605_4b50) + le16(0) + le16(0) + le16(count) + le16(count)
        out += le32(UInt32(central.count)) + le32(cdOffset) + le16(declaredCommentLength ?? UInt16(comment.count)) + comment
        return out
    }

    static func deflate(_ data: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        deflateInit2_(&stream, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(data.count))) + 16)
        var input = data
        let produced = input.withUnsafeMutableBufferPointer { inBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                _ = CZlib.deflate(&stream, Z_FINISH)
                return Int(stream.total_out)
            }
        }
        return Array(out[0..<produced])
    }
}

func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
