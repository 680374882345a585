/// The SPEC §2 grammar over Unicode scalars: folds the cosmetic variants while it matches, so
/// that the canonical form and the list of problems come out of one pass.
enum FilingGrammar {
    typealias Problem = FilingNumber.Problem

    /// Separators people type between the parts: ASCII and ideographic spaces, NBSP, tabs.
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x20, 0x09, 0xA0, 0x3000, 0x2002...0x200B, 0x202F: true
        default: false
        }
    }

    /// A CJK ideograph, the only thing that can stand in the bureau position.
    static func isHan(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF: true
        default: false
        }
    }

    /// The ASCII form of a scalar and the problem the variant it was written in is, if any.
    /// Lower case is kept here; callers that need upper case flag it themselves.
    static func fold(_ s: Unicode.Scalar) -> (Unicode.Scalar, Problem?) {
        let v = s.value
        switch v {
        case 0xFF10...0xFF19, 0xFF21...0xFF3A, 0xFF41...0xFF5A, 0xFF0D:
            // Full-width forms sit at a fixed distance from ASCII.
            return (Unicode.Scalar(UInt8(truncatingIfNeeded: v - 0xFEE0)), .fullWidth)
        case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0x2E3A, 0x2E3B:
            return ("-", .nonAsciiDash)
        default:
            return (s, nil)
        }
    }

    static func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        (s.value >= 0x41 && s.value <= 0x5A) || (s.value >= 0x61 && s.value <= 0x7A)
    }

    /// A cursor over the scalars that records problems as it consumes text.
    struct Cursor {
        let s: [Unicode.Scalar]
        var i: Int
        var problems: Set<Problem> = []

        var atEnd: Bool { i >= s.count }

        /// The folded scalar at the cursor, without consuming it.
        func peek(_ offset: Int = 0) -> (Unicode.Scalar, Problem?)? {
            let j = i + offset
            guard j >= 0, j < s.count else { return nil }
            return FilingGrammar.fold(s[j])
        }

        /// Skips spaces; flags `spacing` only when some were skipped.
        mutating func skipSpaces() {
            var skipped = false
            while i < s.count, FilingGrammar.isSpace(s[i]) {
                i += 1
                skipped = true
            }
            if skipped { problems.insert(.spacing) }
        }

        /// Consumes `word` (ASCII letters, any case, full-width allowed) if it is next.
        mutating func take(letters word: String) -> Bool {
            var j = 0
            var found: Set<Problem> = []
            for expected in word.unicodeScalars {
                guard let (folded, problem) = peek(j), FilingGrammar.isLetter(folded) else { return false }
                let upper = folded.value >= 0x61 ? folded.value - 0x20 : folded.value
                guard upper == expected.value else { return false }
                if folded.value >= 0x61 { found.insert(.lowerCase) }
                if let problem { found.insert(problem) }
                j += 1
            }
            i += j
            problems.formUnion(found)
            return true
        }

        /// Consumes `word` exactly (CJK keywords such as `备`, `公网安备`).
        mutating func take(exactly word: String) -> Bool {
            let scalars = Array(word.unicodeScalars)
            guard i + scalars.count <= s.count, Array(s[i..<i + scalars.count]) == scalars else { return false }
            i += scalars.count
            return true
        }

        /// Consumes a run of digits, ASCII or full-width, returned as ASCII.
        mutating func digits() -> String {
            var out = String.UnicodeScalarView()
            while let (folded, problem) = peek(), FilingGrammar.isDigit(folded) {
                out.append(folded)
                if let problem { problems.insert(problem) }
                i += 1
            }
            return String(out)
        }

        /// Consumes one dash of any kind.
        mutating func dash() -> Bool {
            guard let (folded, problem) = peek(), folded == "-" else { return false }
            if let problem { problems.insert(problem) }
            i += 1
            return true
        }
    }

    /// Matches one number starting at `start` (a bureau abbreviation or the keyword); returns it
    /// and the index just past its last character, or nil when the text there is not filing-like.
    static func match(_ s: [Unicode.Scalar], from start: Int, currentYear: Int) -> (FilingNumber, Int)? {
        guard start >= 0, start < s.count else { return nil }
        var c = Cursor(s: s, i: start)

        // The bureau: one ideograph that is not where a keyword begins.
        var bureauScalar: Unicode.Scalar?
        if isHan(s[start]), !c.take(exactly: "公网安备") {
            bureauScalar = s[start]
            c.i += 1
            c.skipSpaces()
        } else {
            c.i = start
        }

        let kind: FilingNumber.Kind
        var main = ""
        var sequenceText: String?
        var letter: Unicode.Scalar?
        var hao = true
        if c.take(exactly: "公网安备") {
            kind = .policeFiling
            c.skipSpaces()
            main = c.digits()
            guard !main.isEmpty else { return nil }
            hao = takeHao(&c)
        } else if c.take(letters: "ICP") {
            c.skipSpaces()
            if c.take(exactly: "备") {
                c.skipSpaces()
                main = c.digits()
                guard !main.isEmpty else { return nil }
                hao = takeHao(&c)
                (sequenceText, letter) = suffix(&c)
                kind = letter == nil ? .website : .app
            } else if c.take(exactly: "证") {
                kind = .icpLicence
                c.skipSpaces()
                main = c.digits()
                guard !main.isEmpty else { return nil }
                hao = takeHao(&c)
            } else {
                return nil
            }
        } else if bureauScalar != nil, let (folded, _) = c.peek(), folded == "B" || folded == "b",
            let (digit, _) = c.peek(1), digit == "1" || digit == "2"
        {
            let licence = digit == "1" ? "B1" : "B2"
            _ = c.take(letters: "B")
            _ = c.digits()
            c.skipSpaces()
            guard c.dash() else { return nil }
            c.skipSpaces()
            main = c.digits()
            guard !main.isEmpty else { return nil }
            kind = .valueAddedLicence
            return finish(c, s, start, kind, bureauScalar, main, nil, nil, hao: true, keyword: licence + "-", currentYear)
        } else {
            return nil
        }
        return finish(c, s, start, kind, bureauScalar, main, sequenceText, letter, hao: hao, keyword: nil, currentYear)
    }

    /// Consumes `号` (or the traditional `號`) after optional spaces; false when absent.
    private static func takeHao(_ c: inout Cursor) -> Bool {
        let saved = c
        c.skipSpaces()
        if c.take(exactly: "号") || c.take(exactly: "號") { return true }
        c = saved
        return false
    }

    /// Consumes `-<k>[<T>]` when it is there; nothing (and no problems) when it is not.
    private static func suffix(_ c: inout Cursor) -> (String?, Unicode.Scalar?) {
        let saved = c
        c.skipSpaces()
        guard c.dash() else { c = saved; return (nil, nil) }
        c.skipSpaces()
        let sequence = c.digits()
        guard !sequence.isEmpty else { c = saved; return (nil, nil) }
        let beforeType = c
        c.skipSpaces()
        // A letter counts as the type only when it ends the word: `-1Apple` is no type `A`.
        guard let (folded, problem) = c.peek(), isLetter(folded) else { c = beforeType; return (sequence, nil) }
        if let (next, _) = c.peek(1), isLetter(next) || isDigit(next) { c = beforeType; return (sequence, nil) }
        if let problem { c.problems.insert(problem) }
        if folded.value >= 0x61 { c.problems.insert(.lowerCase) }
        c.i += 1
        return (sequence, Unicode.Scalar(folded.value >= 0x61 ? folded.value - 0x20 : folded.value))
    }

    private static func finish(
        _ c: Cursor, _ s: [Unicode.Scalar], _ start: Int, _ kind: FilingNumber.Kind, _ bureauScalar: Unicode.Scalar?,
        _ main: String, _ sequenceText: String?, _ letter: Unicode.Scalar?, hao: Bool, keyword: String?,
        _ currentYear: Int
    ) -> (FilingNumber, Int) {
        var problems = c.problems
        var bureau: String?
        var province: String?
        var prefix = ""
        if let scalar = bureauScalar {
            if let (found, historic) = Bureau.named(scalar) {
                bureau = String(found.abbreviation)
                province = found.province
                prefix = bureau ?? ""
                if historic { problems.insert(.historicAbbreviation) }
            } else {
                problems.insert(.unknownBureau)
                prefix = String(scalar)
            }
        } else {
            problems.insert(.missingBureau)
        }

        var canonical = prefix
        var sequence: Int?
        var serviceType: FilingNumber.ServiceType?
        switch kind {
        case .app, .website:
            canonical += "ICP备" + main + "号"
            if !hao { problems.insert(.missingHao) }
            checkMainNumber(main, currentYear: currentYear, &problems)
            if let sequenceText {
                canonical += "-" + sequenceText
                // At most three digits are ever read as a number, so the conversion cannot overflow.
                sequence = sequenceText.count <= 3 ? Int(sequenceText) : nil
                if sequenceText.count > 3 || sequence == 0 { problems.insert(.badSequence) }
                if sequenceText.count > 1, sequenceText.first == "0", sequence != 0 { problems.insert(.leadingZero) }
            }
            if let letter {
                canonical.unicodeScalars.append(letter)
                serviceType = FilingNumber.ServiceType(rawValue: String(letter))
                if serviceType == nil { problems.insert(.badServiceType) }
            }
        case .icpLicence:
            canonical += "ICP证" + main + "号"
            if !hao { problems.insert(.missingHao) }
        case .policeFiling:
            canonical += "公网安备" + main + "号"
            if !hao { problems.insert(.missingHao) }
        case .valueAddedLicence:
            canonical += (keyword ?? "B2-") + main
        }

        let raw = String(String.UnicodeScalarView(s[start..<c.i]))
        let ordered = FilingNumber.Problem.allCases.filter { problems.contains($0) }
        let number = FilingNumber(
            raw: raw, canonical: canonical, kind: kind, bureau: bureau, province: province, mainNumber: main,
            sequence: sequence, serviceType: serviceType, problems: ordered)
        return (number, c.i)
    }

    /// 8 digits, or 10 beginning with a year from 2010 to `currentYear`.
    private static func checkMainNumber(_ main: String, currentYear: Int, _ problems: inout Set<Problem>) {
        switch main.count {
        case 8:
            break
        case 10:
            // Four ASCII digits always convert.
            let year = Int(main.prefix(4)) ?? 0
            if year < 2010 || year > currentYear { problems.insert(.badYear) }
        default:
            problems.insert(.badMainNumber)
        }
    }
}

