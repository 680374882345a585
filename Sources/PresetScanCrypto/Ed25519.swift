import CCrypto
import PresetScanCore

/// Why an Ed25519 key could not be loaded, made or used.
public enum Ed25519Error: Error, Equatable, Sendable, CustomStringConvertible {
    /// The text holds no PEM key OpenSSL can read (or an encrypted one: keys here carry no passphrase).
    case unreadableKey(detail: String)
    /// The PEM holds a key of another algorithm; `algorithm` is OpenSSL's short name for it.
    case notEd25519(algorithm: String)
    /// A signature is not the 64 bytes RFC 8032 §5.1.6 defines.
    case malformedSignature(count: Int)
    /// An OpenSSL call failed on valid arguments; `function` names it, `detail` is OpenSSL's error queue.
    case openSSLFailure(function: String, detail: String)

    public var description: String {
        switch self {
        case let .unreadableKey(detail): "not a readable unencrypted PEM key: \(detail)"
        case let .notEd25519(algorithm): "the key is \(algorithm), not Ed25519"
        case let .malformedSignature(count): "an Ed25519 signature is 64 bytes, this one is \(count)"
        case let .openSSLFailure(function, detail): "\(function) failed: \(detail)"
        }
    }
}

/// An Ed25519 public key (RFC 8032), kept as its 32 raw bytes.
public struct Ed25519PublicKey: Sendable, Hashable {
    /// The 32-byte encoded point.
    public let raw: [UInt8]

    /// Reads a `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) PEM, or the public half of a private-key PEM.
    public init(pem: [UInt8]) throws(Ed25519Error) {
        if let key = try? PKey.readPublic(pem) {
            raw = try key.rawPublic()
        } else {
            raw = try PKey.readPrivate(pem).rawPublic()
        }
    }

    init(raw: [UInt8]) { self.raw = raw }

    /// The key as a SubjectPublicKeyInfo PEM.
    public func pem() throws(Ed25519Error) -> String {
        try PKey.fromRawPublic(raw).publicPEM()
    }

    /// Lower-case hex SHA-256 of the DER SubjectPublicKeyInfo: names a key without revealing anything.
    public var fingerprint: String {
        // RFC 8410 §4: the SPKI of an Ed25519 key is this fixed 12-byte prefix and the point.
        let prefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]
        return Digest.sha256(prefix + raw).hexString
    }

    /// Whether `signature` is a valid Ed25519 signature of `message` under this key.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64, let key = try? PKey.fromRawPublic(raw) else { return false }
        guard let context = EVP_MD_CTX_new() else {
            clearOpenSSLErrors()
            return false
        }
        defer { EVP_MD_CTX_free(context) }
        // Ed25519 is "pure": no separate digest, so the message goes to one-shot EVP_DigestVerify.
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key.pointer) == 1 else {
            clearOpenSSLErrors()
            return false
        }
        let ok = signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, msg.baseAddress, msg.count)
            }
        }
        clearOpenSSLErrors()
        return ok == 1
    }
}

/// An Ed25519 private key (RFC 8032), kept as its 32-byte seed; signs registry snapshots.
public struct Ed25519PrivateKey: Sendable {
    let seed: [UInt8]

    /// A new random key from OpenSSL's CSPRNG.
    public static func generate() throws(Ed25519Error) -> Ed25519PrivateKey {
        guard let context = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nil) else {
            throw .openSSLFailure(function: "EVP_PKEY_CTX_new_id", detail: openSSLErrorText())
        }
        defer { EVP_PKEY_CTX_free(context) }
        var made: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_keygen(context, &made) == 1, let made else {
            throw .openSSLFailure(function: "EVP_PKEY_keygen", detail: openSSLErrorText())
        }
        return try Ed25519PrivateKey(seed: try PKey(owning: made).rawPrivate())
    }

    /// The key of a 32-byte RFC 8032 seed (the "private key" of its test vectors).
    public init(seed: [UInt8]) throws(Ed25519Error) {
        guard seed.count == 32 else { throw .unreadableKey(detail: "an Ed25519 seed is 32 bytes, not \(seed.count)") }
        self.seed = seed
    }

    /// Reads an unencrypted `-----BEGIN PRIVATE KEY-----` (PKCS#8) PEM.
    public init(pem: [UInt8]) throws(Ed25519Error) {
        seed = try PKey.readPrivate(pem).rawPrivate()
    }

    /// The key as an unencrypted PKCS#8 PEM.
    public func pem() throws(Ed25519Error) -> String {
        try PKey.fromRawPrivate(seed).privatePEM()
    }

    public var publicKey: Ed25519PublicKey {
        get throws(Ed25519Error) { Ed25519PublicKey(raw: try PKey.fromRawPrivate(seed).rawPublic()) }
    }

    /// The 64-byte Ed25519 signature of `message`.
    public func sign(_ message: [UInt8]) throws(Ed25519Error) -> [UInt8] {
        let key = try PKey.fromRawPrivate(seed)
        guard let context = EVP_MD_CTX_new() else {
            throw .openSSLFailure(function: "EVP_MD_CTX_new", detail: openSSLErrorText())
        }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, key.pointer) == 1 else {
            throw .openSSLFailure(function: "EVP_DigestSignInit", detail: openSSLErrorText())
        }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = signature.count
        let ok = signature.withUnsafeMutableBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestSign(context, sig.baseAddress, &length, msg.baseAddress, msg.count)
            }
        }
        guard ok == 1, length == 64 else {
            throw .openSSLFailure(function: "EVP_DigestSign", detail: openSSLErrorText())
        }
        return signature
    }
}

