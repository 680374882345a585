/// Finds filing numbers in text and in raw bytes (UTF-8, MUTF-8, UTF-16LE).
///
/// Byte buffers are searched for the anchors only (`ICP` in any case or full width, `公网安备`),
/// and the grammar runs on a small window around each hit, so a large file costs one pass.
public enum FilingScanner {
    /// How the bytes around a match were decoded.
    public enum Encoding: String, Sendable, Codable {
        /// UTF-8, which also reads dex MUTF-8 (`C0 80` and surrogate pairs are decoded).
        case utf8
        case utf16le
    }

    /// A number found in a byte buffer, with the byte offset its raw text starts at.
    public struct Match: Sendable, Hashable {
        public var number: FilingNumber
        public var offset: Int
        public var encoding: Encoding

        public init(number: FilingNumber, offset: Int, encoding: Encoding) {
            self.number = number
            self.offset = offset
            self.encoding = encoding
        }
    }

    /// Every filing-like number in `text`, in order of appearance.
    public static func find(in text: String, currentYear: Int = FilingNumber.currentYear) -> [FilingNumber] {
        find(in: Array(text.unicodeScalars), currentYear: currentYear).map(\.number)
    }

    /// Every filing-like number in `bytes`, UTF-8 and UTF-16LE, ordered by offset.
    public static func find(inBytes bytes: [UInt8], currentYear: Int = FilingNumber.currentYear) -> [Match] {
        bytes.withUnsafeBytes { find(inBytes: $0, currentYear: currentYear) }
    }

    /// Every filing-like number in `bytes`, UTF-8 and UTF-16LE, ordered by offset.
    public static func find(inBytes bytes: UnsafeRawBufferPointer, currentYear: Int = FilingNumber.currentYear) -> [Match] {
        scan(inBytes: bytes, currentYear: currentYear).matches
    }

    /// The national filing system's address (MIIT Notice [2023] No. 105 item 2(8): a link to it
    /// below the number shown), in any case, with any scheme or path around it.
    public static let filingSystemHost = "beian.miit.gov.cn"

    /// What one pass over some bytes found: the filing numbers, and where the filing system's
    /// address is written (UTF-8 or UTF-16LE).
    public struct Scan: Sendable, Hashable {
        public var matches: [Match] = []
        /// Byte offsets of `filingSystemHost`.
        public var linkOffsets: [Int] = []
    }

    /// Filing numbers and references to the filing system in `bytes`, in one pass.
    public static func scan(inBytes bytes: [UInt8], currentYear: Int = FilingNumber.currentYear) -> Scan {
        bytes.withUnsafeBytes { scan(inBytes: $0, currentYear: currentYear) }
    }

    /// Filing numbers and references to the filing system in `bytes`, in one pass.
    public static func scan(inBytes bytes: UnsafeRawBufferPointer, currentYear: Int = FilingNumber.currentYear) -> Scan {
        var result = Scan()
        var hits: [(offset: Int, encoding: Encoding)] = []
        scanAnchors(bytes) { offset, hit in
            switch hit {
            case .number(let encoding): hits.append((offset, encoding))
            case .link: result.linkOffsets.append(offset)
            }
            return true
        }
        guard !hits.isEmpty else { return result }
        result.matches = numbers(in: bytes, hits: hits, currentYear: currentYear)
        return result
    }

    /// Whether `text` names the filing system (`filingSystemHost`, any case).
    public static func containsFilingSystemLink(_ text: String) -> Bool {
        text.lowercased().contains(filingSystemHost)
    }

    private static func numbers(
        in bytes: UnsafeRawBufferPointer, hits: [(offset: Int, encoding: Encoding)], currentYear: Int
    ) -> [Match] {
        var matches: [Match] = []
        for window in windows(hits, count: bytes.count) {
            let slice = UnsafeRawBufferPointer(rebasing: bytes[window.range])
            let decoded = window.encoding == .utf8 ? ByteText.decodeUTF8(slice) : ByteText.decodeUTF16LE(slice)
            for found in find(in: decoded.scalars, currentYear: currentYear) {
                let offset = window.range.lowerBound + decoded.offsets[found.start]
                matches.append(Match(number: found.number, offset: offset, encoding: window.encoding))
            }
        }
        return matches.sorted { $0.offset < $1.offset }
    }

