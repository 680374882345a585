import Foundation
import PresetScanApps
import PresetScanCore
import PresetScanCrypto
import PresetScanFiling
import PresetScanRegistry

/// What the registry says about an app: the filing chosen for it and whether a certificate matched.
public struct RegistryMatch: Codable, Sendable, Equatable {
    public var filingNumber: String
    public var appName: String
    public var sponsor: String
    public var status: FilingStatus
    public var approvedOn: String?
    public var platform: Platform
    public var identifier: String
    /// Certificate MD5s (and public keys) filed for the identifier under this filing; empty: no certificate data.
    public var filedCertificateMD5s: [String]
    public var filedPublicKeys: Int
    /// nil when nothing could be compared (no certificate data, or an unsigned app).
    public var certificateMatched: Bool?
}

/// One app package with its verdict: what every scan report shows per app.
public struct AssessedApp: Sendable, Equatable {
    public var record: AppRecord
    public var sha256: String?
    public var platform: Platform
    public var verdict: Verdict
    public var match: RegistryMatch?
    public var findings: [Finding]

    public init(record: AppRecord, sha256: String?, platform: Platform, verdict: Verdict, match: RegistryMatch?, findings: [Finding]) {
        self.record = record
        self.sha256 = sha256
        self.platform = platform
        self.verdict = verdict
        self.match = match
        self.findings = findings
    }
}

/// Applies rules PS001–PS010 and the policy to app records and to the run (SPEC §4).
///
/// Pure: the caller does the registry lookups, so the rules can be tested without a snapshot.
public struct Evaluator: Sendable {
    public var policy: Policy
    public var today: RegistryDate
    /// Fingerprints of the findings in the baseline report (`--baseline`); nil: no baseline.
    public var baseline: Set<String>?

    public init(policy: Policy, today: RegistryDate, baseline: Set<String>? = nil) {
        self.policy = policy
        self.today = today
        self.baseline = baseline
    }

    /// The platform a package kind is filed under.
    public static func platform(of record: AppRecord) -> Platform {
        switch record.kind {
        case "hap", "app": .harmony
        case "ipa": .ios
        case "rpk": .quickapp
        default: .android
        }
    }

