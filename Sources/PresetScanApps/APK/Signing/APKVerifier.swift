import PresetScanCore
import PresetScanCrypto
import PresetScanUnpack

/// Verifies an APK's signatures as apksig's `ApkVerifier.verify` does with apksigner's default
/// options: for every platform from the manifest's minSdkVersion up.
///
/// Order and choice (apksig): v3.1 (platforms 33+), then v3 (28+), then v2 when minSdk is below 28
/// or no newer scheme was found, then JAR (v1) when minSdk is below 24 or no block scheme was
/// found. The first scheme with an error decides.
public enum APKVerifier {
    /// Android N (24): APK Signature Scheme v2.
    static let sdkN = 24
    /// Android P (28): v3.
    static let sdkP = 28
    /// Android R (30): targeting it needs v2 or newer.
    static let sdkR = 30
    /// Android T (33): v3.1.
    static let sdkT = 33

    /// apksig `ApkSigningBlockUtils` scheme ids, as stripping protection names them.
    static let schemeIDs: [SignatureSchemeKind: UInt32] = [.v2: 2, .v3: 3, .v31: 31]

    public static func verify(
        archive: ZipArchive, minSdk: Int?, minSdkCodename: String? = nil, targetSdk: Int? = nil,
        targetSandboxVersion: Int? = nil
    ) -> APKVerification {
        var result = APKVerification()
        // apksig reads minSdkVersion from the manifest and refuses an APK without one.
        guard archive.entry(named: "AndroidManifest.xml") != nil else {
            result.failure = APKVerification.Failure("apk", .malformed, "Missing AndroidManifest.xml")
            return result
        }
        let apkMinSdk = minSdk ?? codenameLevel(minSdkCodename) ?? 1
        let maxSdk = V2V3Verifier.unbounded

        var block: APKSigningBlock?
        do {
            block = try APKSigningBlock.locate(in: archive.source, centralDirectoryOffset: archive.centralDirectoryOffset)
        } catch {
            result.notes.append("APK Signing Block not usable: \(error)")
        }
        var pairs: [SignatureSchemeKind: APKSigningBlock.Pair] = [:]
        for pair in block?.pairs ?? [] {
            if let kind = SignatureSchemeKind(id: pair.id), pairs[kind] == nil { pairs[kind] = pair }
        }

        var found: Set<UInt32> = []
        var signers = SchemeSigners()
        if let block, !pairs.isEmpty {
            let eocdStart = archive.endOfCentralDirectory.offset
            let eocdLength = UInt64(22 + Int(archive.endOfCentralDirectory.commentLength))
            var content: APKProtectedContent
            do {
                content = APKProtectedContent(
                    source: archive.source, signingBlockOffset: block.offset,
                    centralDirectory: archive.centralDirectoryOffset..<max(archive.centralDirectoryOffset, eocdStart),
                    eocd: try archive.source.read(at: eocdStart, count: Int(eocdLength)))
            } catch {
                result.failure = APKVerification.Failure("apk", .malformed, "cannot read the end of central directory: \(error)")
                return result
            }

            var rotationMinSdk: Int?
            if let pair = pairs[.v31] {
                let verifier = V2V3Verifier(scheme: .v31, minSdk: max(apkMinSdk, sdkT), maxSdk: maxSdk)
                let outcome = verifier.verify(pair, content: &content)
                result.notes += outcome.notes
                if let failure = outcome.failure { result.failure = failure; return result }
                found.insert(schemeIDs[.v31]!)
                result.verifiedSchemes.append("v3.1")
                signers.lineage = outcome.lineage
                rotationMinSdk = outcome.signerMinSdks.min()
            }
            if let pair = pairs[.v3] {
                var verifier = V2V3Verifier(scheme: .v3, minSdk: max(apkMinSdk, sdkP), maxSdk: maxSdk)
                verifier.rotationMinSdk = rotationMinSdk
                let outcome = verifier.verify(pair, content: &content)
                result.notes += outcome.notes
                if let failure = outcome.failure { result.failure = failure; return result }
                found.insert(schemeIDs[.v3]!)
                result.verifiedSchemes.append("v3")
                signers.v3 = outcome.signerCertificates
                // apksig merges v3.1's result first, then v3's: v3's lineage wins when it has one.
                if !outcome.lineage.isEmpty { signers.lineage = outcome.lineage }
            } else if pairs[.v31] != nil {
                result.failure = APKVerification.Failure("v3.1", .malformed, "a v3.1 block was found without a v3 block")
                return result
            }
            if apkMinSdk < sdkP || found.isEmpty, let pair = pairs[.v2] {
                let verifier = V2V3Verifier(scheme: .v2, minSdk: max(apkMinSdk, sdkN), maxSdk: maxSdk)
                let outcome = verifier.verify(pair, content: &content)
                result.notes += outcome.notes
                if let failure = outcome.failure { result.failure = failure; return result }
                for id in outcome.requiredSchemeIDs where Set(schemeIDs.values).contains(id) && !found.contains(id) {
                    result.failure = APKVerification.Failure("v2", .stripped,
                        "APK Signature Scheme v2 signature indicates the APK is signed using APK Signature Scheme v\(id) "
                            + "but no such signature was found. Signature stripped?")
                    return result
                }
                found.insert(schemeIDs[.v2]!)
                result.verifiedSchemes.append("v2")
                signers.v2 = outcome.signerCertificates
            }
        }

        // Android O and newer: targetSandboxVersion 2+ needs APK Signature Scheme v2 or newer.
        if let targetSandboxVersion, targetSandboxVersion > 1, found.isEmpty {
            result.failure = APKVerification.Failure("apk", .missingSignature,
                "Missing APK Signature Scheme v2 signature required for target sandbox version \(targetSandboxVersion)")
            return result
        }

        if apkMinSdk < sdkN || found.isEmpty {
            let v1 = V1Verifier(archive: archive, minSdk: apkMinSdk, maxSdk: maxSdk, foundSchemeIDs: found)
            switch v1.verifySigners() {
            case .failure(let failure):
                result.failure = failure
                return result
            case .success(let certificates):
                signers.v1 = certificates
            }
            result.verifiedSchemes.insert("v1", at: 0)
        }
        if let failure = signers.mismatch() {
            result.failure = failure
            return result
        }
        // apksig `getMinimumSignatureSchemeVersionForTargetSdk`: targeting Android 11 (30) or later
        // needs v2 or newer on the platforms the APK targets.
        if let targetSdk, targetSdk >= sdkR, signers.v2 == nil, signers.v3 == nil {
            result.failure = APKVerification.Failure("apk", .missingSignature,
                "Target SDK version \(targetSdk) requires a minimum of signature scheme v2; the APK is not signed with this or a later signature scheme")
            return result
        }
        return result
    }

