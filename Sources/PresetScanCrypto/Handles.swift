import CCrypto

// Owners of OpenSSL handles: one small class per C type, each freeing its handle in `deinit`.
// None of these escape the module.

/// Owns an `X509*` decoded with `d2i_X509` (RFC 5280 Certificate).
final class X509Handle {
    let pointer: OpaquePointer

    /// Decodes one certificate from the start of `der`; bytes after it are ignored, as Java's
    /// `CertificateFactory` (and so the Android platform) does.
    init(der: [UInt8]) throws {
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw CryptoError.invalidCertificate(detail: "certificate is \(der.count) bytes")
        }
        let decoded: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_X509(nil, &cursor, buffer.count)
        }
        guard let decoded else { throw CryptoError.invalidCertificate(detail: openSSLErrorText()) }
        pointer = decoded
    }

    deinit { X509_free(pointer) }
}

/// Owns an `X509_NAME*` decoded with `d2i_X509_NAME` (RFC 5280 Name).
final class X509NameHandle {
    let pointer: OpaquePointer

    init?(der: [UInt8]) {
        guard !der.isEmpty, der.count <= Int(Int32.max) else { return nil }
        let decoded: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_X509_NAME(nil, &cursor, buffer.count)
        }
        guard let decoded else {
            clearOpenSSLErrors()
            return nil
        }
        pointer = decoded
    }

    deinit { X509_NAME_free(pointer) }
}

/// Owns an `ASN1_INTEGER*` decoded with `d2i_ASN1_INTEGER` (X.690 INTEGER).
final class ASN1IntegerHandle {
    let pointer: UnsafeMutablePointer<ASN1_INTEGER>

    init?(der: [UInt8]) {
        guard !der.isEmpty, der.count <= Int(Int32.max) else { return nil }
        let decoded: UnsafeMutablePointer<ASN1_INTEGER>? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_ASN1_INTEGER(nil, &cursor, buffer.count)
        }
        guard let decoded else {
            clearOpenSSLErrors()
            return nil
        }
        pointer = decoded
    }

    deinit { ASN1_INTEGER_free(pointer) }
}

/// Owns a `BIGNUM*`.
final class BigNumberHandle {
    let pointer: OpaquePointer

    /// Takes ownership of a `BIGNUM*` returned by OpenSSL.
    init(owning pointer: OpaquePointer) { self.pointer = pointer }

    /// `BN_bin2bn`: a non-negative number from big-endian bytes.
    convenience init?(bigEndian bytes: [UInt8]) {
        guard bytes.count <= Int(Int32.max) else { return nil }
        let made: OpaquePointer? = bytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        guard let made else {
            clearOpenSSLErrors()
            return nil
        }
        self.init(owning: made)
    }

    /// `BN_bn2dec`: decimal digits, with a leading `-` when negative.
    var decimal: String? {
        guard let text = BN_bn2dec(pointer) else {
            clearOpenSSLErrors()
            return nil
        }
        defer { CRYPTO_free(text, #fileID, #line) }
        return String(cString: text)
    }

    /// `BN_bn2bin`: the magnitude, big-endian, without leading zeros.
    var magnitude: [UInt8] {
        let bits = BN_num_bits(pointer)
        guard bits > 0 else { return [] }
        let count = (Int(bits) + 7) / 8
        var out = [UInt8](repeating: 0, count: count)
        let written = out.withUnsafeMutableBufferPointer { BN_bn2bin(pointer, $0.baseAddress) }
        return written == Int32(count) ? out : []
    }

    deinit { BN_free(pointer) }
}

/// Owns a memory `BIO*` (`BIO_new(BIO_s_mem())`), used to collect printed text.
final class MemoryBIO {
    let pointer: OpaquePointer

    init() throws {
        guard let made = BIO_new(BIO_s_mem()) else {
            throw CryptoError.openSSLFailure(function: "BIO_new", detail: openSSLErrorText())
        }
        pointer = made
    }

    /// Everything written so far, read with `BIO_read`.
    func drain() -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { BIO_read(pointer, $0.baseAddress, Int32($0.count)) }
            guard n > 0 else { break }
            out.append(contentsOf: chunk[0..<Int(n)])
        }
        clearOpenSSLErrors()
        return out
    }

    deinit { BIO_free(pointer) }
}

/// Owns an `EVP_MD_CTX*` for incremental hashing.
final class DigestContext {
    let pointer: OpaquePointer

    /// `EVP_MD_CTX_new` + `EVP_DigestInit_ex`.
    init(_ algorithm: OpaquePointer?) throws {
        guard let made = EVP_MD_CTX_new() else {
            throw CryptoError.openSSLFailure(function: "EVP_MD_CTX_new", detail: openSSLErrorText())
        }
        pointer = made
        guard EVP_DigestInit_ex(made, algorithm, nil) == 1 else {
            throw CryptoError.openSSLFailure(function: "EVP_DigestInit_ex", detail: openSSLErrorText())
        }
    }

    /// `EVP_DigestUpdate`.
    func update(_ bytes: [UInt8]) throws {
        let ok = bytes.withUnsafeBytes { EVP_DigestUpdate(pointer, $0.baseAddress, $0.count) }
        guard ok == 1 else {
            throw CryptoError.openSSLFailure(function: "EVP_DigestUpdate", detail: openSSLErrorText())
        }
    }

    /// `EVP_DigestFinal_ex`.
    func finish() throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(pointer, $0.baseAddress, &length) }
        guard ok == 1, Int(length) <= out.count else {
            throw CryptoError.openSSLFailure(function: "EVP_DigestFinal_ex", detail: openSSLErrorText())
        }
        return Array(out[0..<Int(length)])
    }

    deinit { EVP_MD_CTX_free(pointer) }
}
