import PresetScanCore

/// APK Signing Block (located just before the ZIP central directory).
///
/// Layout (APK Signature Scheme v2, "APK Signing Block"): `u64 size`, ID-value pairs, `u64 size`,
/// 16-byte magic `APK Sig Block 42`; both size fields count everything but the first one.
public struct APKSigningBlock: Sendable {
    /// One ID-value pair of the block (apksig `ApkSigningBlockUtils`: `u64 length`, `u32 id`, value).
    public struct Pair: Sendable, Equatable {
        public let id: UInt32
        public let value: [UInt8]
        /// Absolute offset of the first byte of `value`.
        public let valueOffset: UInt64

        public init(id: UInt32, value: [UInt8], valueOffset: UInt64 = 0) {
            self.id = id
            self.value = value
            self.valueOffset = valueOffset
        }
    }

    /// The footer magic, `"APK Sig Block 42"`.
    public static let magic: [UInt8] = Array("APK Sig Block 42".utf8)
    /// Largest block read into memory (the size field, i.e. total minus 8 bytes).
    public static let maxSize: UInt64 = 64 << 20

    /// Absolute start of the block (its first size field).
    public let offset: UInt64
    /// ID-value pairs in file order; duplicate ids are kept.
    public let pairs: [Pair]
    /// Problems in the pair list (the pairs before the problem are kept).
    public let diagnostics: [Diagnostic]

    public init(offset: UInt64, pairs: [Pair], diagnostics: [Diagnostic] = []) {
        self.offset = offset
        self.pairs = pairs
        self.diagnostics = diagnostics
    }

    /// Finds the block ending at `centralDirectoryOffset`.
    ///
    /// Returns `nil` when the magic is not right before the central directory. Throws `ParseError`
    /// when the magic is there but the sizes are inconsistent (the two size fields differ, the block
    /// would start before offset 0, or it is larger than `maxSize`), and `ByteSourceError` when the
    /// source cannot be read. `magic` and `name` let formats that reuse the layout with their own
    /// magic (quick apps' `RPK Sig Block 42`) share this reader.
    public static func locate(
        in source: ByteSource, centralDirectoryOffset: UInt64, magic: [UInt8] = APKSigningBlock.magic,
        name: String = "APK Signing Block"
    ) throws -> APKSigningBlock? {
        let footerLength: UInt64 = 24
        guard centralDirectoryOffset >= footerLength, centralDirectoryOffset <= source.size else { return nil }
        let footerOffset = centralDirectoryOffset - footerLength
        var footer = ByteReader(
            try source.read(at: footerOffset, count: Int(footerLength)), base: footerOffset,
            structure: "\(name) footer")
        let sizeInFooter = try footer.u64le()
        guard try footer.bytes(16) == magic else { return nil }

        // apksig: the size must at least cover the footer, and the whole block must fit before the CD.
        guard sizeInFooter >= footerLength else {
            throw ParseError("\(name) footer", at: footerOffset, "size \(sizeInFooter) is smaller than the footer")
        }
        guard sizeInFooter <= maxSize else {
            throw ParseError(
                "\(name) footer", at: footerOffset, "size \(sizeInFooter) exceeds the \(maxSize)-byte limit")
        }
        let total = sizeInFooter + 8
        guard total <= centralDirectoryOffset else {
            throw ParseError(
                "\(name) footer", at: footerOffset,
                "size \(sizeInFooter) would start the block before offset 0")
        }
        let start = centralDirectoryOffset - total
        var reader = ByteReader(try source.read(at: start, count: Int(total)), base: start, structure: name)
        let sizeInHeader = try reader.u64le()
        guard sizeInHeader == sizeInFooter else {
            throw ParseError(
                name, at: start,
                "size field \(sizeInHeader) differs from the footer's \(sizeInFooter)")
        }

        var pairsReader = try reader.sub(at: 8, length: Int(total - 8 - footerLength), structure: "\(name) pair")
        var pairs: [Pair] = []
        var diagnostics: [Diagnostic] = []
        do {
            while !pairsReader.isAtEnd {
                let pairOffset = pairsReader.absoluteOffset
                let length = try pairsReader.u64le()
                guard length >= 4, length <= UInt64(pairsReader.remaining) else {
                    throw ParseError(
                        "\(name) pair", at: pairOffset,
                        "pair #\(pairs.count + 1) length \(length) is outside 4...\(pairsReader.remaining)")
                }
                let id = try pairsReader.u32le()
                let valueOffset = pairsReader.absoluteOffset
                let value = try pairsReader.bytes(Int(length) - 4)
                pairs.append(Pair(id: id, value: value, valueOffset: valueOffset))
            }
        } catch let error as ParseError {
            diagnostics.append(Diagnostic(.error, "signing.block-malformed", error.description))
        }
        return APKSigningBlock(offset: start, pairs: pairs, diagnostics: diagnostics)
    }
}
