import PresetScanCore
import PresetScanCrypto

extension Signer {
    /// A report signer from a decoded certificate: fingerprints over the certificate bytes as stored.
    public init(scheme: String, certificate: X509Certificate, minSdk: Int? = nil, maxSdk: Int? = nil) {
        let modulus = certificate.rsaModulus
        self.init(
            scheme: scheme,
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
            rsaModulusDecimal: modulus.map { BigNumber.decimalString(bigEndian: $0) },
            minSdk: minSdk,
            maxSdk: maxSdk)
    }
}
