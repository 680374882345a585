import PresetScanCore
import PresetScanCrypto

/// Signature algorithm ids of APK Signature Scheme v2/v3 (apksig `SignatureAlgorithm`).
enum APKSignatureAlgorithm: UInt32, Sendable {
    case rsaPSSWithSHA256 = 0x0101
    case rsaPSSWithSHA512 = 0x0102
    case rsaPKCS1WithSHA256 = 0x0103
    case rsaPKCS1WithSHA512 = 0x0104
    case ecdsaWithSHA256 = 0x0201
    case ecdsaWithSHA512 = 0x0202
    case dsaWithSHA256 = 0x0301
    case verityRSAPKCS1WithSHA256 = 0x0421
    case verityECDSAWithSHA256 = 0x0423
    case verityDSAWithSHA256 = 0x0425

    /// apksig's name, as apksigner prints it.
    var name: String {
        switch self {
        case .rsaPSSWithSHA256: "RSA_PSS_WITH_SHA256"
        case .rsaPSSWithSHA512: "RSA_PSS_WITH_SHA512"
        case .rsaPKCS1WithSHA256: "RSA_PKCS1_V1_5_WITH_SHA256"
        case .rsaPKCS1WithSHA512: "RSA_PKCS1_V1_5_WITH_SHA512"
        case .ecdsaWithSHA256: "ECDSA_WITH_SHA256"
        case .ecdsaWithSHA512: "ECDSA_WITH_SHA512"
        case .dsaWithSHA256: "DSA_WITH_SHA256"
        case .verityRSAPKCS1WithSHA256: "VERITY_RSA_PKCS1_V1_5_WITH_SHA256"
        case .verityECDSAWithSHA256: "VERITY_ECDSA_WITH_SHA256"
        case .verityDSAWithSHA256: "VERITY_DSA_WITH_SHA256"
        }
    }

    var contentDigest: APKContentDigest {
        switch self {
        case .rsaPSSWithSHA512, .rsaPKCS1WithSHA512, .ecdsaWithSHA512: .chunkedSHA512
        case .verityRSAPKCS1WithSHA256, .verityECDSAWithSHA256, .verityDSAWithSHA256: .verityChunkedSHA256
        default: .chunkedSHA256
        }
    }

    var signature: SignatureAlgorithm {
        switch self {
        case .rsaPSSWithSHA256: .rsaPSS(.sha256, saltLength: 32)
        case .rsaPSSWithSHA512: .rsaPSS(.sha512, saltLength: 64)
        case .rsaPKCS1WithSHA256, .verityRSAPKCS1WithSHA256: .rsaPKCS1(.sha256)
        case .rsaPKCS1WithSHA512: .rsaPKCS1(.sha512)
        case .ecdsaWithSHA256, .verityECDSAWithSHA256: .ecdsa(.sha256)
        case .ecdsaWithSHA512: .ecdsa(.sha512)
        case .dsaWithSHA256, .verityDSAWithSHA256: .dsa(.sha256)
        }
    }
}

/// Where the v2/v3 protected content lies in one APK.
struct APKProtectedContent {
    let source: ByteSource
    let signingBlockOffset: UInt64
    let centralDirectory: Range<UInt64>
    let eocd: [UInt8]
    /// Computed digests, shared by the schemes (v3 and v2 usually use the same algorithm).
    var cache: [APKContentDigest: [UInt8]] = [:]

    mutating func digests(_ wanted: Set<APKContentDigest>) throws -> [APKContentDigest: [UInt8]] {
        let missing = wanted.subtracting(cache.keys)
        if !missing.isEmpty {
            let computed = try APKContentDigest.compute(
                Set(missing), source: source, signingBlockOffset: signingBlockOffset,
                centralDirectory: centralDirectory, eocd: eocd)
            cache.merge(computed) { a, _ in a }
        }
        return cache
    }
}

