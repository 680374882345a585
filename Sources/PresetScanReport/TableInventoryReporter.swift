import PresetScanApps
import PresetScanCore
import PresetScanFiling

/// A readable block per app package, for a person at a terminal.
public struct TableInventoryReporter: InventoryReporter {
    public static let format = "table"

    /// The language of the labels and of the words in values; facts from the package never change.
    public var language: Language

    public init(language: Language = .en) { self.language = language }

    public func render(_ records: [AppRecord]) throws -> String {
        let l = language
        // The label column is as wide as its widest label in this language (a Chinese character takes
        // two columns), per-locale labels and signer schemes included.
        let dynamic = records.flatMap { r in
            r.labels.keys.map { l.text(.invLabelLocale, $0) } + r.signers.map { l.text(.invSigner, $0.scheme) }
        }
        let width = max(12, (Self.labels.map { l.text($0) } + dynamic).map(\.displayWidth).max() ?? 0)
        var out = ""
        for (n, r) in records.enumerated() {
            if n > 0 { out += "\n" }
            out += "\(r.location)\n"
            func row(_ key: String, _ value: String?) {
                guard let value, !value.isEmpty else { return }
                out += "  " + key.padded(toWidth: width) + " " + value + "\n"
            }
            func row(_ key: MessageKey, _ value: String?) { row(l.text(key), value) }
            row(.invKind, l.text(.invKindValue, r.kind, "\(r.size)"))
            row(.invPlatform, r.platform.rawValue)
            row(.invPackage, r.package)
            let version = [r.versionCode.map { String($0) }, r.versionName.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
            row(.invVersion, version)
            row(.invBuild, r.build)
            let sdk = [(r.minSdk.map(String.init) ?? r.minSdkCodename).map { l.text(.invSdkMin, $0) },
                       r.targetSdk.map { l.text(.invSdkTarget, "\($0)") }]
                .compactMap { $0 }.joined(separator: l.text(.listSeparator))
            row(.invSdk, sdk)
            row(.invLabel, r.label)
            for locale in r.labels.keys.sorted() { row(l.text(.invLabelLocale, locale), r.labels[locale]) }
            row(.invInternet, r.package == nil ? nil : l.text(r.usesInternet ? .invYes : .invNo))
            row(.invPermissions, r.permissions.joined(separator: ", "))
            for m in r.metaData { row(.invMetaData, m.name + " = " + (m.value ?? m.resource ?? "")) }
            for f in r.filingNumbers {
                row(.invFiling, l.text(.scanLocated, f.canonical, Self.verdict(f, l)))
                for o in f.sources { row(.invFrom, o.source + (o.raw == f.canonical ? "" : ": " + o.raw)) }
            }
            row(.invSchemes, r.signatureSchemes.isEmpty ? (r.package == nil ? nil : l.text(.invUnsigned)) : r.signatureSchemes.joined(separator: ", "))
            for s in r.signers {
                var range = ""
                if s.minSdk != nil || s.maxSdk != nil {
                    range = l.text(.invSdkRange, s.minSdk.map(String.init) ?? "?", s.maxSdk.map(String.init) ?? "?")
                }
                row(l.text(.invSigner, s.scheme), s.subject + range)
                row("  md5", s.md5)
                row("  sha1", s.sha1)
                row("  sha256", s.sha256)
                row(.invKey, "\(s.publicKeyAlgorithm) \(s.publicKeyBits)")
            }
            if let p = r.profile {
                row(.invProfile, p.source + (p.type.map { " (\($0))" } ?? ""))
                row(.invBundle, p.bundleName)
                row(.invAppId, p.appIdentifier)
                let team = [p.teamIdentifier, p.teamName.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
                row(.invTeam, team)
                row(.invExpires, p.expires)
            }
            for c in r.components {
                let detail = [c.package, c.name.map { "\"\($0)\"" }].compactMap { $0 }.joined(separator: " ")
                row(.invComponent, "\(c.role) \(c.path)" + (detail.isEmpty ? "" : "  " + detail))
            }
            for d in r.warnings { row(.invWarning, "[\(d.code)] \(d.message)") }
            for d in r.errors { row(.invError, "[\(d.code)] \(d.message)") }
        }
        return out
    }

    /// The labels of fixed text, for the label column's width.
    static let labels: [MessageKey] = [
        .invKind, .invPlatform, .invPackage, .invVersion, .invBuild, .invSdk, .invLabel, .invInternet, .invPermissions, .invMetaData,
        .invFiling, .invFrom, .invSchemes, .invKey, .invProfile, .invBundle, .invAppId, .invTeam, .invExpires, .invComponent,
        .invWarning, .invError,
    ]

    /// `app filing, valid`, `app filing, invalid: badYear`, or what a look-alike is.
    static func verdict(_ f: EmbeddedFilingNumber, _ language: Language = .en) -> String {
        guard f.kind == .app else { return language.text(FilingTableReporter.describe(f.kind)) }
        if f.valid { return language.text(.invFilingValid) }
        let problems = f.problems.filter { !FilingNumber.cosmeticProblems.contains($0) }
        return language.text(.invFilingInvalid, problems.map(\.rawValue).joined(separator: ", "))
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