    /// Whether `bytes` hold an anchor at all: the fast test before any decoding.
    public static func containsAnchor(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var found = false
        scanAnchors(bytes) { _, hit in
            guard case .number = hit else { return true }
            found = true
            return false
        }
        return found
    }

    // MARK: - Text

    /// Numbers in decoded text, each with the scalar index its raw text starts at.
    static func find(in s: [Unicode.Scalar], currentYear: Int) -> [(number: FilingNumber, start: Int)] {
        var found: [(FilingNumber, Int)] = []
        var i = 0
        while i < s.count {
            guard isAnchor(s, i) else {
                i += 1
                continue
            }
            // The bureau sits just before the keyword, perhaps after a space or two.
            var start = i
            var j = i - 1
            while j >= 0, i - j <= 3, FilingGrammar.isSpace(s[j]) { j -= 1 }
            if j >= 0, FilingGrammar.isHan(s[j]), found.last.map({ $0.1 + $0.0.raw.unicodeScalars.count <= j }) ?? true {
                start = j
            }
            if let (number, end) = FilingGrammar.match(s, from: start, currentYear: currentYear)
                ?? (start != i ? FilingGrammar.match(s, from: i, currentYear: currentYear) : nil)
            {
                let numberStart = end - number.raw.unicodeScalars.count
                found.append((number, numberStart))
                i = max(end, i + 1)
            } else {
                i += 1
            }
        }
        return found
    }

    /// `ICP` (any case, full width allowed), `公网安备`, or `B1`/`B2` after an ideograph.
    private static func isAnchor(_ s: [Unicode.Scalar], _ i: Int) -> Bool {
        func folded(_ k: Int) -> UInt32? {
            guard k >= 0, k < s.count else { return nil }
            let v = FilingGrammar.fold(s[k]).0.value
            return v >= 0x61 && v <= 0x7A ? v - 0x20 : v
        }
        switch folded(i) {
        case 0x49:  // I
            return folded(i + 1) == 0x43 && folded(i + 2) == 0x50
        case 0x516C:  // 公
            return i + 3 < s.count && s[i + 1] == "网" && s[i + 2] == "安" && s[i + 3] == "备"
        case 0x42:  // B
            guard let digit = folded(i + 1), digit == 0x31 || digit == 0x32 else { return false }
            var j = i - 1
            while j >= 0, i - j <= 3, FilingGrammar.isSpace(s[j]) { j -= 1 }
            return j >= 0 && FilingGrammar.isHan(s[j])
        default:
            return false
        }
    }

    // MARK: - Bytes

    /// Anchor hits: byte offset of the anchor's first byte and the encoding it was seen in.
    static func anchors(in bytes: UnsafeRawBufferPointer) -> [(offset: Int, encoding: Encoding)] {
        var hits: [(Int, Encoding)] = []
        scanAnchors(bytes) { offset, hit in
            if case .number(let encoding) = hit { hits.append((offset, encoding)) }
            return true
        }
        return hits
    }

    /// Calls `hit` for each anchor, by offset, until it returns false.
    ///
    /// Sixteen bytes at a time, a vector test on each position's first two or three bytes lets
    /// through the places an anchor can start (a superset: `i`, NUL, `c` passes as UTF-16 `ICP`,
    /// `EF BC` as any full-width form); those few are checked in full by `anchor(at:)`. Three loads and about thirty
    /// vector operations per sixteen bytes: the test is as cheap as it can be while text rarely
    /// passes it.
    /// What starts at an anchor: a filing number's keyword, or the filing system's address.
    enum Hit {
        case number(Encoding)
        case link(Encoding)
    }

