import Foundation
import PresetScanCore

/// A detached signature file (`<file>.sig`): Ed25519 over the 32-byte SHA-256 of a file, as
/// registry snapshots and scan reports are signed.
///
/// The file is text so a person can see what was signed and by which key:
///
///     <magic, e.g. presetscan-registry-signature 1>
///     algorithm ed25519
///     sha256 <hex SHA-256 of the file>
///     key <hex SHA-256 of the signer's SubjectPublicKeyInfo>
///     signature <base64 of the 64-byte signature>
///
/// The first line names what kind of file was signed, so a snapshot's signature is not taken for
/// a report's. Only `signature` is trusted: it is always checked against the file's actual
/// digest. The other lines exist to say *why* a check failed (another key, a changed file).
public struct DetachedSignature: Sendable, Equatable {
    public var magic: String
    public var sha256: String
    public var keyFingerprint: String
    public var signature: [UInt8]

    /// A signature file is a few hundred bytes; anything far larger is not one.
    public static let maxFileSize = 4096

    /// The path of the signature that belongs to `file`.
    public static func path(for file: String) -> String { file + ".sig" }

    /// Signs `sha256` (lower-case hex of the file's SHA-256).
    public static func sign(sha256: String, magic: String, with key: Ed25519PrivateKey) throws(Ed25519Error) -> DetachedSignature {
        let signature = try key.sign(hexBytes(sha256))
        return DetachedSignature(magic: magic, sha256: sha256, keyFingerprint: try key.publicKey.fingerprint, signature: signature)
    }

    /// nil when this signature is by `key` over `digest` (lower-case hex), else why not.
    public func failure(digest: String, key: Ed25519PublicKey) -> SignatureFailure? {
        if keyFingerprint != key.fingerprint { return .wrongKey(signedBy: keyFingerprint, given: key.fingerprint) }
        if sha256 != digest { return .digestMismatch(signed: sha256, actual: digest) }
        return key.isValidSignature(signature, for: Self.hexBytes(digest)) ? nil : .badSignature
    }

    /// Reads a signature file whose first line is `magic`, bounded and strict.
    public static func read(path: String, magic: String) -> Result<DetachedSignature, SignatureFailure> {
        guard let source = try? FileByteSource(path: path), source.size <= UInt64(maxFileSize),
              let bytes = try? source.readAll()
        else { return .failure(.malformed("unreadable or larger than \(maxFileSize) bytes")) }
        return parse(bytes, magic: magic)
    }

    /// Parses the text of a signature file whose first line is `magic`.
    public static func parse(_ bytes: [UInt8], magic: String) -> Result<DetachedSignature, SignatureFailure> {
        guard bytes.count <= maxFileSize, let text = String(validating: bytes, as: UTF8.self) else {
            return .failure(.malformed("not UTF-8 text of at most \(maxFileSize) bytes"))
        }
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
        return .success(DetachedSignature(magic: magic, sha256: sha, keyFingerprint: keyID, signature: Array(data)))
    }

    /// The file's text.
    public var text: String {
        """
        \(magic)
        algorithm ed25519
        sha256 \(sha256)
        key \(keyFingerprint)
        signature \(Data(signature).base64EncodedString())

        """
    }

    /// Bytes of a hex string (empty if it is not hex).
    public static func hexBytes(_ hex: String) -> [UInt8] {
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

/// Why a detached signature was rejected.
public enum SignatureFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `.sig` file is not in the format `registry sign` / `report sign` writes.
    case malformed(String)
    /// The signature names another key (its fingerprint is given).
    case wrongKey(signedBy: String, given: String)
    /// The file's SHA-256 differs from the one that was signed: the file changed after signing.
    case digestMismatch(signed: String, actual: String)
    /// The signature does not verify under the key.
    case badSignature

    public var description: String {
        switch self {
        case let .malformed(detail): "malformed signature file: \(detail)"
        case let .wrongKey(signedBy, given): "signed by key \(signedBy.prefix(16))…, not by the given key \(given.prefix(16))…"
        case let .digestMismatch(signed, actual):
            "the file changed after signing (signed SHA-256 \(signed.prefix(16))…, now \(actual.prefix(16))…)"
        case .badSignature: "bad signature"
        }
    }
}
