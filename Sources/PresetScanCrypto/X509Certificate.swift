import CCrypto
import PresetScanCore

/// An X.509 certificate (RFC 5280 §4.1), decoded with OpenSSL; every field is read once at init.
///
/// `der` keeps the bytes exactly as given (fingerprints are over them, as Android and apksig do),
/// including any bytes after the certificate, which are accepted and ignored by the decoder.
public struct X509Certificate: Sendable, Hashable {
    /// The encoding as it appeared in the signature block.
    public let der: [UInt8]
    /// Subject Distinguished Name, RFC 2253 order and escaping, UTF-8 kept unescaped.
    public let subject: String
    /// Issuer Distinguished Name, formatted as `subject`.
    public let issuer: String
    /// Serial number in decimal (negative serials keep their sign).
    public let serialNumber: String
    /// `RSA`, `EC`, `DSA`, `Ed25519`, `Ed448`, or the key algorithm's OID short name (dotted OID if unnamed).
    public let publicKeyAlgorithm: String
    /// Key size in bits as OpenSSL reports it (`EVP_PKEY_get_bits`); 0 when the key cannot be decoded.
    public let publicKeyBits: Int
    /// DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).
    public let subjectPublicKeyInfo: [UInt8]
    /// RSA modulus, big-endian unsigned without leading zeros; `nil` for non-RSA keys.
    public let rsaModulus: [UInt8]?

    /// Decodes `der` with `d2i_X509`; throws `CryptoError.invalidCertificate` when OpenSSL refuses it.
    public init(der: [UInt8]) throws {
        try self.init(handle: X509Handle(der: der), der: der)
    }

    init(handle: X509Handle, der: [UInt8]) throws {
        let x509 = handle.pointer
        self.der = der
        subject = try Self.rfc2253(X509_get_subject_name(x509))
        issuer = try Self.rfc2253(X509_get_issuer_name(x509))
        serialNumber = Self.decimal(X509_get0_serialNumber(x509))
        subjectPublicKeyInfo = Self.encodedPublicKey(X509_get_X509_PUBKEY(x509))
        if let key = X509_get0_pubkey(x509) {
            let baseID = EVP_PKEY_get_base_id(key)
            publicKeyAlgorithm = Self.algorithmName(baseID: baseID, x509)
            publicKeyBits = Int(EVP_PKEY_get_bits(key))
            rsaModulus = baseID == EVP_PKEY_RSA || baseID == EVP_PKEY_RSA_PSS ? Self.rsaModulus(key) : nil
        } else {
            // The key does not decode (unknown algorithm, broken parameters): still name the algorithm.
            clearOpenSSLErrors()
            publicKeyAlgorithm = Self.algorithmName(baseID: NID_undef, x509)
            publicKeyBits = 0
            rsaModulus = nil
        }
    }

    public static func == (a: X509Certificate, b: X509Certificate) -> Bool { a.der == b.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    /// `X509_NAME_print_ex` with `XN_FLAG_RFC2253` minus `ASN1_STRFLGS_ESC_MSB` (keeps UTF-8 readable).
    private static func rfc2253(_ name: OpaquePointer?) throws -> String {
        guard let name else { return "" }
        let bio = try MemoryBIO()
        // XN_FLAG_RFC2253 spelled out (Swift cannot import the composite macro), without ESC_MSB.
        let flags = UInt(ASN1_STRFLGS_ESC_2253) | UInt(ASN1_STRFLGS_ESC_CTRL) | UInt(ASN1_STRFLGS_UTF8_CONVERT)
            | UInt(ASN1_STRFLGS_DUMP_UNKNOWN) | UInt(ASN1_STRFLGS_DUMP_DER)
            | UInt(XN_FLAG_SEP_COMMA_PLUS) | UInt(XN_FLAG_DN_REV) | UInt(XN_FLAG_FN_SN)
            | UInt(XN_FLAG_DUMP_UNKNOWN_FIELDS)
        guard X509_NAME_print_ex(bio.pointer, name, 0, flags) >= 0 else {
            clearOpenSSLErrors()
            return ""
        }
        return String(decoding: bio.drain(), as: UTF8.self)
    }

    /// `ASN1_INTEGER_to_BN` then `BN_bn2dec`.
    private static func decimal(_ integer: UnsafePointer<ASN1_INTEGER>?) -> String {
        guard let integer, let number = ASN1_INTEGER_to_BN(integer, nil) else {
            clearOpenSSLErrors()
            return ""
        }
        return BigNumberHandle(owning: number).decimal ?? ""
    }

    /// `i2d_X509_PUBKEY`: the SubjectPublicKeyInfo re-encoded from the parsed certificate.
    private static func encodedPublicKey(_ key: OpaquePointer?) -> [UInt8] {
        guard let key else { return [] }
        let length = i2d_X509_PUBKEY(key, nil)
        guard length > 0 else {
            clearOpenSSLErrors()
            return []
        }
        var out = [UInt8](repeating: 0, count: Int(length))
        let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_X509_PUBKEY(key, &cursor)
        }
        guard written == length else {
            clearOpenSSLErrors()
            return []
        }
        return out
    }

    /// Friendly names for the key types Android signs with; otherwise the OID's short name.
    private static func algorithmName(baseID: Int32, _ x509: OpaquePointer) -> String {
        switch baseID {
        case EVP_PKEY_RSA: return "RSA"
        case EVP_PKEY_EC: return "EC"
        case EVP_PKEY_DSA: return "DSA"
        case EVP_PKEY_ED25519: return "Ed25519"
        case EVP_PKEY_ED448: return "Ed448"
        default: break
        }
        var object: OpaquePointer? = nil
        guard X509_PUBKEY_get0_param(&object, nil, nil, nil, X509_get_X509_PUBKEY(x509)) == 1, let object else {
            clearOpenSSLErrors()
            return "unknown"
        }
        let nid = OBJ_obj2nid(object)
        if nid != NID_undef, let short = OBJ_nid2sn(nid) { return String(cString: short) }
        var buffer = [CChar](repeating: 0, count: 128)
        let written = buffer.withUnsafeMutableBufferPointer { OBJ_obj2txt($0.baseAddress, Int32($0.count), object, 1) }
        guard written > 0 else {
            clearOpenSSLErrors()
            return "unknown"
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `EVP_PKEY_get_bn_param(OSSL_PKEY_PARAM_RSA_N)`.
    private static func rsaModulus(_ key: OpaquePointer) -> [UInt8]? {
        var number: OpaquePointer? = nil
        guard EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &number) == 1, let number else {
            clearOpenSSLErrors()
            return nil
        }
        return BigNumberHandle(owning: number).magnitude
    }
}
