import PresetScanCore

extension RK {
    /// The `parameter` part: its text framed as `rkcrc -p` and afptool write it — magic `PARM`, the
    /// text's length (u32), the text, and the RKCRC of the text (u32). The text's `CMDLINE` names the
    /// flash partitions in `mtdparts=` (or `blkdevparts=`) syntax.
    public struct Parameter: Sendable, Equatable {
        public static let magic = Array("PARM".utf8)
        /// Longest parameter text read (afptool packs at most 2 KiB; rkcrc pads to 16 KiB).
        public static let maxLength: UInt32 = 1 << 20
        /// Where the text starts inside the part, and its length.
        public var textOffset: UInt64
        public var textLength: UInt32
        public var storedCRC: UInt32
        public var computedCRC: UInt32
        public var text: String

        /// One partition of the flash layout: `size@offset(name)`, in 512-byte sectors; size nil for `-` (grows).
        public struct Partition: Sendable, Equatable {
            public var name: String
            public var offset: UInt64
            public var size: UInt64?
        }

        /// Reads the framing of a part of `partSize` bytes whose first bytes are `head`.
        public static func parse(_ bytes: [UInt8], partSize: UInt64) throws -> Parameter {
            var r = ByteReader(bytes, structure: "RK parameter")
            guard try r.bytes(4) == magic else { throw r.error("no PARM magic", at: 0) }
            let length = try r.u32le()
            guard length <= maxLength, UInt64(length) + 12 <= partSize else {
                throw r.error("text length \(length) does not fit the \(partSize)-byte part", at: 4)
            }
            let text = try r.bytes(Int(length))
            let stored = try r.u32le()
            return Parameter(textOffset: 8, textLength: length, storedCRC: stored, computedCRC: RK.crc(text),
                             text: String(decoding: text, as: UTF8.self))
        }

        /// The partitions of the `mtdparts=`/`blkdevparts=` list in the text (empty when there is none).
        public var partitions: [Partition] {
            for key in ["mtdparts=", "blkdevparts="] {
                guard let range = text.range(of: key) else { continue }
                let rest = text[range.upperBound...].prefix { !$0.isWhitespace }
                guard let colon = rest.firstIndex(of: ":") else { return [] }
                return rest[rest.index(after: colon)...].split(separator: ",").prefix(256).compactMap(Self.partition)
            }
            return []
        }

        /// `0x2000@0x4000(uboot)`, `-@0x10000(userdata:grow)`.
        static func partition(_ spec: Substring) -> Partition? {
            guard let at = spec.firstIndex(of: "@"), let open = spec.firstIndex(of: "("), at < open,
                  let close = spec.lastIndex(of: ")"), open < close else { return nil }
            let sizeText = spec[..<at]
            let size: UInt64? = sizeText == "-" ? nil : number(sizeText)
            guard sizeText == "-" || size != nil, let offset = number(spec[spec.index(after: at)..<open]) else { return nil }
            let name = spec[spec.index(after: open)..<close].split(separator: ":").first.map(String.init) ?? ""
            return Partition(name: name, offset: offset, size: size)
        }

        static func number(_ s: Substring) -> UInt64? {
            let t = s.trimmingPrefix("0x").trimmingPrefix("0X")
            return t.count < s.count ? UInt64(t, radix: 16) : UInt64(s)
        }
    }
}
