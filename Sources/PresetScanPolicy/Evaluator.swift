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
    /// Certificate fingerprints filed for the identifier on its platform under this filing, by
    /// algorithm (SPEC §3: MD5 for Android, SHA-1 as iOS filings carry, SHA-256 for HarmonyOS);
    /// all empty and no public key: no certificate data.
    public var filedCertificateMD5s: [String]
    public var filedCertificateSHA1s: [String] = []
    public var filedCertificateSHA256s: [String] = []
    public var filedPublicKeys: Int
    /// nil when nothing could be compared (no certificate data, or an unsigned app and no
    /// certificate data); false when certificate data is filed and no signer matches it.
    public var certificateMatched: Bool?

    /// The filed fingerprints of `algorithm`.
    public func filed(_ algorithm: FingerprintAlgorithm) -> [String] {
        switch algorithm {
        case .md5: filedCertificateMD5s
        case .sha1: filedCertificateSHA1s
        case .sha256: filedCertificateSHA256s
        }
    }

    /// The algorithms of which a fingerprint is filed, MD5 first.
    public var filedAlgorithms: [FingerprintAlgorithm] { FingerprintAlgorithm.allCases.filter { !filed($0).isEmpty } }

    /// Whether the registry holds any certificate data (a fingerprint or a public key) for the app.
    public var hasCertificateData: Bool { !filedAlgorithms.isEmpty || filedPublicKeys > 0 }
}

/// One app package with its verdict: what every scan report shows per app.
public struct AssessedApp: Sendable, Equatable {
    public var record: AppRecord
    public var sha256: String?
    public var verdict: Verdict
    public var match: RegistryMatch?
    public var findings: [Finding]

    /// The platform the app is built for and filed under: the record's.
    public var platform: Platform { record.platform }

    public init(record: AppRecord, sha256: String?, verdict: Verdict, match: RegistryMatch?, findings: [Finding]) {
        self.record = record
        self.sha256 = sha256
        self.verdict = verdict
        self.match = match
        self.findings = findings
    }
}

extension Signer {
    /// This certificate's digest of `algorithm`, lower-case hex.
    public func fingerprint(_ algorithm: FingerprintAlgorithm) -> String {
        switch algorithm {
        case .md5: md5.lowercased()
        case .sha1: sha1.lowercased()
        case .sha256: sha256.lowercased()
        }
    }
}

/// Applies rules PS001–PS014 and the policy to app records and to the run (SPEC §4).
///
/// Pure: the caller does the registry lookups, so the rules can be tested without a snapshot.
public struct Evaluator: Sendable {
    public var policy: Policy
    public var today: RegistryDate
    /// Fingerprints of the findings in the baseline report (`--baseline`); nil: no baseline.
    public var baseline: Set<String>?

    /// The APK reader's warning code for a signature that does not verify; its message is PS011's reason.
    public static let verifyFailedCode = APKVerification.diagnosticCode

    public init(policy: Policy, today: RegistryDate, baseline: Set<String>? = nil) {
        self.policy = policy
        self.today = today
        self.baseline = baseline
    }