/// Verifies one APK Signature Scheme v2, v3 or v3.1 block (apksig `V2SchemeVerifier`,
/// `V3SchemeVerifier`, `ApkSigningBlockUtils.verifyIntegrity`).
struct V2V3Verifier {
    /// What one block's verification found.
    struct Outcome {
        var failure: APKVerification.Failure?
        var notes: [String] = []
        /// v3.1: each signer's minSdk (the lowest is where rotation starts).
        var signerMinSdks: [Int] = []
        /// v2: the scheme ids its stripping-protection attribute names.
        var requiredSchemeIDs: [UInt32] = []
        /// Each signer's certificate (DER, as decoded), in signer order.
        var signerCertificates: [[UInt8]] = []
        /// v3/v3.1: the proof-of-rotation lineage's certificates, oldest first (the last signer's
        /// that has one); empty when no signer rotated.
        var lineage: [[UInt8]] = []
    }

    /// Highest platform level; apksig uses `Integer.MAX_VALUE` for "no upper bound".
    static let unbounded = Int(Int32.max)

    let scheme: SignatureSchemeKind
    let minSdk: Int
    let maxSdk: Int
    /// v3 when a v3.1 block verified: v3 signers need to cover only the levels below this.
    var rotationMinSdk: Int?

    func verify(_ pair: APKSigningBlock.Pair, content: inout APKProtectedContent) -> Outcome {
        var outcome = Outcome()
        let name = "APK Signature Scheme \(scheme.name)"
        func fail(_ reason: APKVerification.Reason, _ message: String) -> Outcome {
            var o = outcome
            o.failure = APKVerification.Failure(scheme.name, reason, message)
            return o
        }
        var block = ByteReader(pair.value, base: pair.valueOffset, structure: "\(name) block")
        var signerList: ByteReader
        do {
            signerList = try block.lengthPrefixed(structure: "\(name) signers")
        } catch {
            return fail(.malformed, "Failed to read list of signers: \(error)")
        }
        guard !signerList.isAtEnd else { return fail(.malformed, "No signers in \(name) signature") }

        var expected: [(signer: Int, algorithm: APKContentDigest, digest: [UInt8])] = []
        var ranges: [SignerRange] = []
        var index = 0
        while !signerList.isAtEnd {
            let label = "\(name) signer #\(index + 1)"
            guard index < APKSignatureSchemes.maxSignersPerBlock else {
                return fail(.malformed, "more than \(APKSignatureSchemes.maxSignersPerBlock) signers")
            }
            let signer: ParsedSigner
            do {
                signer = try ParsedSigner(try signerList.lengthPrefixed(structure: "\(name) signer"), scheme: scheme)
            } catch {
                return fail(.malformed, "\(label): Malformed signer block: \(error)")
            }
            switch check(signer, label: label, signerIndex: index) {
            case .failure(let failure):
                return fail(failure.reason, failure.message)
            case .success(let checked):
                expected += checked.digests.map { (index, $0.algorithm, $0.digest) }
                outcome.notes += checked.notes
                outcome.requiredSchemeIDs += checked.requiredSchemeIDs
                outcome.signerCertificates.append(checked.certificate)
                if !checked.lineage.isEmpty { outcome.lineage = checked.lineage }
                if scheme.hasSdkRange, let lo = signer.minSdk, let hi = signer.maxSdk {
                    ranges.append(SignerRange(
                        min: Int(lo), max: Int(hi), lineageSize: checked.lineage.count, lineage: checked.lineage,
                        targetsDevRelease: signer.attributes.contains { $0.id == APKSignatureSchemes.rotationTargetsDevReleaseAttributeID }))
                    outcome.signerMinSdks.append(Int(lo))
                }
            }
            index += 1
        }

        if scheme.hasSdkRange, let failure = Self.sdkRanges(ranges, minSdk: minSdk, top: rotationMinSdk.map { $0 - 1 } ?? maxSdk,
                                                            checkCoverage: scheme == .v3) {
            return fail(.malformed, failure)
        }

        let wanted = Set(expected.map(\.algorithm))
        let computed: [APKContentDigest: [UInt8]]
        do {
            computed = try content.digests(wanted)
        } catch {
            return fail(.contentMismatch, "Failed to compute content digests: \(error)")
        }
        for entry in expected {
            guard let actual = computed[entry.algorithm], actual == entry.digest else {
                return fail(.contentMismatch,
                    "\(name) signer #\(entry.signer + 1): APK integrity check failed. \(entry.algorithm.name) digest mismatch.")
            }
        }
        return outcome
    }

