import PresetScanApps
import PresetScanCore
import PresetScanPolicy

/// The apps, grouped by verdict (action needed first), one card each: what a regulator needs at a
/// glance on the card, the evidence folded under it.
extension HTMLScanReporter {
    func apps(_ report: ScanReport) -> String {
        var out = "<section id=\"apps\">\n<h2>\(t(.htmlApps)) <span class=\"count\">\(report.apps.count)</span></h2>\n"
        guard !report.apps.isEmpty else { return out + "<p class=\"none\">\(t(.htmlOutcomeNoApp))</p>\n</section>\n" }
        let indexed = Array(report.apps.enumerated())
        for verdict in Verdict.allCases.sorted() {
            let group = indexed.filter { $0.element.verdict == verdict }
            guard !group.isEmpty else { continue }
            out += "<section class=\"group group-\(verdict.rawValue)\" id=\"verdict-\(verdict.rawValue)\" data-verdict=\"\(verdict.rawValue)\">\n"
            out += "<h3>\(badge(verdict)) <span class=\"count\">\(group.count)</span></h3>\n"
            for (index, app) in group { out += card(app, index: index) }
            out += "</section>\n"
        }
        out += "<p class=\"none filter-empty\" id=\"filter-empty\" hidden>\(t(.htmlFilterNoMatch))</p>\n"
        return out + "</section>\n"
    }

    func card(_ app: AssessedApp, index: Int) -> String {
        let record = app.record
        let rules = Set(app.findings.map(\.rule)).sorted().map(\.rawValue)
        var search = [record.label, record.package, app.match?.filingNumber, app.match?.appName, app.match?.sponsor, record.location.description]
            .compactMap { $0 }
        search += record.labels.values.sorted() + record.filingNumbers.map(\.canonical)
        var out = "<article class=\"card card-\(app.verdict.rawValue)\" id=\"\(Self.anchor(index))\" data-verdict=\"\(app.verdict.rawValue)\" "
            + "data-rules=\"\(rules.joined(separator: " "))\" data-search=\"\(Self.escape(search.joined(separator: " ").lowercased()))\">\n"
        out += "<header class=\"card-head\">\(badge(app.verdict)) <h4>\(labelText(app))</h4> \(packageText(app))"
        if !rules.isEmpty {
            out += " <span class=\"rules\">" + rules.map { "<span class=\"rule\">\($0)</span>" }.joined(separator: " ") + "</span>"
        }
        out += "</header>\n"
        out += why(app)
        out += "<dl class=\"card-facts\">\n"
        out += fact(.termPackageName, packageText(app))
        out += fact(.htmlVersion, app.versionText.map { Self.escape($0) } ?? "—")
        out += fact(.htmlPlatformKind, "\(Self.escape(record.platform.rawValue)) · \(Self.escape(record.kind))")
        out += fact(.termAppName, app.match.map { Self.escape($0.appName) } ?? "—")
        out += fact(.termSponsor, app.match.map { Self.escape($0.sponsor) } ?? "—")
        out += fact(.termFilingNumber, filingText(app))
        out += fact(.htmlCertificate, certificateText(app))
        out += "<div class=\"wide\"><dt>\(t(.htmlLocation))</dt><dd><code>\(Self.path(record.location.description))</code></dd></div>\n"
        out += "</dl>\n"
        out += evidence(app)
        return out + "</article>\n"
    }

    /// Why the app has its verdict, in one or two lines: the errors behind it, or what suppressed them.
    func why(_ app: AssessedApp) -> String {
        guard app.verdict != .filed else { return "" }
        var lines: [String] = []
        for finding in app.findings where finding.severity == .error {
            lines.append("<span class=\"rule\">\(finding.rule.rawValue)</span> \(Self.escape(finding.text(language)))")
        }
        for suppression in Set(app.findings.compactMap(\.suppression)).sorted(by: { ($0.kind.rawValue, $0.reason) < ($1.kind.rawValue, $1.reason) }) {
            lines.append("<span class=\"suppression\">\(suppressionText(suppression))</span>")
        }
        return lines.isEmpty ? "" : "<ul class=\"why\">" + lines.map { "<li>\($0)</li>" }.joined() + "</ul>\n"
    }

    func filingText(_ app: AssessedApp) -> String {
        guard let match = app.match else { return "<span class=\"minor\">\(t(.htmlNotInRegistry))</span>" }
        var out = "<code class=\"filing\">\(Self.escape(match.filingNumber))</code>"
        switch match.status {
        case .active: out += " <span class=\"minor\">\(t(.htmlStatusActive))</span>"
        case .cancelled: out += " <span class=\"bad\">\(t(.htmlStatusCancelled))</span>"
        case .revoked: out += " <span class=\"bad\">\(t(.htmlStatusRevoked))</span>"
        }
        return out
    }

