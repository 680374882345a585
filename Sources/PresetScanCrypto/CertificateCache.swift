import PresetScanCore

/// Decoded certificates by encoding, shared by every package in a scan.
///
/// A firmware image presets hundreds of apps signed by a handful of keys, and `d2i_X509` in
/// OpenSSL 3 dominates the cost of reading an APK (its public-key decoder is slow), so each
/// distinct certificate is decoded once. Handles stay read-only after decoding (`d2i_X509`
/// computes the names' canonical encodings up front), so sharing them across threads is safe.
final class CertificateCache: Sendable {
    static let shared = CertificateCache()
    /// Bound on entries; past it the cache starts over (hostile input cannot grow it without end).
    static let capacity = 4096

    struct Entry: @unchecked Sendable {
        let handle: X509Handle
        let certificate: X509Certificate
    }

    private let entries = Locked<[[UInt8]: Entry]>([:])

    func decode(_ der: [UInt8]) throws -> Entry {
        if let hit = entries.withLock({ $0[der] }) { return hit }
        let handle = try X509Handle(der: der)
        let entry = Entry(handle: handle, certificate: try X509Certificate(handle: handle, der: der))
        entries.withLock {
            if $0.count >= Self.capacity { $0.removeAll(keepingCapacity: true) }
            $0[der] = entry
        }
        return entry
    }
}

extension X509Certificate {
    /// Like `init(der:)`, but answered from the process-wide cache when this encoding was seen before.
    public static func decoded(der: [UInt8]) throws -> X509Certificate {
        try CertificateCache.shared.decode(der).certificate
    }
}