    /// Judges one app. `filings` are the registry's filings of the app's identifier on its platform;
    /// `isFiled` tells whether a canonical app filing number is in the registry at all.
    public func assess(
        _ record: AppRecord, sha256: String? = nil, filings: [FilingMatch], isFiled: (String) -> Bool
    ) -> AssessedApp {
        let platform = Self.platform(of: record)
        let location = record.location
        var findings: [Finding] = []
        let subject = record.package.map { "\(platform.rawValue):\($0)" }

        for error in record.errors {
            findings.append(Finding(.PS009, "package not read completely: \(error.message)", location: error.location ?? location,
                                    subject: subject, evidence: ["code": error.code]))
        }
        guard let identifier = record.package else {
            // No identity: it cannot be shown to be filed. PS009 says why; no PS001 is guessed.
            if record.errors.isEmpty {
                findings.append(Finding(.PS009, "the package's identifier could not be read", location: location))
            }
            return finish(AssessedApp(record: record, sha256: sha256, platform: platform, verdict: .unfiled, match: nil,
                                      findings: findings))
        }

        let signerMD5s = Set(record.signers.map { $0.md5.lowercased() })
        let unsigned = record.signers.isEmpty
        if unsigned {
            findings.append(Finding(.PS008, "\(identifier) has no verifiable signer certificate; its certificate cannot be checked",
                                    location: location, subject: subject))
        }

        var verdict = Verdict.unfiled
        var match: RegistryMatch?
        let candidates = filings.map {
            candidate($0, identifier: identifier, platform: platform, signers: record.signers, signerMD5s: signerMD5s)
        }
        if let best = candidates.max(by: { a, b in (a.score, b.match.filingNumber) < (b.score, a.match.filingNumber) }) {
            match = best.match
            let certificatePasses = best.match.certificateMatched != false
            let active = best.match.status == .active
            if !certificatePasses {
                verdict = .certificateMismatch
                let filed = best.match.filedCertificateMD5s.joined(separator: ", ")
                let actual = signerMD5s.sorted().joined(separator: ", ")
                findings.append(Finding(
                    .PS002, "\(identifier) is filed as \(best.match.filingNumber) with certificate MD5 \(filed.isEmpty ? "(public key only)" : filed), but is signed with \(actual)",
                    location: location, subject: subject, evidence: ["filingNumber": best.match.filingNumber, "certMD5": actual]))
            }
            if !active {
                if certificatePasses { verdict = .filingNotActive }
                findings.append(Finding(
                    .PS003, "\(identifier)'s filing \(best.match.filingNumber) is \(best.match.status.rawValue)", location: location,
                    subject: subject, evidence: ["filingNumber": best.match.filingNumber, "status": best.match.status.rawValue]))
            }
            if certificatePasses && active { verdict = .filed }
        } else {
            findings.append(Finding(.PS001, "\(identifier) is not in the registry (\(platform.rawValue))", location: location,
                                    subject: subject, evidence: ["identifier": identifier]))
        }

        let filedNumbers = Set(filings.map(\.filing.number))
        for number in record.filingNumbers where number.kind == .app {
            let source = number.sources.first?.source ?? ""
            if !number.valid {
                let problems = number.problems.map(\.rawValue).joined(separator: ", ")
                findings.append(Finding(
                    .PS005, "displays \"\(number.raw)\", a malformed app filing number (\(problems))", location: location, subject: subject,
                    evidence: ["filingNumber": number.raw, "source": source]))
                continue
            }
            if !filedNumbers.isEmpty && !filedNumbers.contains(number.canonical) {
                findings.append(Finding(
                    .PS004, "displays \(number.canonical), but \(identifier) is filed as \(filedNumbers.sorted().joined(separator: ", "))",
                    location: location, subject: subject, evidence: ["filingNumber": number.canonical, "source": source]))
            }
            if !isFiled(number.canonical) {
                findings.append(Finding(
                    .PS006, "displays \(number.canonical), which is not in the registry", location: location, subject: subject,
                    evidence: ["filingNumber": number.canonical, "source": source]))
            }
        }

        var app = AssessedApp(record: record, sha256: sha256, platform: platform, verdict: verdict, match: match, findings: findings)
        let readable = record.errors.isEmpty
        if let exemption = policy.exemption(for: identifier, platform: platform) {
            app.verdict = .exempt
            suppress(&app.findings, Suppression(.exemption, "exempt by policy (\(exemption.identifier)): \(exemption.reason)"))
        } else if policy.exemptWithoutInternet && readable && !record.usesInternet {
            app.verdict = .exempt
            suppress(&app.findings, Suppression(.exemption, "requests no network permission (exemptWithoutInternet)"))
        } else if let waiver = activeWaiver(for: identifier, signers: record.signers) {
            if app.verdict != .filed || app.findings.contains(where: { $0.rule != .PS009 }) {
                if app.verdict != .filed { app.verdict = .waived }
                suppress(&app.findings, Suppression(
                    .waiver, "waived until \(waiver.expires.text) (owner \(waiver.owner)): \(waiver.reason)"))
            }
        }
        return finish(app)
    }