    private static func scanAnchors(_ bytes: UnsafeRawBufferPointer, _ hit: (Int, Hit) -> Bool) {
        typealias V = SIMD16<UInt8>
        let n = bytes.count
        guard n >= 3, let p = bytes.baseAddress else { return }
        let space = V(repeating: 0x20), zero = V(repeating: 0), ff = V(repeating: 0xFF), one = V(repeating: 1)
        let lowerI = V(repeating: 0x69), lowerC = V(repeating: 0x63), lowerP = V(repeating: 0x70)
        let xEF = V(repeating: 0xEF), xBD = V(repeating: 0xBD), xE5 = V(repeating: 0xE5), x85 = V(repeating: 0x85)
        let x6C = V(repeating: 0x6C), x51 = V(repeating: 0x51), x29 = V(repeating: 0x29)
        let lowerB = V(repeating: 0x62), lowerE = V(repeating: 0x65)
        var i = 0
        // The overlapping loads read up to i + 2 + 16 bytes.
        while n - i >= V.scalarCount + 2 {
            let v0 = p.loadUnaligned(fromByteOffset: i, as: V.self)
            let v1 = p.loadUnaligned(fromByteOffset: i + 1, as: V.self)
            let v2 = p.loadUnaligned(fromByteOffset: i + 2, as: V.self)
            let l2 = v2 | space
            let highFF = v1 .== ff
            // `I`/`i` then: `C` `P` (UTF-8), NUL `C` (UTF-16LE), FF (UTF-16LE full width `ｉ`).
            let afterI = ((v1 | space .== lowerC) .& (l2 .== lowerP)) .| ((v1 .== zero) .& (l2 .== lowerC)) .| highFF
            var m = (v0 | space .== lowerI) .& afterI
            // UTF-16LE `Ｉ` 29 FF; UTF-8 full width `Ｉ`/`ｉ` EF BC / EF BD; `公` E5 85 (UTF-8), 6C 51 (UTF-16LE).
            m = m .| ((v0 .== x29) .& highFF) .| ((v0 .== xEF) .& (v1 | one .== xBD))
            m = m .| ((v0 .== xE5) .& (v1 .== x85)) .| ((v0 .== x6C) .& (v1 .== x51))
            // `be` (UTF-8) or `b` NUL `e` (UTF-16LE): the filing system's address, `beian.miit.gov.cn`.
            m = m .| ((v0 | space .== lowerB) .& ((v1 | space .== lowerE) .| ((v1 .== zero) .& (l2 .== lowerE))))
            // `any(m)` is a generic reduction here; two 64-bit words of the selected bytes are not.
            let selected = unsafeBitCast(zero.replacing(with: ff, where: m), to: (UInt64, UInt64).self)
            if selected.0 | selected.1 != 0 {
                // Each selected lane, lowest first: eight bits per lane, little-endian.
                var words = (selected.0, selected.1)
                var base = i
                for _ in 0..<2 {
                    while words.0 != 0 {
                        let lane = words.0.trailingZeroBitCount / 8
                        words.0 &= ~(0xFF << UInt64(lane * 8))
                        if let found = anchor(p, n, base + lane), !hit(base + lane, found) { return }
                    }
                    words = (words.1, 0)
                    base += 8
                }
            }
            i += V.scalarCount
        }
        while i < n {
            if let found = anchor(p, n, i), !hit(i, found) { return }
            i += 1
        }
    }

