import Foundation

/// Compares an app's labels with its filed app name as a person would (rule PS012): case, width
/// (full-width and half-width forms), spaces and punctuation do not count, and a label that
/// contains the filed name, or is contained in it, matches ("微信" and "微信 WeChat").
public enum NameMatch {
    /// The form compared: NFKC (full-width letters and digits become ASCII, compatibility forms
    /// unfold), lower-cased, without whitespace, punctuation or symbols.
    public static func fold(_ text: String) -> String {
        let normalized = text.precomposedStringWithCompatibilityMapping.lowercased()
        var out = String.UnicodeScalarView()
        for scalar in normalized.unicodeScalars {
            let p = scalar.properties
            if p.isWhitespace { continue }
            switch p.generalCategory {
            case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
                .finalPunctuation, .otherPunctuation, .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol,
                .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator:
                continue
            default:
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Whether `label` matches `filed` once both are folded (equal, or one contains the other).
    public static func matches(_ label: String, _ filed: String) -> Bool {
        let a = fold(label), b = fold(filed)
        guard !a.isEmpty, !b.isEmpty else { return false }
        return a.contains(b) || b.contains(a)
    }

    /// The label (with its locale) closest to `filed` by edit distance over the folded forms, for
    /// the report when none matches.
    public static func closest(_ labels: [(locale: String, label: String)], to filed: String) -> (locale: String, label: String)? {
        let target = Array(fold(filed).unicodeScalars)
        let scored = labels.map { (label: $0, distance: distance(Array(fold($0.label).unicodeScalars), target)) }
        return scored.min { ($0.distance, $0.label.locale) < ($1.distance, $1.label.locale) }?.label
    }

    /// Levenshtein distance, on at most 128 scalars of each side (labels are short; hostile ones
    /// are bounded).
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        let a = Array(a.prefix(128)), b = Array(b.prefix(128))
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