    /// The certificates each verified scheme names, for apksig's cross-scheme checks.
    struct SchemeSigners {
        var v1: [[UInt8]]?
        var v2: [[UInt8]]?
        var v3: [[UInt8]]?
        var lineage: [[UInt8]] = []

        /// apksig `ApkVerifier.verify`: v1 and v2 name the same signers; v3's signer is the v1/v2
        /// signer, or rotated from it (the v1/v2 signer is the root of v3's lineage). Otherwise a
        /// signature of one scheme was swapped for another key's.
        func mismatch() -> APKVerification.Failure? {
            if let v1, let v2 {
                if v1.contains(where: { !v2.contains($0) }) {
                    return APKVerification.Failure("v1", .malformed, "JAR signer: No APK Signature Scheme v2 signature from this signer")
                }
                if v2.contains(where: { !v1.contains($0) }) {
                    return APKVerification.Failure("v2", .malformed, "APK Signature Scheme v2 signer: No JAR signature from this signer")
                }
            }
            guard let v3, let past = v1 ?? v2 else { return nil }
            guard past.count == 1, let old = past.first else {
                return APKVerification.Failure("v3", .malformed,
                    "APK Signature Scheme v3 only supports one signer: the v1/v2 signature has \(past.count)")
            }
            if lineage.isEmpty {
                guard v3.count == 1 else {
                    return APKVerification.Failure("v3", .malformed, "APK Signature Scheme v3 has \(v3.count) signers and no signing certificate lineage")
                }
                guard v3.first == old else {
                    return APKVerification.Failure("v3", .malformed,
                        "v3 signer differs from v1/v2 signer without proper signing certificate lineage.")
                }
            } else if lineage.first != old {
                return APKVerification.Failure("v3", .malformed,
                    "v3 signer differs from v1/v2 signer without proper signing certificate lineage.")
            }
            return nil
        }
    }

    /// apksig `getMinSdkVersionForCodename`: a preview codename counts as the level it precedes.
    static func codenameLevel(_ codename: String?) -> Int? {
        guard let first = codename?.uppercased().first, let ascii = first.asciiValue else { return nil }
        // Q is 29; each letter after it one level more (previews of R, S, T... before their release).
        let letter = Int(ascii)
        return letter >= 0x51 ? 29 + (letter - 0x51) : 10000
    }
}