    /// Judges one app on its platform (`record.platform`, SPEC §7).
    ///
    /// `filings` are the registry's filings of the app's identifier: those on the app's platform
    /// decide; filings on other platforms only say where else it is filed (a HarmonyOS app filed
    /// only for Android is unfiled, and its PS001 names the Android filing). `isFiled` tells whether
    /// a canonical app filing number is in the registry at all.
    ///
    /// Precedence (SPEC §4): the registry speaks first. A matching active filing makes the app
    /// `filed` whatever the policy says; an exemption or waiver only decides the verdict of an app
    /// that would otherwise fail, and what it suppresses stays listed with the reason.
    public func assess(
        _ record: AppRecord, sha256: String? = nil, filings: [FilingMatch], isFiled: (String) -> Bool
    ) -> AssessedApp {
        let platform = record.platform
        let location = record.location
        var findings: [Finding] = []
        let subject = record.package.map { "\(platform.rawValue):\($0)" }

        for error in record.errors {
            findings.append(Finding(.PS009, error.packageMessage, location: error.location ?? location,
                                    subject: subject, evidence: ["code": error.code]))
        }
        guard let identifier = record.package else {
            // No identity: it cannot be shown to be filed. PS009 says why; no PS001 is guessed.
            if record.errors.isEmpty {
                findings.append(Finding(.PS009, Message(.findingNoIdentifier), location: location))
            }
            return finish(AssessedApp(record: record, sha256: sha256, verdict: .unfiled, match: nil, findings: findings))
        }

        let unsigned = record.signers.isEmpty
        if unsigned {
            findings.append(Finding(.PS008, Message(.findingUnsigned, identifier),
                                    location: location, subject: subject))
        }

        // A claimed signer whose signature does not verify over the content (PS011) is no
        // signer at all for the certificate check: the package may be tampered or counterfeit.
        // A scheme missing for old platforms (v2/v3 only with minSdk below 24: apksigner's
        // "Missing META-INF/MANIFEST.MF") is not tampering: the claimed signer did verify.
        let failure = record.warnings.first { $0.code == Self.verifyFailedCode }
        let onlyMissingScheme = record.verificationFailure?.reason == .missingSignature
        let signatureInvalid = record.verified == false && !unsigned && !onlyMissingScheme
        if signatureInvalid {
            var claimedMd5: [String] = []
            for signer in record.signers where !claimedMd5.contains(signer.md5) { claimedMd5.append(signer.md5) }
            let claimed = claimedMd5.joined(separator: ", ")
            // The verifier's reason is parser detail: an argument, never translated.
            let message = failure.map { Message(.findingSignatureInvalid, identifier, claimed, $0.message) }
                ?? Message(.findingSignatureInvalidPlain, identifier, claimed)
            findings.append(Finding(
                .PS011, message, location: location, subject: subject,
                evidence: ["claimedMd5": claimed]))
        }
        let verifiableSigners = signatureInvalid ? [] : record.signers

        // Only a filing of this identifier on this platform can match (SPEC §7).
        let onPlatform = filings.filter { filing in
            filing.identifiers.contains { $0.identifier == identifier && $0.platform == platform }
        }
        var verdict = Verdict.unfiled
        var match: RegistryMatch?
        let candidates = onPlatform.map { candidate($0, identifier: identifier, platform: platform, signers: verifiableSigners) }
        if let best = candidates.max(by: { a, b in (a.score, b.match.filingNumber) < (b.score, a.match.filingNumber) }) {
            match = best.match
            let certificatePasses = best.match.certificateMatched != false
            let active = best.match.status == .active
            if !certificatePasses {
                verdict = .certificateMismatch
                findings.append(mismatch(best.match, signers: verifiableSigners, location: location, subject: subject))
            }
            if !active {
                if certificatePasses { verdict = .filingNotActive }
                findings.append(Finding(
                    .PS003, Self.inactive(identifier, best.match), location: location,
                    subject: subject, evidence: ["filingNumber": best.match.filingNumber, "status": best.match.status.rawValue]))
            }
            if certificatePasses && active { verdict = .filed }
        } else {
            findings.append(unfiled(identifier, platform: platform, filings: filings, location: location, subject: subject))
        }

        let filedNumbers = Set(onPlatform.map(\.filing.number))
        for number in record.filingNumbers where number.kind == .app {
            let source = number.sources.first?.source ?? ""
            if !number.valid {
                let problems = number.problems.map(\.rawValue).joined(separator: ", ")
                findings.append(Finding(
                    .PS005, Message(.findingMalformedNumber, number.raw, problems), location: location, subject: subject,
                    evidence: ["filingNumber": number.raw, "source": source]))
                continue
            }
            if !filedNumbers.isEmpty && !filedNumbers.contains(number.canonical) {
                findings.append(Finding(
                    .PS004, Message(.findingDisplayedMismatch, number.canonical, identifier, filedNumbers.sorted().joined(separator: ", ")),
                    location: location, subject: subject, evidence: ["filingNumber": number.canonical, "source": source]))
            }
            if !isFiled(number.canonical) {
                findings.append(Finding(
                    .PS006, Message(.findingUnknownNumber, number.canonical), location: location, subject: subject,
                    evidence: ["filingNumber": number.canonical, "source": source]))
            }
        }

        findings += noticeFindings(record, identifier: identifier, match: match, location: location, subject: subject)

        var app = AssessedApp(record: record, sha256: sha256, verdict: verdict, match: match, findings: findings)
        // The registry speaks first: a filed app keeps its verdict, and the policy only steps in
        // where something would fail. PS009 is left out: an unread input is never hidden.
        let wouldFail = verdict != .filed || findings.contains { $0.rule != .PS009 && policy.failOn.contains($0.rule) }
        guard wouldFail else { return finish(app) }
        let readable = record.errors.isEmpty
        var decision: (verdict: Verdict, suppression: Suppression)?
        if let exemption = policy.exemption(for: identifier, platform: platform) {
            decision = (.exempt, Suppression(.exemption, Message(.suppressionExemption, exemption.identifier, exemption.reason)))
        } else if policy.exemptWithoutInternet && readable && !record.usesInternet {
            decision = (.exempt, Suppression(.exemption, Message(.suppressionNoInternet)))
        } else if let waiver = activeWaiver(for: identifier, signers: record.signers) {
            decision = (.waived, Suppression(.waiver, Message(.suppressionWaiver, waiver.expires.text, waiver.owner, waiver.reason)))
        }
        if let decision {
            if app.verdict != .filed { app.verdict = decision.verdict }
            suppress(&app.findings, decision.suppression)
        }
        return finish(app)
    }

