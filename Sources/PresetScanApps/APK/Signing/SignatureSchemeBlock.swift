import PresetScanCore
import PresetScanCrypto

/// An APK Signature Scheme v2/v3/v3.1 block value: a length-prefixed sequence of length-prefixed signers.
enum SignatureSchemeBlock {
    /// Signers, problems, and the schemes the signers' attributes say must also be present.
    static func parse(
        _ pair: APKSigningBlock.Pair, scheme: SignatureSchemeKind
    ) -> (signers: [Signer], diagnostics: [Diagnostic], requiredSchemes: [SignatureSchemeKind]) {
        var signers: [Signer] = []
        var diagnostics: [Diagnostic] = []
        var required: [SignatureSchemeKind] = []
        let malformed = "signing.\(scheme.code)-malformed"
        let blockName = "APK Signature Scheme \(scheme.name) block"
        var block = ByteReader(pair.value, base: pair.valueOffset, structure: blockName)
        var sequence: ByteReader
        do {
            sequence = try block.lengthPrefixed(structure: "\(blockName) signers")
        } catch {
            diagnostics.append(Diagnostic(.error, malformed, "\(error)"))
            return (signers, diagnostics, required)
        }
        if sequence.isAtEnd {
            diagnostics.append(Diagnostic(.error, "signing.\(scheme.code)-no-signers", "the \(scheme.name) block has no signer"))
        }
        var index = 0
        while !sequence.isAtEnd {
            index += 1
            guard index <= APKSignatureSchemes.maxSignersPerBlock else {
                diagnostics.append(Diagnostic(
                    .error, "signing.\(scheme.code)-too-many-signers",
                    "the \(scheme.name) block has more than \(APKSignatureSchemes.maxSignersPerBlock) signers; the rest are not read"))
                break
            }
            let window: ByteReader
            do {
                window = try sequence.lengthPrefixed(structure: "APK Signature Scheme \(scheme.name) signer")
            } catch {
                // A broken signer length leaves nothing after it readable.
                diagnostics.append(Diagnostic(.error, malformed, "signer #\(index): \(error)"))
                break
            }
            let parsed: SignatureSchemeSigner
            do {
                parsed = try SignatureSchemeSigner(window, scheme: scheme)
            } catch {
                diagnostics.append(Diagnostic(.error, malformed, "signer #\(index): \(error)"))
                continue
            }
            let outcome = parsed.report(index: index)
            diagnostics += outcome.diagnostics
            required += outcome.requiredSchemes
            if let signer = outcome.signer { signers.append(signer) }
        }
        return (signers, diagnostics, required)
    }
}

/// One signer of a v2 block (signed data, signatures, public key) or v3/v3.1 block (signed data,
/// minSDK, maxSDK, signatures, public key), with its signed data split into fields
/// (digests, certificates, [v3: minSDK, maxSDK,] additional attributes).
struct SignatureSchemeSigner {
    let scheme: SignatureSchemeKind
    /// Each certificate's window (DER as stored).
    var certificates: [ByteReader] = []
    var signedMinSdk: UInt32?
    var signedMaxSdk: UInt32?
    var minSdk: UInt32?
    var maxSdk: UInt32?
    var attributes: ByteReader
    var signatures: ByteReader
    var publicKey: ByteReader
    /// Offset of the signer, for messages.
    let offset: UInt64

    init(_ window: ByteReader, scheme: SignatureSchemeKind) throws {
        self.scheme = scheme
        offset = window.absoluteOffset
        var reader = window
        let name = "APK Signature Scheme \(scheme.name)"
        var signedData = try reader.lengthPrefixed(structure: "\(name) signed data")
        if scheme.hasSdkRange {
            minSdk = try reader.u32le()
            maxSdk = try reader.u32le()
        }
        signatures = try reader.lengthPrefixed(structure: "\(name) signatures")
        publicKey = try reader.lengthPrefixed(structure: "\(name) public key")

        _ = try signedData.lengthPrefixed(structure: "\(name) digests")
        var certificateList = try signedData.lengthPrefixed(structure: "\(name) certificates")
        while !certificateList.isAtEnd {
            certificates.append(try certificateList.lengthPrefixed(structure: "\(name) certificate"))
        }
        if scheme.hasSdkRange {
            signedMinSdk = try signedData.u32le()
            signedMaxSdk = try signedData.u32le()
        }
        attributes = try signedData.lengthPrefixed(structure: "\(name) additional attributes")
    }

