import Foundation
import PresetScanCore
import PresetScanCrypto

/// A snapshot's detached signature (`<snapshot>.sig`, `DetachedSignature` with the first line
/// `presetscan-registry-signature 1`): Ed25519 over the 32-byte SHA-256 of the file.
public enum SnapshotSignature {
    static let magic = "presetscan-registry-signature 1"

    /// The path of the signature that belongs to `snapshot`.
    public static func path(for snapshot: String) -> String { DetachedSignature.path(for: snapshot) }

    /// Signs the file at `snapshot` and writes `<snapshot>.sig` (replacing any earlier one).
    @discardableResult
    public static func sign(snapshot: String, with key: Ed25519PrivateKey) throws(RegistryError) -> DetachedSignature {
        let digestHex = try FileDigest.sha256(path: snapshot)
        let result: DetachedSignature
        do {
            result = try DetachedSignature.sign(sha256: digestHex, magic: magic, with: key)
        } catch {
            throw .writeFailed(path: path(for: snapshot), detail: "\(error)")
        }
        let temporary = try TemporaryFile(nextTo: path(for: snapshot))
        do {
            try Data(result.text.utf8).write(to: URL(fileURLWithPath: temporary.path))
            try temporary.commit(to: path(for: snapshot))
        } catch {
            temporary.discard()
            throw .writeFailed(path: path(for: snapshot), detail: "\(error)")
        }
        return result
    }

    /// Checks `<snapshot>.sig` against the snapshot's SHA-256 (`digest`, lower-case hex) and `key`.
    public static func verify(snapshot: String, digest: String, key: Ed25519PublicKey) -> SignatureState {
        let sigPath = path(for: snapshot)
        guard FileManager.default.fileExists(atPath: sigPath) else { return .missing }
        switch DetachedSignature.read(path: sigPath, magic: magic) {
        case let .failure(failure): return .invalid(failure)
        case let .success(signature):
            if let failure = signature.failure(digest: digest, key: key) { return .invalid(failure) }
            return .valid(keyFingerprint: key.fingerprint)
        }
    }

    /// Bytes of a hex string (empty if it is not hex).
    static func hexBytes(_ hex: String) -> [UInt8] { DetachedSignature.hexBytes(hex) }
}

/// Whether a snapshot's signature was checked and what came of it.
public enum SignatureState: Sendable, Equatable, CustomStringConvertible {
    /// No key was given; `signaturePresent` says whether `<snapshot>.sig` exists.
    case unchecked(signaturePresent: Bool)
    /// Verified with the key of this fingerprint.
    case valid(keyFingerprint: String)
    /// A key was given and there is no signature file.
    case missing
    /// A key was given and the signature is rejected.
    case invalid(SignatureFailure)

    /// `unchecked`, `valid`, `missing` or `invalid`: stable, for JSON reports.
    public var name: String {
        switch self {
        case .unchecked: "unchecked"
        case .valid: "valid"
        case .missing: "missing"
        case .invalid: "invalid"
        }
    }

    public var description: String {
        switch self {
        case let .unchecked(present): present ? "not checked (signature present, no key given)" : "not checked (unsigned, no key given)"
        case let .valid(fingerprint): "valid (key \(fingerprint.prefix(16))…)"
        case .missing: "missing"
        case let .invalid(failure): "invalid: \(failure)"
        }
    }
}