    /// Findings about the run itself: a stale registry (PS007), expired waivers (PS010) and the
    /// parts of the input that could not be read (PS009).
    public func runFindings(registry: SnapshotInfo?, diagnostics: [Diagnostic]) -> [Finding] {
        var findings: [Finding] = []
        if let registry, registry.isStale {
            findings.append(Finding(
                .PS007, Message(.findingRegistryStale, registry.builtAt, "\(registry.ageDays)", "\(SnapshotInfo.staleAfterDays)"),
                location: Location(path: registry.path), subject: "registry", evidence: ["builtAt": registry.builtAt]))
        }
        for waiver in policy.waivers where waiver.isExpired(today: today) {
            findings.append(Finding(
                .PS010, Message(.findingWaiverExpired, waiver.identifier, "\(waiver.line)", waiver.owner, waiver.expires.text),
                location: policy.path.map { Location(path: $0) }, subject: "policy",
                evidence: ["identifier": waiver.identifier, "expires": waiver.expires.text, "line": "\(waiver.line)"]))
        }
        for diagnostic in diagnostics where diagnostic.severity == .error {
            findings.append(Finding(.PS009, diagnostic.inputMessage, location: diagnostic.location, evidence: ["code": diagnostic.code]))
        }
        return findings.map { decide($0) }.sorted()
    }

    // MARK: What the notice asks beyond the identifier (MIIT Notice [2023] No. 105)

    /// PS012 (the filed name matches a label), PS013 (a filed networked app shows its number) and
    /// PS014 (a shown number links to the filing system). They read only what the record already
    /// holds: labels and what the filing search found.
    func noticeFindings(
        _ record: AppRecord, identifier: String, match: RegistryMatch?, location: Location, subject: String?
    ) -> [Finding] {
        var findings: [Finding] = []
        let shown = record.filingNumbers.filter { $0.kind == .app && $0.valid }
        if let match {
            let filedName = match.appName.trimmingCharacters(in: .whitespacesAndNewlines)
            var labels: [(locale: String, label: String)] = record.label.map { [("default", $0)] } ?? []
            labels += record.labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            if !filedName.isEmpty, !labels.contains(where: { NameMatch.matches($0.label, filedName) }) {
                if let closest = NameMatch.closest(labels, to: filedName) {
                    findings.append(Finding(
                        .PS012, Message(.findingNameMismatch, filedName, closest.label, closest.locale), location: location,
                        subject: subject, evidence: ["filedName": filedName, "closestLabel": closest.label, "locale": closest.locale]))
                }
            }
            if record.usesInternet, record.errors.isEmpty, record.filingNumbers.allSatisfy({ $0.kind != .app }) {
                findings.append(Finding(
                    .PS013, Message(.findingNumberNotShown, identifier, match.filingNumber), location: location, subject: subject,
                    evidence: ["filingNumber": match.filingNumber]))
            }
        }
        if let first = shown.first, record.filingSystemLinks.isEmpty {
            findings.append(Finding(
                .PS014, Message(.findingNoSystemLink, first.canonical, FilingScanner.filingSystemHost), location: location,
                subject: subject, evidence: ["filingNumber": first.canonical, "source": first.sources.first?.source ?? ""]))
        }
        return findings
    }

    // MARK: Helpers

    private struct Candidate {
        var match: RegistryMatch
        var score: Int
    }

    private func candidate(_ filing: FilingMatch, identifier: String, platform: Platform, signers: [Signer]) -> Candidate {
        let certificates = filing.identifiers.filter { $0.identifier == identifier && $0.platform == platform }
            .flatMap(\.certificates)
        func filed(_ algorithm: FingerprintAlgorithm) -> [String] {
            Array(Set(certificates.compactMap { $0.fingerprint(algorithm)?.lowercased() })).sorted()
        }
        let keys = certificates.compactMap(\.publicKey)
        var matched: Bool?
        if !certificates.isEmpty {
            // SPEC §4: with certificate data filed, an app with no readable signer does not pass either.
            matched = certificates.contains { certificate in signers.contains { Self.certificate(certificate, matches: $0) } }
        }
        let match = RegistryMatch(
            filingNumber: filing.filing.number, appName: filing.filing.appName, sponsor: filing.filing.sponsor,
            status: filing.filing.status, approvedOn: filing.filing.approvedOn, platform: platform, identifier: identifier,
            filedCertificateMD5s: filed(.md5), filedCertificateSHA1s: filed(.sha1), filedCertificateSHA256s: filed(.sha256),
            filedPublicKeys: keys.count, certificateMatched: matched)
        // A matching certificate says more than an active status: it is this app's filing.
        let score = (matched != false ? 2 : 0) + (filing.filing.status == .active ? 1 : 0)
        return Candidate(match: match, score: score)
    }

