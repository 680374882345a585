import ArgumentParser
import Foundation
import PresetScanKit

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign a scan report, or check that a filed report is exactly as it was signed.",
        discussion: """
            A detached Ed25519 signature REPORT.sig over the report's exact bytes, with the same key files \
            as registry snapshots (presetscan registry keygen). Any report format can be signed.
            """,
        subcommands: [ReportSign.self, ReportVerify.self])
}

struct ReportSign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Write REPORT.sig: an Ed25519 signature over the report's SHA-256.",
        discussion: "Exit status: 0 when written, 2 when the report or key cannot be read or the signature cannot be written.")

    @Argument(help: "The report file to sign (any format).")
    var report: String

    @Option(help: "Ed25519 private key (unencrypted PKCS#8 PEM, as registry keygen writes).")
    var key: String

    @OptionGroup var lang: LanguageOption

    func run() throws {
        _ = lang.language  // sets the language of Log
        let privateKey = try readKey(key) { path throws(RegistryError) in try KeyFiles.privateKey(path: path) }
        do throws(ReportSignature.Failure) {
            let signature = try ReportSignature.sign(report: report, with: privateKey)
            Log.note(Message(.evidenceSigned, ReportSignature.path(for: report), report, signature.sha256, signature.keyFingerprint))
        } catch {
            Log.error(ReportVerify.message(error))
            throw ExitCode(Exit.unusable)
        }
    }
}

/// Reads a key file with the registry's key tools; an unreadable key means the command cannot run (exit 2).
private func readKey<Key>(_ path: String, _ read: (String) throws(RegistryError) -> Key) throws -> Key {
    do { return try read(path) } catch {
        Log.error(Message(.evidenceBadKey, "\(error)"))
        throw ExitCode(Exit.unusable)
    }
}

struct ReportVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check REPORT.sig with a public key: is the report exactly as it was signed?",
        discussion: """
            Exit status: 0 the signature verifies; 1 it does not (the report changed by even one byte, \
            another key signed it, or the signature file is not one); 2 cannot check (the report, its \
            .sig or the key is missing or unreadable).
            """)

    @Argument(help: "The report file to verify; its signature is REPORT.sig.")
    var report: String

    @Option(help: "Ed25519 public key (PEM).")
    var key: String

    @OptionGroup var lang: LanguageOption

    func run() throws {
        let language = lang.language
        let publicKey = try readKey(key) { path throws(RegistryError) in try KeyFiles.publicKey(path: path) }
        let verification: ReportSignature.Verification
        do throws(ReportSignature.Failure) { verification = try ReportSignature.verify(report: report, key: publicKey) } catch {
            Log.error(Self.message(error))
            throw ExitCode(Exit.unusable)
        }
        let sigPath = ReportSignature.path(for: report)
        switch verification.failure {
        case nil:
            print(language.text(.evidenceVerified, report, publicKey.fingerprint))
            return
        case let .digestMismatch(signed, actual): Log.error(Message(.evidenceChanged, report, signed, actual))
        case let .wrongKey(signedBy, given): Log.error(Message(.evidenceWrongKey, report, signedBy, given))
        case .badSignature: Log.error(Message(.evidenceBadSignature, report))
        case let .malformed(detail): Log.error(Message(.evidenceMalformed, report, sigPath, detail))
        }
        throw ExitCode(Exit.findings)
    }

    static func message(_ failure: ReportSignature.Failure) -> Message {
        switch failure {
        case let .reportUnreadable(path, detail): Message(.evidenceCannotRead, path, detail)
        case let .signatureMissing(report, signature): Message(.evidenceNoSignature, report, signature)
        case let .writeFailed(path, detail): Message(.evidenceCannotWrite, path, detail)
        }
    }
}
