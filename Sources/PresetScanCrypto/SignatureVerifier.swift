import CCrypto

/// Why a public key could not be read or a signature could not be checked (as opposed to a
/// signature that was checked and is wrong, which is `false`).
public enum SignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not a DER SubjectPublicKeyInfo OpenSSL can decode (`d2i_PUBKEY`).
    case unreadablePublicKey(detail: String)
    /// The algorithm does not fit the key (an RSA padding for an EC key, PSS for DSA).
    case keyAlgorithmMismatch(expected: String, actual: String)
    /// An OpenSSL call failed on valid arguments; `function` names it.
    case openSSLFailure(function: String, detail: String)

    public var description: String {
        switch self {
        case let .unreadablePublicKey(detail): "unreadable public key: \(detail)"
        case let .keyAlgorithmMismatch(expected, actual): "the key is \(actual), the signature algorithm needs \(expected)"
        case let .openSSLFailure(function, detail): "\(function) failed: \(detail)"
        }
    }
}

/// Digest algorithms a signature can be computed over (RFC 8017 §9, FIPS 180-4).
public enum DigestAlgorithm: String, Sendable, Hashable {
    case md5, sha1, sha256, sha384, sha512

    var evp: OpaquePointer? {
        switch self {
        case .md5: EVP_md5()
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        case .sha512: EVP_sha512()
        }
    }

    /// Output length in bytes.
    public var length: Int {
        switch self {
        case .md5: 16
        case .sha1: 20
        case .sha256: 32
        case .sha384: 48
        case .sha512: 64
        }
    }
}

/// A signature algorithm over a digest: RSA PKCS#1 v1.5 or PSS (RFC 8017 §8.1, §8.2), ECDSA or DSA
/// (FIPS 186-4, DER `Ecdsa-Sig-Value` / `Dss-Sig-Value`).
public enum SignatureAlgorithm: Sendable, Hashable, CustomStringConvertible {
    case rsaPKCS1(DigestAlgorithm)
    /// PSS with MGF1 over the same digest and the given salt length.
    case rsaPSS(DigestAlgorithm, saltLength: Int)
    case ecdsa(DigestAlgorithm)
    case dsa(DigestAlgorithm)

    public var digest: DigestAlgorithm {
        switch self {
        case let .rsaPKCS1(d), let .rsaPSS(d, _), let .ecdsa(d), let .dsa(d): d
        }
    }

    public var description: String {
        switch self {
        case let .rsaPKCS1(d): "RSA PKCS#1 v1.5 with \(d.rawValue.uppercased())"
        case let .rsaPSS(d, _): "RSA-PSS with \(d.rawValue.uppercased())"
        case let .ecdsa(d): "ECDSA with \(d.rawValue.uppercased())"
        case let .dsa(d): "DSA with \(d.rawValue.uppercased())"
        }
    }

    /// OpenSSL key type the algorithm needs.
    var keyType: Int32 {
        switch self {
        case .rsaPKCS1, .rsaPSS: EVP_PKEY_RSA
        case .ecdsa: EVP_PKEY_EC
        case .dsa: EVP_PKEY_DSA
        }
    }
}

/// A public key decoded from its DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), for checking signatures.
public final class PublicKey: @unchecked Sendable {
    private let handle: PublicKeyHandle

    /// Decodes `der`; trailing bytes are an error, as Java's `X509EncodedKeySpec` has them.
    public init(subjectPublicKeyInfo der: [UInt8]) throws(SignatureError) {
        handle = try PublicKeyHandle(der: der)
    }

    /// OpenSSL's short name of the key type (`rsaEncryption`, `id-ecPublicKey`, `dsaEncryption`).
    public var typeName: String { handle.typeName }

    /// Whether `signature` is valid for `message` under this key with `algorithm`.
    ///
    /// Throws only when the check cannot be made (the key does not fit the algorithm, OpenSSL
    /// failed); a wrong or malformed signature is `false`.
    public func isValidSignature(
        _ signature: [UInt8], for message: [UInt8], algorithm: SignatureAlgorithm
    ) throws(SignatureError) -> Bool {
        guard handle.baseID == algorithm.keyType else {
            throw .keyAlgorithmMismatch(expected: "\(algorithm)", actual: typeName)
        }
        let context = try VerifyContext()
        try context.initialize(key: handle, algorithm: algorithm)
        return context.verify(signature: signature, message: message)
    }
}

/// Owns an `EVP_PKEY*` decoded with `d2i_PUBKEY`.
final class PublicKeyHandle {
    let pointer: OpaquePointer

    init(der: [UInt8]) throws(SignatureError) {
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw .unreadablePublicKey(detail: "key is \(der.count) bytes")
        }
        var consumed = 0
        let decoded: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            let key = d2i_PUBKEY(nil, &cursor, buffer.count)
            if let cursor, let base = buffer.baseAddress { consumed = cursor - base }
            return key
        }
        guard let decoded else { throw .unreadablePublicKey(detail: openSSLErrorText()) }
        pointer = decoded
        guard consumed == der.count else {
            throw .unreadablePublicKey(detail: "\(der.count - consumed) bytes after the key")
        }
    }

    var baseID: Int32 { EVP_PKEY_get_base_id(pointer) }

    var typeName: String { OBJ_nid2sn(baseID).map { String(cString: $0) } ?? "NID \(baseID)" }

    deinit { EVP_PKEY_free(pointer) }
}

/// Owns an `EVP_MD_CTX*` set up for `EVP_DigestVerify`.
final class VerifyContext {
    let pointer: OpaquePointer

    init() throws(SignatureError) {
        guard let made = EVP_MD_CTX_new() else {
            throw .openSSLFailure(function: "EVP_MD_CTX_new", detail: openSSLErrorText())
        }
        pointer = made
    }

    /// `EVP_DigestVerifyInit`, then the RSA padding, PSS salt length and MGF1 digest when PSS.
    func initialize(key: PublicKeyHandle, algorithm: SignatureAlgorithm) throws(SignatureError) {
        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(pointer, &keyContext, algorithm.digest.evp, nil, key.pointer) == 1 else {
            throw .openSSLFailure(function: "EVP_DigestVerifyInit", detail: openSSLErrorText())
        }
        guard case let .rsaPSS(digest, saltLength) = algorithm else { return }
        guard let keyContext else {
            throw .openSSLFailure(function: "EVP_DigestVerifyInit", detail: "no key context")
        }
        guard EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1 else {
            throw .openSSLFailure(function: "EVP_PKEY_CTX_set_rsa_padding", detail: openSSLErrorText())
        }
        guard EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, Int32(clamping: saltLength)) == 1 else {
            throw .openSSLFailure(function: "EVP_PKEY_CTX_set_rsa_pss_saltlen", detail: openSSLErrorText())
        }
        guard EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, digest.evp) == 1 else {
            throw .openSSLFailure(function: "EVP_PKEY_CTX_set_rsa_mgf1_md", detail: openSSLErrorText())
        }
    }

    /// `EVP_DigestVerify`: true only for 1 (0 is a bad signature, negative a malformed one).
    func verify(signature: [UInt8], message: [UInt8]) -> Bool {
        let result = signature.withUnsafeBufferPointer { sig in
            message.withUnsafeBufferPointer { msg in
                EVP_DigestVerify(pointer, sig.baseAddress, sig.count, msg.baseAddress, msg.count)
            }
        }
        clearOpenSSLErrors()
        return result == 1
    }

    deinit { EVP_MD_CTX_free(pointer) }
}
