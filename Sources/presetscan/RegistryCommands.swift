import ArgumentParser
import Foundation
import PresetScanKit
import PresetScanRegistry

struct RegistryBuild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Import CSV or JSON Lines records into a new snapshot.",
        discussion: """
            Each RECORDS file is CSV (UTF-8, header row, English or Chinese column names) or JSON Lines, \
            told apart by content. A bad row is reported with file, line and reason; the build then \
            fails and writes nothing unless --skip-bad-rows is given. The snapshot is written to a \
            temporary file next to SNAPSHOT and renamed into place only on success.
            """)

    @Argument(help: "Records files (CSV or JSON Lines).")
    var records: [String]

    @Option(name: .long, help: "The snapshot file to write (replaced if it exists).")
    var out: String

    @Option(name: .customLong("built-at"), help: "Data date YYYY-MM-DD (default: the newest approved_on, else today).")
    var builtAt: String?

    @Option(help: "Where the records came from (default: the input file names).")
    var source: String?

    @Flag(name: .customLong("skip-bad-rows"), help: "Import the good rows and report the bad ones as warnings.")
    var skipBadRows = false

    @OptionGroup var lang: LanguageOption

    func run() throws {
        let language = lang.language
        try runRegistry {
            var builder = SnapshotBuilder()
            if let builtAt {
                guard let date = RegistryDate(text: builtAt) else {
                    throw RegistryError.invalidArgument(language.text(.cliBadBuiltAt, builtAt))
                }
                builder.builtAt = date
            }
            builder.source = source
            builder.skipBadRows = skipBadRows
            let summary = try builder.build(records: records, to: out)
            for bad in summary.badRows { Log.warning(Message(.cliSkippedRow, "\(bad)")) }
            if summary.badRowCount > summary.badRows.count {
                Log.warning(Message(.cliSkippedMore, "\(summary.badRowCount - summary.badRows.count)"))
            }
            Log.note(Message(
                .cliWroteSnapshot, summary.path, "\(summary.recordCount)", "\(summary.filingCount)", "\(summary.identifierCount)",
                "\(summary.certificateCount)", "\(summary.duplicateRows)", "\(summary.badRowCount)", "\(summary.builtAt)", summary.sha256))
        }
    }
}

struct RegistrySign: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Write SNAPSHOT.sig: an Ed25519 signature over the snapshot's SHA-256.")

    @Argument(help: "The snapshot to sign.")
    var snapshot: String

    @Option(help: "Ed25519 private key (unencrypted PKCS#8 PEM).")
    var key: String

    @OptionGroup var lang: LanguageOption

    func run() throws {
        _ = lang.language  // sets the language of Log
        try runRegistry {
            // Only a whole, readable snapshot is worth signing.
            _ = try RegistrySnapshot(path: snapshot, options: SnapshotOpenOptions(checkIntegrity: true))
            let signature = try SnapshotSignature.sign(snapshot: snapshot, with: try KeyFiles.privateKey(path: key))
            Log.note(Message(.cliWroteSignature, SnapshotSignature.path(for: snapshot), signature.sha256, signature.keyFingerprint))
        }
    }
}

struct RegistryVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check SNAPSHOT.sig with a public key and the snapshot's integrity.",
        discussion: "Exit status: 0 when the signature verifies and the file is a sound snapshot, else 2 with the reason.")

    @Argument(help: "The snapshot to verify.")
    var snapshot: String

    @Option(help: "Ed25519 public key (PEM).")
    var key: String

    @OptionGroup var lang: LanguageOption

    func run() throws {
        let language = lang.language
        try runRegistry {
            var options = SnapshotOpenOptions(publicKey: try KeyFiles.publicKey(path: key))
            options.checkIntegrity = true
            let opened = try RegistrySnapshot(path: snapshot, options: options)
            print(language.text(.cliVerified, snapshot, RegistryInfoReport.detail(opened.info.signature).text(language)))
        }
    }
}

struct RegistryKeygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new Ed25519 key pair: PREFIX.key.pem (private, mode 0600) and PREFIX.pub.pem.")

    @Option(help: "Path prefix of the two key files; existing files are never replaced.")
    var out: String

    @OptionGroup var lang: LanguageOption

    func run() throws {
        _ = lang.language  // sets the language of Log
        try runRegistry {
            let publicKey = try KeyFiles.generate(privatePath: out + ".key.pem", publicPath: out + ".pub.pem")
            Log.note(Message(.cliWroteKeys, out, publicKey.fingerprint))
        }
    }
}

