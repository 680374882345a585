import CCrypto
import PresetScanCore

/// Why a cryptographic operation or a certificate/PKCS#7 parse failed.
public enum CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An OpenSSL call that should not fail on valid arguments did (allocation failure, missing algorithm);
    /// `function` names the C function, `detail` is OpenSSL's error queue text.
    case openSSLFailure(function: String, detail: String)
    /// The bytes are not an X.509 certificate OpenSSL can decode (`d2i_X509` failed); `detail` is OpenSSL's reason.
    case invalidCertificate(detail: String)
    /// A PKCS#7 / CMS structure (RFC 2315) is malformed: names the structure and the byte offset.
    case invalidPKCS7(ParseError)
    /// The PKCS#7 SignedData is well formed but carries no certificate that could be decoded.
    case noCertificates
    /// Reading the input to digest failed (the `ByteSource` threw).
    case readFailed(String)

    public var description: String {
        switch self {
        case let .openSSLFailure(function, detail): "\(function) failed: \(detail)"
        case let .invalidCertificate(detail): "invalid X.509 certificate: \(detail)"
        case let .invalidPKCS7(error): "invalid PKCS#7: \(error)"
        case .noCertificates: "PKCS#7 SignedData has no decodable certificate"
        case let .readFailed(detail): "read failed: \(detail)"
        }
    }
}

/// Drains OpenSSL's thread-local error queue into one line (and leaves it empty).
func openSSLErrorText() -> String {
    var parts: [String] = []
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        buffer.withUnsafeMutableBufferPointer { ERR_error_string_n(code, $0.baseAddress, $0.count) }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if parts.count < 4 { parts.append(text) }
    }
    return parts.isEmpty ? "no OpenSSL error reported" : parts.joined(separator: "; ")
}

/// Empties OpenSSL's error queue after a failure that is handled, so it does not leak into later reports.
func clearOpenSSLErrors() {
    ERR_clear_error()
}