// MARK: - Fast path for text that is already canonical

extension FilingNumber {
    /// Whether `text` is, exactly, a valid app filing number already in canonical form: an
    /// official bureau abbreviation, `ICP备`, 8 ASCII digits (or 10 starting with a year from 2010 to
    /// `currentYear`), `号-`, a sequence of 1 to 3 ASCII digits without a leading zero, and `A`, `X`
    /// or `K`, with nothing before or after.
    ///
    /// When this is true, `parse(text, currentYear:)` answers an `.app` number with no problems at
    /// all whose `canonical` and `raw` are `text`; when false, nothing is implied (call `parse`).
    /// Checked over the UTF-8 bytes without building scalars: registry imports call it per row.
    public static func isCanonicalAppFiling(_ text: String, currentYear: Int = FilingNumber.currentYear) -> Bool {
        var text = text
        return text.withUTF8 { FilingGrammar.isCanonicalApp($0, currentYear: currentYear) }
    }
}

extension FilingGrammar {
    /// UTF-8 of `ICP备`.
    private static let icpBei: [UInt8] = Array("ICP备".utf8)
    /// UTF-8 of `号`.
    private static let hao: [UInt8] = Array("号".utf8)
    /// The official bureau abbreviations as the 24-bit value of their 3-byte UTF-8 encoding.
    private static let officialBureauUTF8: Set<UInt32> = Set(Bureau.all.compactMap { bureau in
        let bytes = Array(String(bureau.abbreviation).utf8)
        guard bytes.count == 3 else { return nil }
        return UInt32(bytes[0]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[2])
    })

