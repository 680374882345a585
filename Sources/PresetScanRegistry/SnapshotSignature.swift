import Foundation
import PresetScanCore
import PresetScanCrypto

/// A detached snapshot signature (`<snapshot>.sig`): Ed25519 over the 32-byte SHA-256 of the file.
///
/// The file is text so a person can see what was signed and by which key:
///
///     presetscan-registry-signature 1
///     algorithm ed25519
///     sha256 <hex SHA-256 of the snapshot>
///     key <hex SHA-256 of the signer's SubjectPublicKeyInfo>
///     signature <base64 of the 64-byte signature>
///
/// Only `signature` is trusted: it is always checked against the file's actual digest. The other
/// lines exist to say *why* a check failed (another key, a changed file).
public struct SnapshotSignature: Sendable, Equatable {
    public var sha256: String
    public var keyFingerprint: String
    public var signature: [UInt8]

    static let magic = "presetscan-registry-signature 1"
    /// A signature file is a few hundred bytes; anything far larger is not one.
    static let maxFileSize = 4096

    /// The path of the signature that belongs to `snapshot`.
    public static func path(for snapshot: String) -> String { snapshot + ".sig" }

    /// Signs the file at `snapshot` and writes `<snapshot>.sig` (replacing any earlier one).
    @discardableResult
    public static func sign(snapshot: String, with key: Ed25519PrivateKey) throws(RegistryError) -> SnapshotSignature {
        let digestHex = try FileDigest.sha256(path: snapshot)
        let publicKey: Ed25519PublicKey
        let signature: [UInt8]
        do {
            publicKey = try key.publicKey
            signature = try key.sign(hexBytes(digestHex))
        } catch {
            throw .writeFailed(path: path(for: snapshot), detail: "\(error)")
        }
        let result = SnapshotSignature(sha256: digestHex, keyFingerprint: publicKey.fingerprint, signature: signature)
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
        let signature: SnapshotSignature
        switch read(path: sigPath) {
        case let .success(parsed): signature = parsed
        case let .failure(failure): return .invalid(failure)
        }
        if signature.keyFingerprint != key.fingerprint {
            return .invalid(.wrongKey(signedBy: signature.keyFingerprint, given: key.fingerprint))
        }
        if signature.sha256 != digest {
            return .invalid(.digestMismatch(signed: signature.sha256, actual: digest))
        }
        guard key.isValidSignature(signature.signature, for: hexBytes(digest)) else { return .invalid(.badSignature) }
        return .valid(keyFingerprint: key.fingerprint)
    }

    /// Reads a signature file, bounded and strict.
    static func read(path: String) -> Result<SnapshotSignature, SignatureFailure> {
        guard let source = try? FileByteSource(path: path), source.size <= UInt64(maxFileSize),
              let bytes = try? source.readAll(), let text = String(validating: bytes, as: UTF8.self)
        else { return .failure(.malformed("unreadable or larger than \(maxFileSize) bytes")) }
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        guard lines.first == magic else { return .failure(.malformed("first line is not \"\(magic)\"")) }
        lines.removeFirst()
        var fields: [String: String] = [:]
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return .failure(.malformed("line \"\(line.prefix(40))\"")) }
            fields[parts[0]] = parts[1]
        }
        guard fields["algorithm"] == "ed25519" else { return .failure(.malformed("algorithm is not ed25519")) }
        guard let sha = fields["sha256"], sha.count == 64, hexBytes(sha).count == 32 else {
            return .failure(.malformed("no sha256 line"))
        }
        guard let keyID = fields["key"], keyID.count == 64 else { return .failure(.malformed("no key line")) }
        guard let encoded = fields["signature"], let data = Data(base64Encoded: encoded), data.count == 64 else {
            return .failure(.malformed("signature is not 64 bytes of base64"))
        }
        return .success(SnapshotSignature(sha256: sha, keyFingerprint: keyID, signature: Array(data)))
    }

    var text: String {
        """
        \(Self.magic)
        algorithm ed25519
        sha256 \(sha256)
        key \(keyFingerprint)
        signature \(Data(signature).base64EncodedString())

        """
    }

    /// Bytes of a lower-case hex string (empty if it is not hex).
    static func hexBytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var i = 0
        while i < digits.count {
            guard let high = value(digits[i]), let low = value(digits[i + 1]) else { return [] }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }
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
