import CCrypto
import PresetScanCore

/// Message digests (MD5, SHA-1, SHA-256) through OpenSSL's EVP interface.
public enum Digest {
    /// MD5 of `bytes` (16 bytes; empty only if OpenSSL itself fails).
    public static func md5(_ bytes: [UInt8]) -> [UInt8] { oneShot(EVP_md5(), bytes) }

    /// SHA-1 of `bytes` (20 bytes; empty only if OpenSSL itself fails).
    public static func sha1(_ bytes: [UInt8]) -> [UInt8] { oneShot(EVP_sha1(), bytes) }

    /// SHA-256 of `bytes` (32 bytes; empty only if OpenSSL itself fails).
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] { oneShot(EVP_sha256(), bytes) }

    /// Bytes read per call when digesting a `ByteSource`.
    public static let chunkSize = 1 << 20

    /// SHA-256 of a whole `ByteSource`, read in 1 MiB chunks.
    public static func sha256(of source: ByteSource) throws -> [UInt8] {
        let context = try DigestContext(EVP_sha256())
        var offset: UInt64 = 0
        while offset < source.size {
            let count = Int(min(UInt64(chunkSize), source.size - offset))
            let chunk: [UInt8]
            do {
                chunk = try source.read(at: offset, count: count)
            } catch {
                throw CryptoError.readFailed("\(error)")
            }
            try context.update(chunk)
            offset += UInt64(count)
        }
        return try context.finish()
    }

    private static func oneShot(_ algorithm: OpaquePointer?, _ bytes: [UInt8]) -> [UInt8] {
        do {
            let context = try DigestContext(algorithm)
            try context.update(bytes)
            return try context.finish()
        } catch {
            clearOpenSSLErrors()
            return []
        }
    }
}

/// Arbitrary-precision integers through OpenSSL's `BIGNUM`.
public enum BigNumber {
    /// Decimal digits of the unsigned big-endian integer `bigEndian` (`"0"` for no bytes).
    public static func decimalString(bigEndian: [UInt8]) -> String {
        guard let number = BigNumberHandle(bigEndian: bigEndian), let text = number.decimal else { return "" }
        return text
    }
}