    /// See `FilingNumber.isCanonicalAppFiling`.
    static func isCanonicalApp(_ b: UnsafeBufferPointer<UInt8>, currentYear: Int) -> Bool {
        // Shortest: bureau 3 + ICP备 6 + 8 digits + 号 3 + "-" 1 + 1 digit + type 1 = 23 bytes.
        let n = b.count
        guard n >= 23, n <= 27 else { return false }
        guard officialBureauUTF8.contains(UInt32(b[0]) << 16 | UInt32(b[1]) << 8 | UInt32(b[2])) else { return false }
        var i = 3
        for byte in icpBei {
            guard b[i] == byte else { return false }
            i += 1
        }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        let mainStart = i
        while i < n, isDigit(b[i]) { i += 1 }
        let mainCount = i - mainStart
        if mainCount == 10 {
            var year = 0
            for j in mainStart..<mainStart + 4 { year = year * 10 + Int(b[j] - 0x30) }
            guard year >= 2010, year <= currentYear else { return false }
        } else if mainCount != 8 {
            return false
        }
        guard i + 3 <= n, b[i] == hao[0], b[i + 1] == hao[1], b[i + 2] == hao[2] else { return false }
        i += 3
        guard i < n, b[i] == UInt8(ascii: "-") else { return false }
        i += 1
        let sequenceStart = i
        while i < n, isDigit(b[i]) { i += 1 }
        let sequenceCount = i - sequenceStart
        guard sequenceCount >= 1, sequenceCount <= 3, b[sequenceStart] != UInt8(ascii: "0") else { return false }
        guard i == n - 1 else { return false }
        switch b[i] {
        case UInt8(ascii: "A"), UInt8(ascii: "X"), UInt8(ascii: "K"): return true
        default: return false
        }
    }
}
