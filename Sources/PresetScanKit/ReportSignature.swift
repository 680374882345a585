import Foundation
import PresetScanCore
import PresetScanCrypto

/// A scan report's detached signature (`<report>.sig`): the registry's signature file
/// (`DetachedSignature`) with the first line `presetscan-report-signature 1`, over the SHA-256 of
/// the report's exact bytes, so that a report filed as evidence can be shown later to be unedited.
public enum ReportSignature {
    static let magic = "presetscan-report-signature 1"

    public static func path(for report: String) -> String { DetachedSignature.path(for: report) }

    /// Why signing or verifying could not be done at all (exit 2), as opposed to a signature that
    /// does not verify.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case reportUnreadable(path: String, detail: String)
        case signatureMissing(report: String, signature: String)
        case writeFailed(path: String, detail: String)

        public var description: String {
            switch self {
            case let .reportUnreadable(path, detail): "cannot read \(path): \(detail)"
            case let .signatureMissing(report, signature): "\(report) has no signature (\(signature))"
            case let .writeFailed(path, detail): "cannot write \(path): \(detail)"
            }
        }
    }

    /// Lower-case hex SHA-256 of the report's bytes.
    public static func sha256(report: String) throws(Failure) -> String {
        do {
            return try Digest.sha256(of: FileByteSource(path: report)).hexString
        } catch {
            throw .reportUnreadable(path: report, detail: "\(error)")
        }
    }

    /// Signs the report and writes `<report>.sig` (replacing any earlier one, atomically).
    @discardableResult
    public static func sign(report: String, with key: Ed25519PrivateKey) throws(Failure) -> DetachedSignature {
        let digest = try sha256(report: report)
        let sigPath = path(for: report)
        do {
            let signature = try DetachedSignature.sign(sha256: digest, magic: magic, with: key)
            try Data(signature.text.utf8).write(to: URL(fileURLWithPath: sigPath), options: .atomic)
            return signature
        } catch {
            throw .writeFailed(path: sigPath, detail: "\(error)")
        }
    }

    /// What `verify` found.
    public struct Verification: Sendable, Equatable {
        /// The report's SHA-256 now.
        public var sha256: String
        /// nil: the signature is by `key` over these exact bytes.
        public var failure: SignatureFailure?
    }

    /// Checks `<report>.sig` against the report's bytes and `key`. Throws only when there is
    /// nothing to check (no report, no signature file).
    public static func verify(report: String, key: Ed25519PublicKey) throws(Failure) -> Verification {
        let digest = try sha256(report: report)
        let sigPath = path(for: report)
        guard FileManager.default.fileExists(atPath: sigPath) else { throw .signatureMissing(report: report, signature: sigPath) }
        switch DetachedSignature.read(path: sigPath, magic: magic) {
        case let .failure(failure): return Verification(sha256: digest, failure: failure)
        case let .success(signature): return Verification(sha256: digest, failure: signature.failure(digest: digest, key: key))
        }
    }
}