    /// One v3/v3.1 signer's platform range and lineage, for the checks across signers.
    struct SignerRange {
        var min: Int
        var max: Int
        var lineageSize: Int
        var lineage: [[UInt8]]
        var targetsDevRelease = false
    }

    /// apksig `V3SchemeVerifier.verify`: the signers, ordered by their maximum level (one per
    /// maximum: a later signer with the same maximum replaces the earlier, as apksig's map does),
    /// must follow on without overlap or hole (a signer may start at the previous maximum when it
    /// targets a development release), their lineages must only grow and belong to one lineage, and
    /// together they must cover `minSdk...top` (`top`: below the v3.1 rotation level, when there is one).
    /// apksig checks coverage on v3.1 blocks too; presetscan checks it on v3 only, where v3.1 signers
    /// for a later rotation level would otherwise be refused.
    static func sdkRanges(_ ranges: [SignerRange], minSdk: Int, top: Int, checkCoverage: Bool) -> String? {
        var byMax: [Int: SignerRange] = [:]
        for range in ranges { byMax[range.max] = range }
        var firstMin = 0
        var lastMax = 0
        var lastLineageSize = 0
        var lineages: [[[UInt8]]] = []
        for range in byMax.keys.sorted().compactMap({ byMax[$0] }) {
            if firstMin == 0 {
                firstMin = range.min
            } else if range.min != lastMax + 1 && !(range.min == lastMax && range.targetsDevRelease) {
                return "APK Signature Scheme v3 signers supported min/max SDK versions are not continuous."
            }
            lastMax = range.max
            if range.lineageSize > 0 {
                guard range.lineageSize >= lastLineageSize else {
                    return "SigningCertificateLineages targeting different platform versions using APK Signature Scheme v3 are not all a part of the same overall lineage."
                }
                lastLineageSize = range.lineageSize
                lineages.append(range.lineage)
            }
        }
        // apksig `SigningCertificateLineage.consolidateLineages`: each lineage is the start of the longest.
        if let longest = lineages.max(by: { $0.count < $1.count }),
            lineages.contains(where: { !longest.starts(with: $0) })
        {
            return "SigningCertificateLineages targeting different platform versions using APK Signature Scheme v3 are not all a part of the same overall lineage."
        }
        if checkCoverage, minSdk <= top, firstMin > minSdk || lastMax < top {
            return "APK Signature Scheme v3 signers supported min/max SDK versions do not cover the entire desired range.  Found min:  \(firstMin) max \(lastMax)"
        }
        return nil
    }

    private struct Checked {
        var digests: [(algorithm: APKContentDigest, digest: [UInt8])] = []
        var notes: [String] = []
        var requiredSchemeIDs: [UInt32] = []
        var certificate: [UInt8] = []
        var lineage: [[UInt8]] = []
    }

