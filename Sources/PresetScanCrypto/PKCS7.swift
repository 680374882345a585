import CCrypto
import PresetScanCore

/// PKCS#7 SignedData (RFC 2315 §9), as found in JAR signature block files (`META-INF/*.RSA`).
public enum PKCS7 {
    /// Certificates read from one SignedData; later ones are ignored (real blocks carry a handful).
    public static let maxCertificates = 1000
    /// SignerInfos read from one SignedData; later ones are ignored.
    public static let maxSignerInfos = 100

    /// Certificates of the SignerInfos of a PKCS#7 SignedData (as apksigner reports v1 signers: the cert matching each SignerInfo's issuer+serial), falling back to all certs when none match.
    ///
    /// The structure is walked with a lenient BER reader (indefinite lengths allowed), and each
    /// certificate keeps its bytes exactly as stored. Certificates OpenSSL cannot decode are skipped;
    /// when none decodes, the first decoding error is thrown.
    public static func signerCertificates(der: [UInt8]) throws -> [X509Certificate] {
        let signedData: SignedData
        do {
            signedData = try SignedData(der)
        } catch let error as ParseError {
            throw CryptoError.invalidPKCS7(error)
        }
        var decoded: [(handle: X509Handle, certificate: X509Certificate)] = []
        var firstError: Error?
        for encoding in signedData.certificates.prefix(maxCertificates) {
            do {
                let entry = try CertificateCache.shared.decode(encoding)
                decoded.append((entry.handle, entry.certificate))
            } catch {
                firstError = firstError ?? error
            }
        }
        guard !decoded.isEmpty else { throw firstError ?? CryptoError.noCertificates }

        var chosen: [X509Certificate] = []
        for signer in signedData.signerIdentifiers.prefix(maxSignerInfos) {
            guard let issuer = X509NameHandle(der: signer.issuer),
                let serial = ASN1IntegerHandle(der: signer.serialNumber)
            else { continue }
            let match = decoded.first { entry in
                X509_NAME_cmp(X509_get_issuer_name(entry.handle.pointer), issuer.pointer) == 0
                    && ASN1_INTEGER_cmp(X509_get0_serialNumber(entry.handle.pointer), serial.pointer) == 0
            }
            if let match, !chosen.contains(match.certificate) { chosen.append(match.certificate) }
        }
        clearOpenSSLErrors()
        return chosen.isEmpty ? decoded.map(\.certificate) : chosen
    }
}

/// The parts of RFC 2315 §9.1 SignedData needed to name signers: raw certificates and SignerInfo ids.
struct SignedData {
    /// ContentInfo contentType `signedData`, 1.2.840.113549.1.7.2 (RFC 2315 §14).
    static let signedDataOID: [UInt8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02]

    /// IssuerAndSerialNumber (RFC 2315 §6.7), both as their own encodings.
    struct SignerIdentifier {
        let issuer: [UInt8]
        let serialNumber: [UInt8]
    }

    /// Encodings of the `certificates [0]` entries that are X.509 Certificates (SEQUENCEs).
    var certificates: [[UInt8]] = []
    /// The encapsulated content (`contentInfo [0] OCTET STRING`), constructed strings joined;
    /// nil when detached (iOS code signatures, JAR blocks).
    var content: [UInt8]?
    /// `sid` of each SignerInfo that uses IssuerAndSerialNumber.
    var signerIdentifiers: [SignerIdentifier] = []