    private static let utf8Police: [UInt8] = Array("公网安备".utf8)
    private static let utf16Police: [UInt8] = "公网安备".utf16.flatMap {
        [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)]
    }

    private static let linkUTF8: [UInt8] = Array(filingSystemHost.utf8)

    /// The anchor that starts at `i`, if one does.
    private static func anchor(_ p: UnsafeRawPointer, _ n: Int, _ i: Int) -> Hit? {
        numberAnchor(p, n, i).map(Hit.number) ?? linkAnchor(p, n, i).map(Hit.link)
    }

    /// `beian.miit.gov.cn`, ASCII letters in any case, in UTF-8 or UTF-16LE.
    private static func linkAnchor(_ p: UnsafeRawPointer, _ n: Int, _ i: Int) -> Encoding? {
        func lower(_ k: Int) -> UInt8 {
            let b = p.load(fromByteOffset: k, as: UInt8.self)
            return b >= 0x41 && b <= 0x5A ? b | 0x20 : b
        }
        let count = linkUTF8.count
        if count <= n - i, (0..<count).allSatisfy({ lower(i + $0) == linkUTF8[$0] }) { return .utf8 }
        if 2 * count <= n - i,
            (0..<count).allSatisfy({ lower(i + 2 * $0) == linkUTF8[$0] && p.load(fromByteOffset: i + 2 * $0 + 1, as: UInt8.self) == 0 })
        {
            return .utf16le
        }
        return nil
    }

    /// The encoding of the filing-number keyword that starts at `i`, if one does.
    private static func numberAnchor(_ p: UnsafeRawPointer, _ n: Int, _ i: Int) -> Encoding? {
        func byte(_ k: Int) -> UInt8 { k < n ? p.load(fromByteOffset: k, as: UInt8.self) : 0xFF }
        func lower(_ k: Int) -> UInt8 { byte(k) | 0x20 }
        func equal(_ pattern: [UInt8]) -> Bool {
            guard pattern.count <= n - i else { return false }
            for (k, expected) in pattern.enumerated() where byte(i + k) != expected { return false }
            return true
        }
        switch byte(i) {
        case 0x49, 0x69:
            if i + 2 < n, lower(i + 1) == 0x63, lower(i + 2) == 0x70 { return .utf8 }
            if i + 5 < n, byte(i + 1) == 0, lower(i + 2) == 0x63, byte(i + 3) == 0, lower(i + 4) == 0x70,
                byte(i + 5) == 0
            {
                return .utf16le
            }
            if i + 5 < n, byte(i + 1) == 0xFF, byte(i + 2) | 0x20 == 0x63 || byte(i + 2) == 0x23, byte(i + 3) == 0xFF,
                byte(i + 4) == 0x30 || byte(i + 4) == 0x50, byte(i + 5) == 0xFF
            {
                return .utf16le
            }
            return nil
        case 0x29:
            // UTF-16LE `Ｉ` then `Ｃ`/`ｃ` then `Ｐ`/`ｐ`, each a low byte and FF.
            if i + 5 < n, byte(i + 1) == 0xFF, byte(i + 2) == 0x23 || byte(i + 2) == 0x43, byte(i + 3) == 0xFF,
                byte(i + 4) == 0x30 || byte(i + 4) == 0x50, byte(i + 5) == 0xFF
            {
                return .utf16le
            }
            return nil
        case 0xEF:
            // `Ｉ` EF BC A9 / `ｉ` EF BD 89, `Ｃ` EF BC A3 / `ｃ` EF BD 83, `Ｐ` EF BC B0 / `ｐ` EF BD 90.
            func letter(_ k: Int, _ upper: UInt8) -> Bool {
                byte(k) == 0xEF
                    && ((byte(k + 1) == 0xBC && byte(k + 2) == upper &+ 0x60)
                        || (byte(k + 1) == 0xBD && byte(k + 2) == upper &+ 0x40))
            }
            return i + 8 < n && letter(i, 0x49) && letter(i + 3, 0x43) && letter(i + 6, 0x50) ? .utf8 : nil
        case 0xE5:
            return equal(utf8Police) ? .utf8 : nil
        case 0x6C:
            return equal(utf16Police) ? .utf16le : nil
        default:
            return nil
        }
    }

    /// A byte range to decode around one or more nearby hits.
    struct Window {
        var range: Range<Int>
        var encoding: Encoding
    }

    /// Bytes kept before an anchor (bureau and spaces) and after it (the longest full-width
    /// number with spaces, and a licence that follows a filing number on the same line).
    static let bytesBefore = 24
    static let bytesAfter = 160

    /// Windows around the hits, overlapping ones merged; UTF-16LE windows keep the hit's parity.
    static func windows(_ hits: [(offset: Int, encoding: Encoding)], count: Int) -> [Window] {
        var windows: [Window] = []
        for (offset, encoding) in hits.sorted(by: { $0.offset < $1.offset }) {
            var lower = max(0, offset - bytesBefore)
            if encoding == .utf16le, (offset - lower) % 2 != 0 { lower += 1 }
            let upper = min(count, offset + bytesAfter)
            if let k = windows.lastIndex(where: { $0.encoding == encoding }),
                windows[k].range.upperBound >= lower,
                encoding == .utf8 || (offset - windows[k].range.lowerBound) % 2 == 0
            {
                windows[k].range = windows[k].range.lowerBound..<max(windows[k].range.upperBound, upper)
            } else {
                windows.append(Window(range: lower..<upper, encoding: encoding))
            }
        }
        return windows
    }
}

