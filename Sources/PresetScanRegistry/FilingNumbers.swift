import PresetScanFiling

/// Validates registry filing numbers with the SPEC §2 grammar and answers their canonical form.
struct FilingNumberValidator {
    /// Fixed once per build: computing the year per row would cost a calendar lookup per row.
    let currentYear: Int

    init(currentYear: Int = FilingNumber.currentYear) {
        self.currentYear = currentYear
    }

    /// The canonical app filing number, or why the text is not one.
    func canonical(_ text: String) -> Result<String, FilingNumberRejection> {
        // Exports nearly always hold the canonical form already: then it is its own canonical form.
        if FilingNumber.isCanonicalAppFiling(text, currentYear: currentYear) { return .success(text) }
        guard let number = FilingNumber.parse(text, currentYear: currentYear) else {
            return .failure(FilingNumberRejection(text: text, detail: "not a filing number"))
        }
        guard number.kind == .app else {
            let what: String =
                switch number.kind {
                case .website: "a website filing (no A/X/K service type), not an app filing"
                case .icpLicence: "an ICP licence, not an app filing"
                case .valueAddedLicence: "a telecom business licence, not an app filing"
                case .policeFiling: "a police (公网安备) filing, not an app filing"
                case .app: "an app filing"
                }
            return .failure(FilingNumberRejection(text: text, detail: what))
        }
        guard number.isValidAppFiling else {
            let problems = number.problems.filter { !FilingNumber.cosmeticProblems.contains($0) }
            return .failure(FilingNumberRejection(text: text, detail: problems.map(\.rawValue).joined(separator: ", ")))
        }
        return .success(number.canonical)
    }
}

/// A filing-number field that is not a valid app filing number, and why.
struct FilingNumberRejection: Error, CustomStringConvertible {
    var text: String
    var detail: String
    var description: String { "filing number \"\(text)\" is invalid: \(detail)" }
}