    init(_ bytes: [UInt8]) throws {
        let walker = BERWalker(bytes, structure: "PKCS#7 ContentInfo")
        let contentInfo = try walker.element(at: 0, limit: bytes.count, structure: "PKCS#7 ContentInfo")
        guard contentInfo.isUniversal(BERElement.sequence) else {
            throw ParseError("PKCS#7 ContentInfo", at: 0, "not a SEQUENCE")
        }
        let infoParts = try walker.children(of: contentInfo, structure: "PKCS#7 ContentInfo")
        guard infoParts.count >= 2, infoParts[0].isUniversal(BERElement.objectIdentifier),
            walker.contents(of: infoParts[0]) == Self.signedDataOID
        else {
            throw ParseError("PKCS#7 ContentInfo", at: UInt64(contentInfo.start), "content type is not signedData")
        }
        guard infoParts[1].isContext(0),
            let signedData = try walker.children(of: infoParts[1], structure: "PKCS#7 ContentInfo").first,
            signedData.isUniversal(BERElement.sequence)
        else {
            throw ParseError("PKCS#7 ContentInfo", at: UInt64(infoParts[1].start), "no [0] SignedData SEQUENCE")
        }
        // version, digestAlgorithms, contentInfo, [0] certificates?, [1] crls?, signerInfos
        let fields = try walker.children(of: signedData, structure: "PKCS#7 SignedData")
        guard fields.count >= 4 else {
            throw ParseError("PKCS#7 SignedData", at: UInt64(signedData.start), "has \(fields.count) fields, needs 4")
        }
        content = try Self.encapsulatedContent(fields[2], walker)
        for field in fields.dropFirst(3) {
            if field.isContext(0), field.constructed {
                for entry in try walker.children(of: field, structure: "PKCS#7 certificates")
                where entry.isUniversal(BERElement.sequence) {
                    certificates.append(walker.encoding(of: entry))
                }
            } else if field.isUniversal(BERElement.set) {
                for info in try walker.children(of: field, structure: "PKCS#7 SignerInfo") {
                    guard info.isUniversal(BERElement.sequence) else { continue }
                    let parts = try walker.children(of: info, structure: "PKCS#7 SignerInfo")
                    // version, sid: IssuerAndSerialNumber is a SEQUENCE; [0] SubjectKeyIdentifier is not matched.
                    guard parts.count >= 2, parts[1].isUniversal(BERElement.sequence) else { continue }
                    let sid = try walker.children(of: parts[1], structure: "PKCS#7 IssuerAndSerialNumber")
                    guard sid.count == 2, sid[1].isUniversal(BERElement.integer) else { continue }
                    signerIdentifiers.append(
                        SignerIdentifier(issuer: walker.encoding(of: sid[0]), serialNumber: walker.encoding(of: sid[1])))
                }
            }
        }
    }

    /// `ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT ANY OPTIONAL }`: the bytes of the
    /// OCTET STRING in `[0]` (BER may split it into a constructed string of pieces), or of whatever
    /// element is there (PKCS#7 `data` written without the OCTET STRING, as some signers do).
    private static func encapsulatedContent(_ info: BERElement, _ walker: BERWalker) throws -> [UInt8]? {
        guard info.isUniversal(BERElement.sequence) else { return nil }
        let parts = try walker.children(of: info, structure: "PKCS#7 contentInfo")
        guard parts.count >= 2, parts[1].isContext(0), parts[1].constructed,
              let inner = try walker.children(of: parts[1], structure: "PKCS#7 contentInfo [0]").first
        else { return nil }
        return try octets(inner, walker, depth: 0)
    }

    private static func octets(_ element: BERElement, _ walker: BERWalker, depth: Int) throws -> [UInt8] {
        guard element.constructed else { return walker.contents(of: element) }
        guard depth < 8 else { throw ParseError("PKCS#7 content", at: UInt64(element.start), "constructed string nested too deep") }
        var out: [UInt8] = []
        for piece in try walker.children(of: element, structure: "PKCS#7 content") {
            out += try octets(piece, walker, depth: depth + 1)
        }
        return out
    }
}

extension PKCS7 {
    /// A SignedData's encapsulated content and every certificate it carries.
    public struct Contents: Sendable {
        /// The signed bytes when they are inside (HarmonyOS profile JSON, an iOS provisioning
        /// profile's plist); nil when detached.
        public var content: [UInt8]?
        /// Every certificate of `certificates [0]` OpenSSL could decode, in stored order.
        public var certificates: [X509Certificate]
        /// The certificates the SignerInfos name (issuer and serial), as `signerCertificates(der:)`.
        public var signers: [X509Certificate]
    }

    /// Reads a SignedData's content and certificates (RFC 2315 §9.1, RFC 5652 §5).
    public static func contents(der: [UInt8]) throws -> Contents {
        let signedData: SignedData
        do {
            signedData = try SignedData(der)
        } catch let error as ParseError {
            throw CryptoError.invalidPKCS7(error)
        }
        let all = signedData.certificates.prefix(maxCertificates).compactMap { try? CertificateCache.shared.decode($0).certificate }
        clearOpenSSLErrors()
        let signers = all.isEmpty ? [] : ((try? signerCertificates(der: der)) ?? [])
        return Contents(content: signedData.content, certificates: all, signers: signers)
    }
}
