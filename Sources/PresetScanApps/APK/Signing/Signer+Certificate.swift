import PresetScanCore
import PresetScanCrypto

extension Signer {
    /// A report signer from a decoded certificate: fingerprints over the certificate bytes as stored.
    ///
    /// The digests and the decimal modulus of each distinct certificate are computed once per
    /// process, as the same few platform keys sign most apps of a firmware image.
    public init(scheme: String, certificate: X509Certificate, minSdk: Int? = nil, maxSdk: Int? = nil) {
        self = Self.template(for: certificate)
        self.scheme = scheme
        self.minSdk = minSdk
        self.maxSdk = maxSdk
    }

    private static let templates = Locked<[X509Certificate: Signer]>([:])
    private static let templateCapacity = 4096

    private static func template(for certificate: X509Certificate) -> Signer {
        if let hit = templates.withLock({ $0[certificate] }) { return hit }
        let modulus = certificate.rsaModulus
        let signer = Signer(
            scheme: "",
            subject: certificate.subject,
            issuer: certificate.issuer,
            serialNumber: certificate.serialNumber,
            md5: Digest.md5(certificate.der).hexString,
            sha1: Digest.sha1(certificate.der).hexString,
            sha256: Digest.sha256(certificate.der).hexString,
            publicKeyAlgorithm: certificate.publicKeyAlgorithm,
            publicKeyBits: certificate.publicKeyBits,
            publicKeySha256: Digest.sha256(certificate.subjectPublicKeyInfo).hexString,
            rsaModulusHex: modulus.map(\.hexString),
            rsaModulusDecimal: modulus.map { BigNumber.decimalString(bigEndian: $0) })
        templates.withLock {
            if $0.count >= templateCapacity { $0.removeAll(keepingCapacity: true) }
            $0[certificate] = signer
        }
        return signer
    }
}