    private func check(_ signer: ParsedSigner, label: String, signerIndex: Int) -> Result<Checked, APKVerification.Failure> {
        func fail(_ reason: APKVerification.Reason, _ message: String) -> Result<Checked, APKVerification.Failure> {
            .failure(APKVerification.Failure(scheme.name, reason, "\(label): \(message)"))
        }
        var checked = Checked()
        guard !signer.signatures.isEmpty else { return fail(.malformed, "No signatures") }
        let key: PublicKey
        do {
            key = try PublicKey(subjectPublicKeyInfo: signer.publicKey)
        } catch {
            return fail(.malformed, "Malformed public key: \(error)")
        }
        var supported: [(APKSignatureAlgorithm, [UInt8])] = []
        for (id, bytes) in signer.signatures {
            if let algorithm = APKSignatureAlgorithm(rawValue: id) {
                supported.append((algorithm, bytes))
            } else {
                checked.notes.append("\(label): unknown signature algorithm 0x\(String(id, radix: 16))")
            }
        }
        guard !supported.isEmpty else { return fail(.unsupportedAlgorithm, "No supported signatures") }
        for (algorithm, bytes) in supported {
            let valid: Bool
            do {
                valid = try key.isValidSignature(bytes, for: signer.signedData, algorithm: algorithm.signature)
            } catch {
                return fail(.signatureInvalid, "Failed to verify \(algorithm.name) signature: \(error)")
            }
            guard valid else {
                return fail(.signatureInvalid, "\(algorithm.name) signature over signed-data did not verify")
            }
        }
        guard let first = signer.certificates.first else { return fail(.malformed, "No certificates") }
        let certificate: X509Certificate
        do {
            certificate = try X509Certificate.decoded(der: first)
        } catch {
            return fail(.malformed, "Failed to decode certificate #1: \(error)")
        }
        checked.certificate = certificate.der
        guard certificate.subjectPublicKeyInfo == signer.publicKey else {
            return fail(.malformed, "Public key mismatch between certificate and signature record")
        }
        guard signer.signatures.map(\.id) == signer.digests.map(\.id) else {
            return fail(.malformed, "Signature algorithms mismatch between signatures and digests records")
        }
        if scheme.hasSdkRange {
            guard signer.minSdk == signer.signedMinSdk, signer.maxSdk == signer.signedMaxSdk else {
                return fail(.malformed, "SDK version mismatch between signed and unsigned in v3 signer block")
            }
            if let lo = signer.minSdk, let hi = signer.maxSdk, lo > hi {
                return fail(.malformed, "Invalid SDK version range \(lo)...\(hi)")
            }
        }
        for (algorithm, _) in supported {
            guard let digest = signer.digests.first(where: { $0.id == algorithm.rawValue }) else { continue }
            checked.digests.append((algorithm.contentDigest, digest.bytes))
        }

        // Additional attributes (apksig V2/V3 `parseAdditionalAttributes`).
        for (id, value) in signer.attributes {
            switch (scheme, id) {
            case (.v2, APKSignatureSchemes.strippingProtectionAttributeID):
                var reader = ByteReader(value, structure: "stripping protection attribute")
                if let named = try? reader.u32le() { checked.requiredSchemeIDs.append(named) }
            case (.v3, APKSignatureSchemes.proofOfRotationAttributeID),
                (.v31, APKSignatureSchemes.proofOfRotationAttributeID):
                switch Self.lineage(value, signerCertificate: certificate.der) {
                case .failure(let problem): return fail(problem.reason, problem.message)
                case .success(let certificates): checked.lineage = certificates
                }
            default:
                break
            }
        }
        return .success(checked)
    }

    /// apksig `V3SigningCertificateLineage.readSigningCertificateLineage`: version 1, then nodes of
    /// (signed data: certificate, the parent's algorithm id), flags, this node's algorithm id for the
    /// next node, and the parent key's signature over the signed data. Each node after the first must
    /// be signed by the previous certificate's key with the algorithm the previous node names, no
    /// certificate may repeat, and the newest must be the signer's. Returns the certificates, oldest first.
    static func lineage(
        _ value: [UInt8], signerCertificate: [UInt8]
    ) -> Result<[[UInt8]], APKVerification.Failure> {
        func problem(_ reason: APKVerification.Reason, _ message: String) -> Result<[[UInt8]], APKVerification.Failure> {
            .failure(APKVerification.Failure("", reason, message))
        }
        var reader = ByteReader(value, structure: "proof-of-rotation lineage")
        var certificates: [[UInt8]] = []
        var previous: X509Certificate?
        var previousAlgorithm: UInt32 = 0
        do {
            guard try reader.u32le() == 1 else {
                return problem(.malformed, "Encoded SigningCertificateLineage has a version different than any of which we are aware")
            }
            while !reader.isAtEnd {
                let number = certificates.count + 1
                guard number <= APKSignatureSchemes.maxLineageNodes else {
                    return problem(.malformed, "proof-of-rotation lineage has more than \(APKSignatureSchemes.maxLineageNodes) certificates")
                }
                var node = try reader.lengthPrefixed(structure: "proof-of-rotation node")
                var signedData = try node.lengthPrefixed(structure: "proof-of-rotation signed data")
                let signedBytes = signedData.windowBytes
                _ = try node.u32le()  // flags
                let algorithmForNext = try node.u32le()
                let signature = try node.lengthPrefixed(structure: "proof-of-rotation signature").windowBytes
                let der = try signedData.lengthPrefixed(structure: "proof-of-rotation certificate").windowBytes
                let parentAlgorithm = try signedData.u32le()

                if let previous {
                    guard let algorithm = APKSignatureAlgorithm(rawValue: previousAlgorithm) else {
                        return problem(.unsupportedAlgorithm,
                            "Unknown signature algorithm 0x\(String(previousAlgorithm, radix: 16)) for certificate #\(number) of the proof-of-rotation lineage")
                    }
                    let valid = (try? PublicKey(subjectPublicKeyInfo: previous.subjectPublicKeyInfo)
                        .isValidSignature(signature, for: signedBytes, algorithm: algorithm.signature)) ?? false
                    guard valid else {
                        return problem(.signatureInvalid,
                            "Unable to verify signature of certificate #\(number) using \(algorithm.name) when verifying V3SigningCertificateLineage object")
                    }
                    guard parentAlgorithm == previousAlgorithm else {
                        return problem(.malformed,
                            "Signing algorithm ID mismatch for certificate #\(number) when verifying V3SigningCertificateLineage object")
                    }
                }
                let certificate: X509Certificate
                do { certificate = try X509Certificate.decoded(der: der) } catch {
                    return problem(.malformed, "Failed to decode certificate #\(number) when parsing V3SigningCertificateLineage object")
                }
                guard !certificates.contains(certificate.der) else {
                    return problem(.malformed,
                        "Encountered duplicate entries in SigningCertificateLineage at certificate #\(number). All signing certificates should be unique")
                }
                certificates.append(certificate.der)
                previous = certificate
                previousAlgorithm = algorithmForNext
            }
        } catch {
            return problem(.malformed, "Failed to parse the SigningCertificateLineage object: \(error)")
        }
        guard let last = certificates.last else { return problem(.malformed, "proof-of-rotation lineage is empty") }
        guard let signer = try? X509Certificate.decoded(der: signerCertificate), last == signer.der else {
            return problem(.malformed, "Signing certificate does not match the last certificate of the proof-of-rotation lineage")
        }
        return .success(certificates)
    }
}