    /// Findings about the run itself: a stale registry (PS007), expired waivers (PS010) and the
    /// parts of the input that could not be read (PS009).
    public func runFindings(registry: SnapshotInfo?, diagnostics: [Diagnostic]) -> [Finding] {
        var findings: [Finding] = []
        if let registry, registry.isStale {
            findings.append(Finding(
                .PS007, "registry snapshot data date \(registry.builtAt) is \(registry.ageDays) days old (over \(SnapshotInfo.staleAfterDays))",
                location: Location(path: registry.path), subject: "registry", evidence: ["builtAt": registry.builtAt]))
        }
        for waiver in policy.waivers where waiver.isExpired(today: today) {
            findings.append(Finding(
                .PS010, "the waiver for \(waiver.identifier) (line \(waiver.line), owner \(waiver.owner)) expired on \(waiver.expires.text); it no longer applies",
                location: policy.path.map { Location(path: $0) }, subject: "policy",
                evidence: ["identifier": waiver.identifier, "expires": waiver.expires.text, "line": "\(waiver.line)"]))
        }
        for diagnostic in diagnostics where diagnostic.severity == .error {
            findings.append(Finding(.PS009, diagnostic.message, location: diagnostic.location, evidence: ["code": diagnostic.code]))
        }
        return findings.map { decide($0) }.sorted()
    }

    // MARK: Helpers

    private struct Candidate {
        var match: RegistryMatch
        var score: Int
    }

    private func candidate(
        _ filing: FilingMatch, identifier: String, platform: Platform, signers: [Signer], signerMD5s: Set<String>
    ) -> Candidate {
        let certificates = filing.identifiers.filter { $0.identifier == identifier && $0.platform == platform }
            .flatMap(\.certificates)
        let md5s = Array(Set(certificates.compactMap(\.md5))).sorted()
        let keys = certificates.compactMap(\.publicKey)
        var matched: Bool?
        if !certificates.isEmpty && !signers.isEmpty {
            matched = md5s.contains { signerMD5s.contains($0) } || keys.contains { key in signers.contains { Self.publicKey(key, matches: $0) } }
        }
        let match = RegistryMatch(
            filingNumber: filing.filing.number, appName: filing.filing.appName, sponsor: filing.filing.sponsor,
            status: filing.filing.status, approvedOn: filing.filing.approvedOn, platform: platform, identifier: identifier,
            filedCertificateMD5s: md5s, filedPublicKeys: keys.count, certificateMatched: matched)
        // A matching certificate says more than an active status: it is this app's filing.
        let score = (matched != false ? 2 : 0) + (filing.filing.status == .active ? 1 : 0)
        return Candidate(match: match, score: score)
    }

    /// A filed key is an RSA modulus in hex or a base64 SubjectPublicKeyInfo (SPEC §3).
    static func publicKey(_ filed: String, matches signer: Signer) -> Bool {
        if filed.allSatisfy(\.isHexDigit) {
            guard let modulus = signer.rsaModulusHex else { return false }
            func trimmed(_ s: String) -> Substring { s.lowercased().drop { $0 == "0" } }
            return trimmed(filed) == trimmed(modulus)
        }
        guard let der = Data(base64Encoded: filed) else { return false }
        return Digest.sha256([UInt8](der)).hexString == signer.publicKeySha256.lowercased()
    }

    private func activeWaiver(for identifier: String, signers: [Signer]) -> Waiver? {
        policy.waivers.first { waiver in
            guard waiver.identifier == identifier, !waiver.isExpired(today: today) else { return false }
            guard let sha = waiver.certSha256 else { return true }
            return signers.contains { $0.sha256.lowercased() == sha }
        }
    }

    /// Suppresses every finding but PS009: an exemption or waiver never hides an unread input.
    private func suppress(_ findings: inout [Finding], _ suppression: Suppression) {
        for i in findings.indices where findings[i].rule != .PS009 { findings[i].suppression = suppression }
    }

    private func finish(_ app: AssessedApp) -> AssessedApp {
        var app = app
        app.findings = app.findings.map { decide($0) }.sorted()
        return app
    }

    /// Applies the baseline and decides whether the finding fails the build.
    private func decide(_ finding: Finding) -> Finding {
        var finding = finding
        if finding.suppression == nil, let baseline, baseline.contains(finding.fingerprint) {
            finding.suppression = Suppression(.baseline, "known: present in the baseline report")
        }
        finding.fails = finding.suppression == nil && policy.failOn.contains(finding.rule)
        return finding
    }
}
