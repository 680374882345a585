import CCrypto

/// SHA-256 fed piece by piece, for digests over data that is never held whole (imported records).
public final class SHA256Stream {
    private let context: DigestContext?

    public init() {
        context = try? DigestContext(EVP_sha256())
        if context == nil { clearOpenSSLErrors() }
    }

    public func update(_ bytes: [UInt8]) {
        guard let context else { return }
        do { try context.update(bytes) } catch { clearOpenSSLErrors() }
    }

    /// The 32-byte digest (empty only if OpenSSL itself failed); the stream is spent afterwards.
    public func finish() -> [UInt8] {
        guard let context, let out = try? context.finish() else {
            clearOpenSSLErrors()
            return []
        }
        return out
    }
}