/// One v2/v3 signer split into the fields verification needs (apksig `V2SchemeVerifier.parseSigner`).
struct ParsedSigner {
    var signedData: [UInt8]
    var digests: [(id: UInt32, bytes: [UInt8])] = []
    var certificates: [[UInt8]] = []
    var signedMinSdk: UInt32?
    var signedMaxSdk: UInt32?
    var attributes: [(id: UInt32, value: [UInt8])] = []
    var minSdk: UInt32?
    var maxSdk: UInt32?
    var signatures: [(id: UInt32, bytes: [UInt8])] = []
    var publicKey: [UInt8]

    init(_ window: ByteReader, scheme: SignatureSchemeKind) throws {
        var reader = window
        var signed = try reader.lengthPrefixed(structure: "signed data")
        signedData = signed.windowBytes
        if scheme.hasSdkRange {
            minSdk = try reader.u32le()
            maxSdk = try reader.u32le()
        }
        var signatureList = try reader.lengthPrefixed(structure: "signatures")
        publicKey = try reader.lengthPrefixed(structure: "public key").windowBytes

        while !signatureList.isAtEnd {
            var record = try signatureList.lengthPrefixed(structure: "signature record")
            let id = try record.u32le()
            signatures.append((id, try record.lengthPrefixed(structure: "signature").windowBytes))
        }
        var digestList = try signed.lengthPrefixed(structure: "digests")
        while !digestList.isAtEnd {
            var record = try digestList.lengthPrefixed(structure: "digest record")
            let id = try record.u32le()
            digests.append((id, try record.lengthPrefixed(structure: "digest").windowBytes))
        }
        var certificateList = try signed.lengthPrefixed(structure: "certificates")
        while !certificateList.isAtEnd {
            certificates.append(try certificateList.lengthPrefixed(structure: "certificate").windowBytes)
        }
        if scheme.hasSdkRange {
            signedMinSdk = try signed.u32le()
            signedMaxSdk = try signed.u32le()
        }
        var attributeList = try signed.lengthPrefixed(structure: "additional attributes")
        while !attributeList.isAtEnd {
            var attribute = try attributeList.lengthPrefixed(structure: "additional attribute")
            let id = try attribute.u32le()
            attributes.append((id, try attribute.bytes(attribute.remaining)))
        }
    }
}