    /// A filed certificate matches a signer when one of its fingerprints equals the signer's digest
    /// of the same algorithm (MD5, SHA-1, SHA-256: SPEC §3), or its public key is the signer's.
    static func certificate(_ filed: FiledCertificate, matches signer: Signer) -> Bool {
        for algorithm in FingerprintAlgorithm.allCases {
            if let fingerprint = filed.fingerprint(algorithm), fingerprint.lowercased() == signer.fingerprint(algorithm) { return true }
        }
        if let key = filed.publicKey, publicKey(key, matches: signer) { return true }
        return false
    }

    /// PS002, naming the fingerprints of the algorithms compared: the filed ones and the signers'.
    private func mismatch(_ match: RegistryMatch, signers: [Signer], location: Location, subject: String?) -> Finding {
        let algorithms = match.filedAlgorithms
        var evidence = ["filingNumber": match.filingNumber]
        let filed: Message
        var signed: Message
        if algorithms.isEmpty {
            // Only public keys are filed.
            let keys = Array(Set(signers.map { $0.publicKeySha256.lowercased() })).sorted()
            filed = match.filedPublicKeys == 1 ? Message(.mismatchFiledKey) : Message(.mismatchFiledKeys, "\(match.filedPublicKeys)")
            signed = Message(.mismatchSignedWithKey, keys.joined(separator: ", "))
            evidence["publicKeySha256"] = keys.joined(separator: ", ")
        } else {
            let filedParts = algorithms.map { "\($0.name) \(match.filed($0).joined(separator: ", "))" }.joined(separator: " / ")
            switch match.filedPublicKeys {
            case 0: filed = Message(.mismatchFiledCertificates, filedParts)
            case 1: filed = Message(.mismatchFiledCertificatesAndKey, filedParts)
            default: filed = Message(.mismatchFiledCertificatesAndKeys, filedParts, "\(match.filedPublicKeys)")
            }
            var signedParts: [String] = []
            for algorithm in algorithms {
                let actual = Array(Set(signers.map { $0.fingerprint(algorithm) })).sorted().joined(separator: ", ")
                // The evidence key of each algorithm compared: certMD5, certSHA1, certSHA256.
                evidence["cert" + algorithm.name.replacingOccurrences(of: "-", with: "")] = actual
                signedParts.append(algorithms.count == 1 ? actual : "\(algorithm.name) \(actual)")
            }
            signed = Message(.mismatchSignedWith, signedParts.joined(separator: " / "))
        }
        if signers.isEmpty { signed = Message(.mismatchNoSigner) }
        return Finding(
            .PS002, Message(.findingCertificateMismatch, arguments: [match.identifier, match.filingNumber], parts: [filed, signed]),
            location: location, subject: subject, evidence: evidence)
    }

    /// PS003's message: the filing's status said as a status, not as its machine name.
    private static func inactive(_ identifier: String, _ match: RegistryMatch) -> Message {
        switch match.status {
        case .cancelled: Message(.findingFilingCancelled, identifier, match.filingNumber)
        case .revoked: Message(.findingFilingRevoked, identifier, match.filingNumber)
        case .active: Message(.findingFilingStatus, identifier, match.filingNumber, match.status.rawValue)
        }
    }

    /// PS001; when the identifier is filed on other platforms only, it names them and their filings.
    private func unfiled(
        _ identifier: String, platform: Platform, filings: [FilingMatch], location: Location, subject: String?
    ) -> Finding {
        var elsewhere: [Platform: Set<String>] = [:]
        for filing in filings {
            for filed in filing.identifiers where filed.identifier == identifier && filed.platform != platform {
                elsewhere[filed.platform, default: []].insert(filing.filing.number)
            }
        }
        guard !elsewhere.isEmpty else {
            return Finding(.PS001, Message(.findingNotInRegistry, identifier, platform.rawValue), location: location,
                           subject: subject, evidence: ["identifier": identifier])
        }
        let platforms = elsewhere.keys.sorted()
        let listed = platforms.map { "\($0.rawValue) (\((elsewhere[$0] ?? []).sorted().joined(separator: ", ")))" }
        return Finding(
            .PS001, Message(.findingFiledElsewhere, identifier, listed.joined(separator: ", "), platform.rawValue),
            location: location, subject: subject,
            evidence: ["identifier": identifier, "filedPlatforms": platforms.map(\.rawValue).joined(separator: ",")])
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
            finding.suppression = Suppression(.baseline, Message(.suppressionBaseline))
        }
        finding.fails = finding.suppression == nil && policy.failOn.contains(finding.rule)
        return finding
    }
}
