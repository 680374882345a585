import CCrypto

/// A message digest fed piece by piece, reusable after `finish()` (EVP, FIPS 180-4).
///
/// For the APK v2/v3 chunked digests, which hash every 1 MiB of a package twice over: one object per
/// thread, reset between chunks, reading from the caller's buffer in place.
public final class IncrementalDigest: @unchecked Sendable {
    public let algorithm: DigestAlgorithm
    private let context: DigestContext

    public init(_ algorithm: DigestAlgorithm) throws(SignatureError) {
        self.algorithm = algorithm
        do {
            context = try DigestContext(algorithm.evp)
        } catch {
            throw .openSSLFailure(function: "EVP_DigestInit_ex", detail: "\(error)")
        }
    }

    /// `EVP_DigestUpdate` over bytes the caller holds.
    public func update(_ bytes: UnsafeRawBufferPointer) throws(SignatureError) {
        guard bytes.count > 0 else { return }
        guard EVP_DigestUpdate(context.pointer, bytes.baseAddress, bytes.count) == 1 else {
            throw .openSSLFailure(function: "EVP_DigestUpdate", detail: openSSLErrorText())
        }
    }

    public func update(_ bytes: [UInt8]) throws(SignatureError) {
        guard !bytes.isEmpty else { return }
        let ok = bytes.withUnsafeBytes { EVP_DigestUpdate(context.pointer, $0.baseAddress, $0.count) }
        guard ok == 1 else {
            throw .openSSLFailure(function: "EVP_DigestUpdate", detail: openSSLErrorText())
        }
    }

    /// `EVP_DigestFinal_ex`, then `EVP_DigestInit_ex` so that the object starts a new digest.
    public func finish() throws(SignatureError) -> [UInt8] {
        let out: [UInt8]
        do {
            out = try context.finish()
        } catch {
            throw .openSSLFailure(function: "EVP_DigestFinal_ex", detail: "\(error)")
        }
        guard EVP_DigestInit_ex(context.pointer, algorithm.evp, nil) == 1 else {
            throw .openSSLFailure(function: "EVP_DigestInit_ex", detail: openSSLErrorText())
        }
        return out
    }

    /// The digest of `bytes` in one call.
    public static func digest(_ algorithm: DigestAlgorithm, _ bytes: [UInt8]) throws(SignatureError) -> [UInt8] {
        let d = try IncrementalDigest(algorithm)
        try d.update(bytes)
        return try d.finish()
    }
}
