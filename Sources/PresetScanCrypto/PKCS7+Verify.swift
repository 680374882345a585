import CCrypto

extension PKCS7 {
    /// Why a detached PKCS#7 signature could not be checked or did not verify.
    public enum VerificationFailure: Error, Equatable, Sendable, CustomStringConvertible {
        /// OpenSSL could not decode the SignedData (`d2i_PKCS7`).
        case unreadable(detail: String)
        /// The signature (or a signed attribute's message digest) does not match the content.
        case doesNotVerify(detail: String)
        /// An OpenSSL call failed on valid arguments.
        case openSSLFailure(function: String, detail: String)

        public var description: String {
            switch self {
            case let .unreadable(detail): "unreadable PKCS#7 SignedData: \(detail)"
            case let .doesNotVerify(detail): "the PKCS#7 signature does not verify: \(detail)"
            case let .openSSLFailure(function, detail): "\(function) failed: \(detail)"
            }
        }
    }

    /// Checks a detached SignedData (RFC 2315 §9) over `content` with the certificates it carries,
    /// without building a chain to a trusted root (`PKCS7_verify` with `PKCS7_NOVERIFY`): a JAR
    /// signature is self-signed by design, as Android checks it.
    public static func verifyDetached(der: [UInt8], content: [UInt8]) throws(VerificationFailure) {
        let signedData = try PKCS7Handle(der: der)
        let input = try ReadOnlyMemoryBIO(content)
        let store = try CertificateStore()
        let flags = Int32(PKCS7_NOVERIFY | PKCS7_BINARY | PKCS7_NOCHAIN)
        let result = PKCS7_verify(signedData.pointer, nil, store.pointer, input.pointer, nil, flags)
        guard result == 1 else { throw .doesNotVerify(detail: openSSLErrorText()) }
        clearOpenSSLErrors()
    }
}

/// Owns a `PKCS7*` decoded with `d2i_PKCS7`.
final class PKCS7Handle {
    let pointer: UnsafeMutablePointer<CCrypto.PKCS7>

    init(der: [UInt8]) throws(PKCS7.VerificationFailure) {
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw .unreadable(detail: "block is \(der.count) bytes")
        }
        let decoded: UnsafeMutablePointer<CCrypto.PKCS7>? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_PKCS7(nil, &cursor, buffer.count)
        }
        guard let decoded else { throw .unreadable(detail: openSSLErrorText()) }
        pointer = decoded
    }

    deinit { PKCS7_free(pointer) }
}

/// Owns a read-only memory `BIO*` over a copy of the bytes (`BIO_new_mem_buf`).
final class ReadOnlyMemoryBIO {
    let pointer: OpaquePointer
    private let storage: UnsafeMutableRawBufferPointer

    init(_ bytes: [UInt8]) throws(PKCS7.VerificationFailure) {
        guard bytes.count < Int(Int32.max) else { throw .openSSLFailure(function: "BIO_new_mem_buf", detail: "too large") }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { buffer.copyMemory(from: $0) }
        storage = buffer
        guard let made = BIO_new_mem_buf(buffer.baseAddress, Int32(bytes.count)) else {
            buffer.deallocate()
            throw .openSSLFailure(function: "BIO_new_mem_buf", detail: openSSLErrorText())
        }
        pointer = made
    }

    deinit {
        BIO_free(pointer)
        storage.deallocate()
    }
}

/// Owns an empty `X509_STORE*` (`X509_STORE_new`): nothing is trusted, no chain is built.
final class CertificateStore {
    let pointer: OpaquePointer

    init() throws(PKCS7.VerificationFailure) {
        guard let made = X509_STORE_new() else {
            throw .openSSLFailure(function: "X509_STORE_new", detail: openSSLErrorText())
        }
        pointer = made
    }

    deinit { X509_STORE_free(pointer) }
}

extension PKCS7 {
    /// What one SignerInfo (RFC 2315 §9.2) uses and carries, for rules a platform applies on top of
    /// the signature check (which digest/key pairs it accepts, which signed attributes it needs).
    public struct SignerInfoSummary: Sendable, Equatable {
        /// OpenSSL short name of `digestAlgorithm` (`SHA256`, `SHA1`, …).
        public var digestAlgorithm: String
        /// OpenSSL short name of the signer certificate's key type (`rsaEncryption`, `dsaEncryption`, `id-ecPublicKey`), nil when no certificate matches.
        public var keyType: String?
        /// Number of authenticated (signed) attributes.
        public var signedAttributeCount: Int
        /// Whether a signed attribute type occurs twice.
        public var hasDuplicateSignedAttribute: Bool
        /// The contentType signed attribute's value (OpenSSL short name, `pkcs7-data`), nil when absent.
        public var contentType: String?
    }

    /// A summary of every SignerInfo of a SignedData, in stored order.
    public static func signerInfos(der: [UInt8]) throws(VerificationFailure) -> [SignerInfoSummary] {
        let signedData = try PKCS7Handle(der: der)
        guard let infos = PKCS7_get_signer_info(signedData.pointer) else {
            clearOpenSSLErrors()
            return []
        }
        let certificates = PKCS7_get0_signers(signedData.pointer, nil, 0)
        defer { if let certificates { OPENSSL_sk_free(certificates) } }
        var out: [SignerInfoSummary] = []
        let count = min(Int(OPENSSL_sk_num(infos)), maxSignerInfos)
        for i in 0..<max(count, 0) {
            guard let raw = OPENSSL_sk_value(infos, Int32(i)) else { continue }
            let info = raw.assumingMemoryBound(to: PKCS7_SIGNER_INFO.self)
            var digest: UnsafeMutablePointer<X509_ALGOR>?
            PKCS7_SIGNER_INFO_get0_algs(info, nil, &digest, nil)
            var object: OpaquePointer?
            if let digest { X509_ALGOR_get0(&object, nil, nil, UnsafePointer(digest)) }
            let digestName = object.map { shortName(OBJ_obj2nid($0)) } ?? "unknown"

            var keyType: String?
            if let certificates, i < Int(OPENSSL_sk_num(certificates)),
                let certificate = OPENSSL_sk_value(certificates, Int32(i)),
                let key = X509_get0_pubkey(OpaquePointer(certificate))
            {
                keyType = shortName(EVP_PKEY_get_base_id(key))
            }

            let attributes = info.pointee.auth_attr
            let attributeCount = attributes.map { Int(X509at_get_attr_count($0)) } ?? 0
            var seen = Set<Int32>()
            var duplicate = false
            for a in 0..<max(attributeCount, 0) {
                guard let attribute = X509at_get_attr(attributes, Int32(a)) else { continue }
                let nid = OBJ_obj2nid(X509_ATTRIBUTE_get0_object(attribute))
                if !seen.insert(nid).inserted { duplicate = true }
            }
            var contentType: String?
            if let type = PKCS7_get_signed_attribute(info, NID_pkcs9_contentType) {
                if type.pointee.type == V_ASN1_OBJECT, let oid = type.pointee.value.object {
                    contentType = shortName(OBJ_obj2nid(oid))
                } else {
                    contentType = "not an OID"
                }
            }
            out.append(SignerInfoSummary(
                digestAlgorithm: digestName, keyType: keyType, signedAttributeCount: attributeCount,
                hasDuplicateSignedAttribute: duplicate, contentType: contentType))
        }
        clearOpenSSLErrors()
        return out
    }

    private static func shortName(_ nid: Int32) -> String {
        OBJ_nid2sn(nid).map { String(cString: $0) } ?? "NID \(nid)"
    }
}