struct RegistryInfo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a snapshot's path, SHA-256, data date, age, source, counts and signature state.",
        discussion: "With --key, exits 2 when the signature is missing or does not verify.")

    @Argument(help: "The snapshot.")
    var snapshot: String

    @Option(help: "Ed25519 public key (PEM) to check the signature with.")
    var key: String?

    @Option(help: "Output format: table or json.")
    var format: RegistryFormat = .table

    @Flag(name: .customLong("check-integrity"), help: "Also run SQLite's integrity check over the whole file.")
    var checkIntegrity = false

    @OptionGroup var lang: LanguageOption

    func run() throws {
        let language = lang.language
        try runRegistry {
            var options = SnapshotOpenOptions(checkIntegrity: checkIntegrity)
            options.publicKey = try key.map { path throws(RegistryError) in try KeyFiles.publicKey(path: path) }
            let opened = try RegistrySnapshot(path: snapshot, options: options)
            try Output.write(try RegistryReporter(format: format, language: language).render(RegistryInfoReport(opened.info, language: language)), to: nil)
            if opened.info.isStale { Log.warning(Message(.cliSnapshotOld, "\(opened.info.ageDays)")) }
        }
    }
}

struct RegistryLookup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lookup",
        abstract: "Find filings by identifier, filing number or certificate fingerprint (MD5, SHA-1, SHA-256).",
        discussion: """
            Each QUERY is read as an app filing number if it is one (any written form), else as a \
            certificate fingerprint if it is 32 (MD5), 40 (SHA-1) or 64 (SHA-256) hex digits (colons allowed), \
            else as a package name or bundle id. \
            Exit status: 0 when every query matched, 1 when some matched nothing, 2 when the snapshot is unusable.
            """)

    @Argument(help: "The snapshot.")
    var snapshot: String

    @Argument(help: "Identifiers, filing numbers or certificate fingerprints.")
    var queries: [String]

    @Option(help: "Only identifiers on this platform: android, ios, harmony, quickapp, miniprogram.")
    var platform: Platform?

    @Option(help: "Ed25519 public key (PEM): refuse the snapshot unless its signature verifies.")
    var key: String?

    @Option(help: "Output format: table or json.")
    var format: RegistryFormat = .table

    @OptionGroup var lang: LanguageOption

    func run() throws {
        let language = lang.language
        var unmatched = false
        try runRegistry {
            var options = SnapshotOpenOptions()
            options.publicKey = try key.map { path throws(RegistryError) in try KeyFiles.publicKey(path: path) }
            let opened = try RegistrySnapshot(path: snapshot, options: options)
            var results: [RegistryLookupReport.Query] = []
            for text in queries {
                let query = RegistryQuery(text: text)
                let matches = try opened.lookup(query, platform: platform)
                if matches.isEmpty { unmatched = true }
                results.append(.init(query: text, kind: query.kind, matches: matches.map(RegistryFilingView.init)))
            }
            let report = RegistryLookupReport(snapshot: snapshot, queries: results)
            try Output.write(try RegistryReporter(format: format, language: language).render(report), to: nil)
        }
        if unmatched { throw ExitCode(Exit.findings) }
    }
}

struct RegistryDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed from OLD to NEW: filings added, removed, cancelled or revoked, identifiers and certificates.",
        discussion: "Exit status: 0 when nothing changed, 1 when something did, 2 when a snapshot is unusable.")

    @Argument(help: "The older snapshot.")
    var old: String

    @Argument(help: "The newer snapshot.")
    var new: String

    @Option(help: "Output format: table or json.")
    var format: RegistryFormat = .table

    @OptionGroup var lang: LanguageOption

    func run() throws {
        let language = lang.language
        var changed = false
        try runRegistry {
            let diff = try SnapshotDiff(old: RegistrySnapshot(path: old), new: RegistrySnapshot(path: new))
            changed = !diff.isEmpty
            try Output.write(try RegistryReporter(format: format, language: language).render(RegistryDiffReport(old: old, new: new, diff: diff)), to: nil)
        }
        if changed { throw ExitCode(Exit.findings) }
    }
}