    /// The report signer (first certificate) and what the signer's fields and attributes reveal.
    func report(index: Int) -> (signer: Signer?, diagnostics: [Diagnostic], requiredSchemes: [SignatureSchemeKind]) {
        var diagnostics: [Diagnostic] = []
        var required: [SignatureSchemeKind] = []
        let code = "signing.\(scheme.code)"
        let label = "\(scheme.name) signer #\(index) at offset \(offset)"

        if signatures.isAtEnd {
            diagnostics.append(Diagnostic(.warning, "\(code)-no-signatures", "\(label) has no signatures"))
        }
        if let minSdk, let maxSdk, let signedMinSdk, let signedMaxSdk,
            minSdk != signedMinSdk || maxSdk != signedMaxSdk
        {
            diagnostics.append(Diagnostic(
                .warning, "\(code)-sdk-mismatch",
                "\(label): SDK range \(minSdk)...\(maxSdk) differs from the signed \(signedMinSdk)...\(signedMaxSdk)"))
        }
        do {
            var list = attributes
            while !list.isAtEnd {
                var attribute = try list.lengthPrefixed(structure: "APK Signature Scheme \(scheme.name) additional attribute")
                let id = try attribute.u32le()
                switch (scheme, id) {
                case (.v2, APKSignatureSchemes.strippingProtectionAttributeID):
                    if try attribute.u32le() == 3 { required.append(.v3) }
                case (.v3, APKSignatureSchemes.rotationMinSdkAttributeID):
                    required.append(.v31)
                case (.v3, APKSignatureSchemes.proofOfRotationAttributeID),
                    (.v31, APKSignatureSchemes.proofOfRotationAttributeID):
                    diagnostics.append(Self.lineage(attribute, label: label, code: code))
                default:
                    break
                }
            }
        } catch {
            diagnostics.append(Diagnostic(.warning, "\(code)-malformed", "\(label): \(error)"))
        }

        guard let first = certificates.first else {
            diagnostics.append(Diagnostic(.error, "\(code)-no-certificate", "\(label) has no certificate"))
            return (nil, diagnostics, required)
        }
        let certificate: X509Certificate
        do {
            certificate = try X509Certificate.decoded(der: first.windowBytes)
        } catch {
            diagnostics.append(Diagnostic(
                .error, "\(code)-bad-certificate", "\(label): certificate at offset \(first.absoluteOffset): \(error)"))
            return (nil, diagnostics, required)
        }
        if publicKey.windowBytes != certificate.subjectPublicKeyInfo {
            diagnostics.append(Diagnostic(
                .warning, "\(code)-public-key-mismatch",
                "\(label): the public key field differs from the certificate's public key"))
        }
        let signer = Signer(
            scheme: scheme.name, certificate: certificate,
            minSdk: (signedMinSdk ?? minSdk).map { Int($0) }, maxSdk: (signedMaxSdk ?? maxSdk).map { Int($0) })
        return (signer, diagnostics, required)
    }

    /// Summarises a proof-of-rotation attribute (apksig `SigningCertificateLineage`: `u32 version`,
    /// then length-prefixed nodes of signed data {certificate, u32 algorithm}, u32 flags, u32 algorithm, signature).
    static func lineage(_ value: ByteReader, label: String, code: String) -> Diagnostic {
        var reader = value
        var fingerprints: [String] = []
        do {
            _ = try reader.u32le()
            while !reader.isAtEnd, fingerprints.count < APKSignatureSchemes.maxLineageNodes {
                var node = try reader.lengthPrefixed(structure: "proof-of-rotation node")
                var signedData = try node.lengthPrefixed(structure: "proof-of-rotation signed data")
                let certificate = try signedData.lengthPrefixed(structure: "proof-of-rotation certificate")
                fingerprints.append(Digest.sha256(certificate.windowBytes).hexString)
            }
        } catch {
            return Diagnostic(.warning, "\(code)-rotation", "\(label) has a malformed proof-of-rotation attribute: \(error)")
        }
        return Diagnostic(
            .info, "\(code)-rotation",
            "\(label) has a proof-of-rotation lineage of \(fingerprints.count) certificates, oldest first (SHA-256): "
                + fingerprints.joined(separator: ", "))
    }
}