    /// The signer fingerprint in the algorithm the filing uses, shortened, and whether it matches.
    func certificateText(_ app: AssessedApp) -> String {
        let algorithm = app.shownAlgorithms[0]
        let signers = app.signerFingerprints(algorithm)
        guard !signers.isEmpty else { return "<span class=\"bad\">\(t(.htmlUnsigned))</span>" }
        var out = "<span class=\"minor\">\(algorithm.name)</span> "
            + signers.map { "<code title=\"\(Self.escape($0))\">\(Self.escape(Self.short($0)))</code>" }.joined(separator: " ")
        switch app.match?.certificateMatched {
        case true?: out += " <span class=\"good\">✓ \(t(.htmlCertificateMatches))</span>"
        case false?: out += " <span class=\"bad\">✕ \(t(.htmlCertificateDiffers))</span>"
        case nil: break
        }
        return out
    }

    func suppressionText(_ suppression: Suppression) -> String {
        let kind: MessageKey
        switch suppression.kind {
        case .exemption: kind = .htmlSuppressionExemption
        case .waiver: kind = .htmlSuppressionWaiver
        case .baseline: kind = .htmlSuppressionBaseline
        }
        return t(.htmlSuppressed, Message(kind).text(language), suppression.reason)
    }

    // MARK: Evidence

    func evidence(_ app: AssessedApp) -> String {
        let record = app.record
        let diagnostics = record.errors + record.warnings
        var parts: [String] = [t(.htmlEvidenceFindings, String(app.findings.count)), t(.htmlEvidenceCertificates, String(record.signers.count))]
        if !record.filingNumbers.isEmpty { parts.append(t(.htmlEvidenceNumbers, String(record.filingNumbers.count))) }
        if !record.components.isEmpty { parts.append(t(.htmlEvidenceComponents, String(record.components.count))) }
        if !diagnostics.isEmpty { parts.append(t(.htmlEvidenceDiagnostics, String(diagnostics.count))) }
        var out = "<details class=\"evidence\">\n<summary>\(t(.htmlEvidence)) <span class=\"minor\">\(parts.joined(separator: " · "))</span></summary>\n"
        out += "<div class=\"evidence-body\">\n"
        if !app.findings.isEmpty {
            out += "<h5>\(t(.htmlFindings))</h5>\n<ul class=\"findings\">\n"
            for item in app.findings { out += "<li>\(finding(item, withLocation: false, withRemedy: true))</li>\n" }
            out += "</ul>\n"
        }
        out += certificates(app)
        if !record.filingNumbers.isEmpty { out += displayedNumbers(record) }
        if let profile = record.profile { out += self.profile(profile) }
        if !record.components.isEmpty { out += components(record) }
        if !diagnostics.isEmpty {
            out += "<h5>\(t(.htmlDiagnostics))</h5>\n<ul class=\"diagnostics\">\n"
            for d in diagnostics {
                out += "<li>\(severity(d.severity.rawValue)) <code>\(Self.escape(d.code))</code> \(Self.escape(d.message))</li>\n"
            }
            out += "</ul>\n"
        }
        return out + "</div>\n</details>\n"
    }

    /// One finding: rule, name, severity, text, whether it fails or what suppresses it, and optionally
    /// where and the remedy.
    func finding(_ finding: Finding, withLocation: Bool, withRemedy: Bool) -> String {
        var out = "<span class=\"rule\">\(finding.rule.rawValue)</span> <span class=\"rule-name\">\(finding.rule.name)</span> "
            + severity(finding.severity.rawValue)
        if let suppression = finding.suppression {
            out += " <span class=\"state suppressed\">\(suppressionText(suppression))</span>"
        } else if finding.fails {
            out += " <span class=\"state fails\">✕ \(t(.htmlFails))</span>"
        }
        out += "<div class=\"text\">\(Self.escape(finding.text(language)))</div>"
        if withLocation, let location = finding.location {
            out += "<div class=\"where\"><code>\(Self.path(location.description))</code></div>"
        }
        if withRemedy {
            out += "<div class=\"remedy\"><span class=\"k\">\(t(.htmlRemedy))</span> \(Self.escape(finding.rule.remedy(language)))</div>"
        }
        return out
    }

    func severity(_ name: String) -> String {
        let key: MessageKey
        switch name {
        case "error": key = .htmlSeverityError
        case "warning": key = .htmlSeverityWarning
        default: key = .htmlSeverityInfo
        }
        return "<span class=\"sev sev-\(Self.escape(name))\">\(t(key))</span>"
    }

