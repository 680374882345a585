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
