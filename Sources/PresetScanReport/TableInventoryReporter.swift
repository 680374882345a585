import PresetScanApps
import PresetScanCore
import PresetScanFiling

/// A readable block per app package, for a person at a terminal.
public struct TableInventoryReporter: InventoryReporter {
    public static let format = "table"

    public init() {}

    public func render(_ records: [AppRecord]) throws -> String {
        var out = ""
        for (n, r) in records.enumerated() {
            if n > 0 { out += "\n" }
            out += "\(r.location)\n"
            func row(_ key: String, _ value: String?) {
                guard let value, !value.isEmpty else { return }
                out += "  " + key.padding(12) + " " + value + "\n"
            }
            row("kind", "\(r.kind), \(r.size) bytes")
            row("platform", r.platform.rawValue)
            row("package", r.package)
            let version = [r.versionCode.map { String($0) }, r.versionName.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
            row("version", version)
            row("build", r.build)
            let sdk = [r.minSdk.map { "min \($0)" } ?? r.minSdkCodename.map { "min \($0)" }, r.targetSdk.map { "target \($0)" }]
                .compactMap { $0 }.joined(separator: ", ")
            row("sdk", sdk)
            row("label", r.label)
            for locale in r.labels.keys.sorted() { row("label " + locale, r.labels[locale]) }
            row("internet", r.package == nil ? nil : (r.usesInternet ? "yes" : "no"))
            row("permissions", r.permissions.joined(separator: ", "))
            for m in r.metaData { row("meta-data", m.name + " = " + (m.value ?? m.resource ?? "")) }
            for f in r.filingNumbers {
                row("filing", f.canonical + " (" + Self.verdict(f) + ")")
                for o in f.sources { row("  from", o.source + (o.raw == f.canonical ? "" : ": " + o.raw)) }
            }
            row("schemes", r.signatureSchemes.isEmpty ? (r.package == nil ? nil : "unsigned") : r.signatureSchemes.joined(separator: ", "))
            for s in r.signers {
                var range = ""
                if s.minSdk != nil || s.maxSdk != nil {
                    range = " (sdk \(s.minSdk.map(String.init) ?? "?")–\(s.maxSdk.map(String.init) ?? "?"))"
                }
                row("signer " + s.scheme, s.subject + range)
                row("  md5", s.md5)
                row("  sha1", s.sha1)
                row("  sha256", s.sha256)
                row("  key", "\(s.publicKeyAlgorithm) \(s.publicKeyBits)")
            }
            if let p = r.profile {
                row("profile", p.source + (p.type.map { " (\($0))" } ?? ""))
                row("  bundle", p.bundleName)
                row("  app id", p.appIdentifier)
                let team = [p.teamIdentifier, p.teamName.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
                row("  team", team)
                row("  expires", p.expires)
            }
            for c in r.components {
                let detail = [c.package, c.name.map { "\"\($0)\"" }].compactMap { $0 }.joined(separator: " ")
                row("component", "\(c.role) \(c.path)" + (detail.isEmpty ? "" : "  " + detail))
            }
            for d in r.warnings { row("warning", "[\(d.code)] \(d.message)") }
            for d in r.errors { row("error", "[\(d.code)] \(d.message)") }
        }
        return out
    }

    /// `app, valid`, `app, invalid: badYear`, or what a look-alike is.
    static func verdict(_ f: EmbeddedFilingNumber) -> String {
        guard f.kind == .app else { return FilingTableReporter.describe(f.kind) }
        if f.valid { return "app filing, valid" }
        let problems = f.problems.filter { !FilingNumber.cosmeticProblems.contains($0) }
        return "app filing, invalid: " + problems.map(\.rawValue).joined(separator: ", ")
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