    func certificates(_ app: AssessedApp) -> String {
        var out = "<h5>\(t(.htmlCertificates))</h5>\n"
        if app.record.signers.isEmpty { out += "<p class=\"minor\">\(t(.htmlUnsigned))</p>\n" }
        for signer in app.record.signers {
            out += "<dl class=\"cert\">\n"
            out += fact(.htmlCertScheme, "<code>\(Self.escape(signer.scheme))</code>")
            out += fact(.htmlCertSubject, Self.escape(signer.subject))
            if signer.issuer != signer.subject { out += fact(.htmlCertIssuer, Self.escape(signer.issuer)) }
            out += fact(.htmlCertSerial, "<code>\(Self.escape(signer.serialNumber))</code>")
            out += fact(.termCertificateMD5, "<code class=\"hash\">\(Self.escape(signer.md5.lowercased()))</code>")
            out += fact(.htmlCertSHA1, "<code class=\"hash\">\(Self.escape(signer.sha1.lowercased()))</code>")
            out += fact(.htmlCertSHA256, "<code class=\"hash\">\(Self.escape(signer.sha256.lowercased()))</code>")
            out += fact(.termPublicKey, "\(Self.escape(signer.publicKeyAlgorithm)) \(signer.publicKeyBits) · SHA-256 "
                + "<code class=\"hash\">\(Self.escape(signer.publicKeySha256.lowercased()))</code>")
            out += "</dl>\n"
        }
        if let match = app.match, !match.filedAlgorithms.isEmpty || match.filedPublicKeys > 0 {
            out += "<dl class=\"cert filed\">\n"
            for algorithm in match.filedAlgorithms {
                out += fact(.htmlFiledFingerprint, "<span class=\"minor\">\(algorithm.name)</span> "
                    + match.filed(algorithm).map { "<code class=\"hash\">\(Self.escape($0))</code>" }.joined(separator: " "))
            }
            if match.filedPublicKeys > 0 { out += fact(.htmlFiledPublicKeys, "\(match.filedPublicKeys)") }
            out += "</dl>\n"
        }
        return out
    }

    func displayedNumbers(_ record: AppRecord) -> String {
        var out = "<h5>\(t(.htmlDisplayedNumbers))</h5>\n<table class=\"numbers\">\n<thead><tr><th>\(t(.htmlColumnCanonical))</th>"
            + "<th>\(t(.htmlColumnKind))</th><th>\(t(.htmlColumnProblems))</th><th>\(t(.htmlColumnWhere))</th></tr></thead>\n<tbody>\n"
        for number in record.filingNumbers {
            let problems = number.problems.map { "<code>\(Self.escape($0.rawValue))</code>" }.joined(separator: " ")
            let places = number.sources.map { source in
                "<li><code>\(Self.path(source.source))</code>" + (source.raw == number.canonical ? "" : " <span class=\"minor\">“\(Self.escape(source.raw))”</span>") + "</li>"
            }.joined()
            out += "<tr><td><code class=\"filing\">\(Self.escape(number.canonical))</code></td><td><code>\(Self.escape(number.kind.rawValue))</code></td>"
                + "<td>\(problems.isEmpty ? "—" : problems)</td><td><ul class=\"plain\">\(places)</ul></td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    func profile(_ profile: SigningProfile) -> String {
        var out = "<h5>\(t(.htmlProfile))</h5>\n<dl class=\"cert\">\n"
        out += fact(.htmlProfileSource, "<code>\(Self.path(profile.source))</code>")
        let rows: [(MessageKey, String?)] = [
            (.htmlProfileType, profile.type), (.htmlProfileBundle, profile.bundleName), (.htmlProfileAppIdentifier, profile.appIdentifier),
            (.htmlProfileTeam, [profile.teamIdentifier, profile.teamName].compactMap { $0 }.joined(separator: " · ")),
            (.htmlProfileExpires, profile.expires),
        ]
        for (key, value) in rows { if let value, !value.isEmpty { out += fact(key, Self.escape(value)) } }
        return out + "</dl>\n"
    }

    func components(_ record: AppRecord) -> String {
        var out = "<h5>\(t(.htmlComponents))</h5>\n<table class=\"components\">\n<thead><tr><th>\(t(.htmlColumnPath))</th><th>\(t(.htmlColumnRole))</th>"
            + "<th>\(t(.termPackageName))</th><th>\(t(.htmlColumnName))</th></tr></thead>\n<tbody>\n"
        for c in record.components {
            out += "<tr><td><code>\(Self.path(c.path))</code></td><td>\(Self.escape(c.role))</td>"
                + "<td>\(c.package.map { "<code>\(Self.escape($0))</code>" } ?? "—")</td><td>\(c.name.map(Self.escape) ?? "—")</td></tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }
}