/// Lenient decoders for byte windows: bad sequences become U+FFFD, which no grammar rule accepts,
/// and each scalar keeps the offset of its first byte.
enum ByteText {
    struct Decoded {
        var scalars: [Unicode.Scalar] = []
        /// Byte offset (in the window) of each scalar, plus one past the end.
        var offsets: [Int] = []
    }

    /// UTF-8 and dex MUTF-8 (`C0 80` for NUL, surrogate pairs as two 3-byte sequences).
    static func decodeUTF8(_ b: UnsafeRawBufferPointer) -> Decoded {
        var out = Decoded()
        out.scalars.reserveCapacity(b.count)
        var i = 0
        let n = b.count
        func continuation(_ k: Int) -> UInt32? {
            guard k < n, b[k] & 0xC0 == 0x80 else { return nil }
            return UInt32(b[k] & 0x3F)
        }
        while i < n {
            let start = i
            let lead = b[i]
            var value: UInt32 = 0xFFFD
            var length = 1
            if lead < 0x80 {
                value = UInt32(lead)
            } else if lead & 0xE0 == 0xC0, let c1 = continuation(i + 1) {
                value = UInt32(lead & 0x1F) << 6 | c1
                length = 2
            } else if lead & 0xF0 == 0xE0, let c1 = continuation(i + 1), let c2 = continuation(i + 2) {
                value = UInt32(lead & 0x0F) << 12 | c1 << 6 | c2
                length = 3
                if value >= 0xD800, value <= 0xDBFF, i + 5 < n, b[i + 3] == 0xED,
                    let d1 = continuation(i + 4), let d2 = continuation(i + 5)
                {
                    let low = UInt32(0x0D) << 12 | d1 << 6 | d2
                    if low >= 0xDC00, low <= 0xDFFF {
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                        length = 6
                    }
                }
            } else if lead & 0xF8 == 0xF0, let c1 = continuation(i + 1), let c2 = continuation(i + 2),
                let c3 = continuation(i + 3)
            {
                value = UInt32(lead & 0x07) << 18 | c1 << 12 | c2 << 6 | c3
                length = 4
            }
            out.scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            out.offsets.append(start)
            i += length
        }
        out.offsets.append(n)
        return out
    }

    static func decodeUTF16LE(_ b: UnsafeRawBufferPointer) -> Decoded {
        var out = Decoded()
        let n = b.count - b.count % 2
        var i = 0
        while i < n {
            let unit = UInt32(b[i]) | UInt32(b[i + 1]) << 8
            var value = unit
            var length = 2
            if unit >= 0xD800, unit <= 0xDBFF, i + 3 < n {
                let low = UInt32(b[i + 2]) | UInt32(b[i + 3]) << 8
                if low >= 0xDC00, low <= 0xDFFF {
                    value = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    length = 4
                }
            }
            out.scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            out.offsets.append(i)
            i += length
        }
        out.offsets.append(n)
        return out
    }
}