/// Owns an `EVP_PKEY*` holding an Ed25519 key.
private final class PKey {
    let pointer: OpaquePointer

    init(owning pointer: OpaquePointer) { self.pointer = pointer }
    deinit { EVP_PKEY_free(pointer) }

    static func fromRawPrivate(_ seed: [UInt8]) throws(Ed25519Error) -> PKey {
        let made = seed.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let made else { throw .openSSLFailure(function: "EVP_PKEY_new_raw_private_key", detail: openSSLErrorText()) }
        return PKey(owning: made)
    }

    static func fromRawPublic(_ raw: [UInt8]) throws(Ed25519Error) -> PKey {
        let made = raw.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let made else { throw .openSSLFailure(function: "EVP_PKEY_new_raw_public_key", detail: openSSLErrorText()) }
        return PKey(owning: made)
    }

    /// Keys are small; anything past this is not a key file and is not handed to the PEM reader.
    static let maxPEMSize = 64 * 1024

    static func readPrivate(_ pem: [UInt8]) throws(Ed25519Error) -> PKey {
        try read(pem) { bio in
            // A callback that supplies no passphrase: without one OpenSSL would prompt on the terminal.
            PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
    }

    static func readPublic(_ pem: [UInt8]) throws(Ed25519Error) -> PKey {
        try read(pem) { bio in PEM_read_bio_PUBKEY(bio, nil, { _, _, _, _ in 0 }, nil) }
    }

    private static func read(_ pem: [UInt8], _ body: (OpaquePointer) -> OpaquePointer?) throws(Ed25519Error) -> PKey {
        guard !pem.isEmpty, pem.count <= maxPEMSize else {
            throw .unreadableKey(detail: "key file is \(pem.count) bytes")
        }
        let made: OpaquePointer? = pem.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
        guard let made else { throw .unreadableKey(detail: openSSLErrorText()) }
        let key = PKey(owning: made)
        let id = EVP_PKEY_get_base_id(made)
        guard id == EVP_PKEY_ED25519 else {
            let name = OBJ_nid2sn(id).map { String(cString: $0) } ?? "NID \(id)"
            throw .notEd25519(algorithm: name)
        }
        return key
    }

    func rawPrivate() throws(Ed25519Error) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length = out.count
        guard out.withUnsafeMutableBufferPointer({ EVP_PKEY_get_raw_private_key(pointer, $0.baseAddress, &length) }) == 1,
              length == 32
        else { throw .openSSLFailure(function: "EVP_PKEY_get_raw_private_key", detail: openSSLErrorText()) }
        return out
    }

    func rawPublic() throws(Ed25519Error) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length = out.count
        guard out.withUnsafeMutableBufferPointer({ EVP_PKEY_get_raw_public_key(pointer, $0.baseAddress, &length) }) == 1,
              length == 32
        else { throw .openSSLFailure(function: "EVP_PKEY_get_raw_public_key", detail: openSSLErrorText()) }
        return out
    }

    func privatePEM() throws(Ed25519Error) -> String {
        try write { PEM_write_bio_PrivateKey($0, pointer, nil, nil, 0, nil, nil) }
    }

    func publicPEM() throws(Ed25519Error) -> String {
        try write { PEM_write_bio_PUBKEY($0, pointer) }
    }

    private func write(_ body: (OpaquePointer) -> Int32) throws(Ed25519Error) -> String {
        guard let bio = try? MemoryBIO() else {
            throw .openSSLFailure(function: "BIO_new", detail: openSSLErrorText())
        }
        guard body(bio.pointer) == 1 else {
            throw .openSSLFailure(function: "PEM_write_bio", detail: openSSLErrorText())
        }
        return String(decoding: bio.drain(), as: UTF8.self)
    }
}
