import ArgumentParser
import Foundation
import PresetScanKit
import PresetScanRegistry

struct Registry: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build, sign, verify and query offline registry snapshots.",
        discussion: """
            A snapshot is one SQLite file built from filing records (CSV or JSON Lines, SPEC §3). \
            Exit status 2: the snapshot is unusable (missing, corrupt, newer schema, tampered, too old) \
            or an argument is invalid.
            """,
        subcommands: [
            RegistryBuild.self, RegistrySign.self, RegistryVerify.self, RegistryKeygen.self, RegistryInfo.self,
            RegistryLookup.self, RegistryDiff.self, RegistryBenchmark.self,
        ])
}

extension RegistryFormat: ExpressibleByArgument {}
extension Platform: ExpressibleByArgument {}

/// Runs a registry command body: a `RegistryError` is printed to stderr and exits 2 (SPEC §5).
func runRegistry(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as RegistryError {
        Log.error(Message(.cliRegistryError, "\(error)"))
        throw ExitCode(Exit.unusable)
    }
}

/// Messages for a person, on stderr, in the language of `--lang` (set when a command reads it).
enum Log {
    static let language = Locked(Language.fromEnvironment(ProcessInfo.processInfo.environment))

    static func error(_ message: Message) { say(.cliError, message) }
    static func warning(_ message: Message) { say(.cliWarning, message) }
    static func note(_ message: Message) { write(message.text(language.withLock { $0 }) + "\n") }
    private static func say(_ frame: MessageKey, _ message: Message) {
        let language = language.withLock { $0 }
        write(language.text(frame, message.text(language)) + "\n")
    }
    private static func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

// The report documents are filled here from the store's values; the report module renders them.

extension RegistryInfoReport {
    init(_ info: SnapshotInfo, language: Language = .en) {
        self.init(
            path: info.path, sha256: info.sha256, schemaVersion: info.schemaVersion, builtAt: info.builtAt,
            ageDays: info.ageDays, stale: info.isStale, source: info.source, recordCount: info.recordCount,
            contentDigest: info.contentDigest, filings: info.filingCount, identifiers: info.identifierCount,
            certificates: info.certificateCount, countsByPlatform: info.countsByPlatform,
            countsByStatus: info.countsByStatus, countsByFingerprint: info.countsByFingerprint, signature: info.signature.name,
            signatureDetail: Self.detail(info.signature).text(language))
    }

    /// `SignatureState.description` for people in any language.
    static func detail(_ state: SignatureState) -> Message {
        switch state {
        case let .unchecked(present): Message(present ? .regSignatureUncheckedPresent : .regSignatureUncheckedNone)
        case let .valid(fingerprint): Message(.regSignatureValid, String(fingerprint.prefix(16)))
        case .missing: Message(.regSignatureMissing)
        case let .invalid(failure): Message(.regSignatureInvalid, "\(failure)")
        }
    }
}

extension RegistryFilingView {
    init(_ match: FilingMatch) {
        self.init(
            filingNumber: match.filing.number, appName: match.filing.appName, sponsor: match.filing.sponsor,
            status: match.filing.status.rawValue, approvedOn: match.filing.approvedOn,
            identifiers: match.identifiers.map {
                Identifier(
                    platform: $0.platform.rawValue, identifier: $0.identifier,
                    certMD5s: $0.certificates.compactMap(\.md5), certSHA1s: $0.certificates.compactMap(\.sha1),
                    certSHA256s: $0.certificates.compactMap(\.sha256), publicKeys: $0.certificates.compactMap(\.publicKey))
            })
    }
}

extension RegistryDiffReport.FilingRef {
    init(_ filing: Filing) {
        self.init(filingNumber: filing.number, appName: filing.appName, sponsor: filing.sponsor, status: filing.status.rawValue)
    }
}

extension RegistryDiffReport {
    init(old: String, new: String, diff: SnapshotDiff) {
        self.init(
            old: old, new: new, added: diff.added.map(FilingRef.init), removed: diff.removed.map(FilingRef.init),
            statusChanged: diff.statusChanged.map {
                StatusChange(filing: FilingRef($0.filing), from: $0.from.rawValue, to: $0.to.rawValue)
            },
            appsChanged: diff.appsChanged.map {
                AppsChange(
                    filing: FilingRef($0.filing), identifiersAdded: $0.identifiersAdded,
                    identifiersRemoved: $0.identifiersRemoved, certificatesAdded: $0.certificatesAdded,
                    certificatesRemoved: $0.certificatesRemoved)
            })
    }
}
