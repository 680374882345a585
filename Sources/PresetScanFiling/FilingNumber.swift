import Foundation

/// A filing number as written in an app, read with the SPEC §2 grammar: what it is, its canonical
/// form and what was wrong with the text.
public struct FilingNumber: Sendable, Hashable, Codable {
    /// What kind of number the text is; only `.app` is an app filing number.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// `<P>ICP备<N>号-<k><T>`.
        case app
        /// `<P>ICP备<N>号` or `<P>ICP备<N>号-<k>`: no service type, so a website's filing.
        case website
        /// `<P>ICP证<N>号`: an ICP operating licence.
        case icpLicence
        /// `<P>B2-<N>` (or `B1-`): a value-added telecom business licence.
        case valueAddedLicence
        /// `<P>公网安备<N>号`: a public-security (police) network filing.
        case policeFiling
    }

    /// The service type letter `T` of an app filing.
    public enum ServiceType: String, Sendable, Codable, CaseIterable {
        case app = "A"
        case miniProgram = "X"
        case quickApp = "K"
    }

    /// One way the text departs from the canonical form.
    public enum Problem: String, Sendable, Codable, CaseIterable {
        /// Full-width digits, letters or dash (`２０２３`, `Ａ`, `－`).
        case fullWidth
        /// Spaces between the parts.
        case spacing
        /// No `号` after the main number.
        case missingHao
        /// `川`, `贵`, `云` or `甘` instead of `蜀`, `黔`, `滇` or `陇`.
        case historicAbbreviation
        /// A 10-digit main number whose year is before 2010 or in the future.
        case badYear
        /// Sequence 0 or above 999.
        case badSequence
        /// The character before `ICP` is not one of the 31 bureaus.
        case unknownBureau
        /// Lower-case `icp` or service type letter.
        case lowerCase
        /// A dash other than `-` and `－` (`–`, `—`, `‐`, `−`, ...).
        case nonAsciiDash
        /// A main number of neither 8 nor 10 digits.
        case badMainNumber
        /// A sequence number written with a leading zero (`-01A`).
        case leadingZero
        /// No bureau abbreviation at all.
        case missingBureau
        /// A service type letter other than `A`, `X`, `K`.
        case badServiceType
        /// Text after the number that is not part of it (only from `parse`).
        case trailingText
    }

    /// Problems that change only how the number is written, not which number it is.
    public static let cosmeticProblems: Set<Problem> = [
        .fullWidth, .spacing, .lowerCase, .nonAsciiDash, .missingHao, .historicAbbreviation,
    ]

    public var raw: String
    /// ASCII digits, `-`, upper-case suffix, official bureau abbreviation.
    public var canonical: String
    public var kind: Kind
    /// Official abbreviation, e.g. `京`; nil when missing or unknown.
    public var bureau: String?
    /// English province name of the bureau, e.g. `Beijing`.
    public var province: String?
    public var mainNumber: String?
    public var sequence: Int?
    public var serviceType: ServiceType?
    /// What was wrong, in `Problem` declaration order, each once.
    public var problems: [Problem]

    /// An app filing (kind == .app) whose problems are only cosmetic (fullWidth, spacing, lowerCase,
    /// nonAsciiDash, missingHao, historicAbbreviation): it canonicalises to a valid number.
    public var isValidAppFiling: Bool {
        kind == .app && problems.allSatisfy { Self.cosmeticProblems.contains($0) }
    }

    public init(
        raw: String, canonical: String, kind: Kind, bureau: String? = nil, province: String? = nil,
        mainNumber: String? = nil, sequence: Int? = nil, serviceType: ServiceType? = nil, problems: [Problem] = []
    ) {
        self.raw = raw
        self.canonical = canonical
        self.kind = kind
        self.bureau = bureau
        self.province = province
        self.mainNumber = mainNumber
        self.sequence = sequence
        self.serviceType = serviceType
        self.problems = problems
    }

    /// Reads one candidate text (surrounding spaces ignored); nil when it is not filing-like at all.
    public static func parse(_ text: String, currentYear: Int = FilingNumber.currentYear) -> FilingNumber? {
        var scalars = Array(text.unicodeScalars)
        while let last = scalars.last, FilingGrammar.isSpace(last) { scalars.removeLast() }
        let start = scalars.firstIndex { !FilingGrammar.isSpace($0) } ?? scalars.count
        guard case (var number, let end)? = FilingGrammar.match(scalars, from: start, currentYear: currentYear) else { return nil }
        if end < scalars.count {
            number.raw = String(String.UnicodeScalarView(scalars[start...]))
            number.add(.trailingText)
        }
        return number
    }

    /// The current Gregorian year in China (UTC+8), the latest year a main number may carry.
    /// Taken once per process: a calendar per parsed number would cost more than the parse.
    public static var currentYear: Int { yearAtLaunch }

    private static let yearAtLaunch: Int = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600) ?? calendar.timeZone
        return calendar.component(.year, from: Date())
    }()

    mutating func add(_ problem: Problem) {
        guard !problems.contains(problem) else { return }
        problems.append(problem)
        let order = Problem.allCases
        problems.sort { (order.firstIndex(of: $0) ?? 0) < (order.firstIndex(of: $1) ?? 0) }
    }
}

// Every key is written, `valid` included, so JSON consumers see the whole contract.
extension FilingNumber {
    enum CodingKeys: String, CodingKey {
        case raw, canonical, kind, bureau, province, mainNumber, sequence, serviceType, problems, valid
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(raw, forKey: .raw)
        try c.encode(canonical, forKey: .canonical)
        try c.encode(kind, forKey: .kind)
        try c.encode(bureau, forKey: .bureau)
        try c.encode(province, forKey: .province)
        try c.encode(mainNumber, forKey: .mainNumber)
        try c.encode(sequence, forKey: .sequence)
        try c.encode(serviceType, forKey: .serviceType)
        try c.encode(problems, forKey: .problems)
        try c.encode(isValidAppFiling, forKey: .valid)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            raw: try c.decode(String.self, forKey: .raw),
            canonical: try c.decode(String.self, forKey: .canonical),
            kind: try c.decode(Kind.self, forKey: .kind),
            bureau: try c.decodeIfPresent(String.self, forKey: .bureau),
            province: try c.decodeIfPresent(String.self, forKey: .province),
            mainNumber: try c.decodeIfPresent(String.self, forKey: .mainNumber),
            sequence: try c.decodeIfPresent(Int.self, forKey: .sequence),
            serviceType: try c.decodeIfPresent(ServiceType.self, forKey: .serviceType),
            problems: try c.decodeIfPresent([Problem].self, forKey: .problems) ?? [])
    }
}
