import PresetScanCore
import PresetScanCrypto

/// Signers claimed by an APK's signature schemes: JAR (v1) and APK Signature Scheme v2, v3, v3.1.
///
/// Nothing here verifies a signature: it reports who an APK says signed it, with diagnostics for
/// anything malformed or inconsistent, and never stops at the first problem.
///
/// Diagnostic codes (`S` is `v2`, `v3` or `v31`):
/// - `signing.block-malformed` (error): an ID-value pair of the APK Signing Block is broken; later pairs are lost.
/// - `signing.duplicate-block` (warning): a second block with the same scheme id; the first is used.
/// - `signing.S-malformed` (error; warning when only additional attributes are broken): a scheme block or
///   one signer does not parse; other signers continue.
/// - `signing.S-no-signers`, `signing.S-too-many-signers` (error): empty block, or more than `maxSignersPerBlock`.
/// - `signing.S-no-certificate`, `signing.S-bad-certificate` (error): the signer is dropped.
/// - `signing.S-no-signatures`, `signing.S-public-key-mismatch`, `signing.S-sdk-mismatch` (warning): the signer is kept.
/// - `signing.S-rotation` (info): a proof-of-rotation lineage, with its certificates' SHA-256.
/// - `signing.v3-stripped`, `signing.v31-stripped` (warning): a signer requires a block that is missing.
/// - `signing.v1-malformed` (error): a JAR signature block is not usable PKCS#7.
public enum APKSignatureSchemes {
    /// APK Signature Scheme v2 block id (apksig `V2SchemeConstants`).
    public static let v2ID: UInt32 = 0x7109_871a
    /// APK Signature Scheme v3 block id (apksig `V3SchemeConstants`).
    public static let v3ID: UInt32 = 0xf053_68c0
    /// APK Signature Scheme v3.1 block id (apksig `V3SchemeConstants`, Android 13+ rotation).
    public static let v31ID: UInt32 = 0x1b93_ad61

    /// v2 signed-data attribute: the value names a newer scheme that must also be present (apksig `V2SchemeConstants`).
    public static let strippingProtectionAttributeID: UInt32 = 0xbeef_f00d
    /// v3 signed-data attribute: proof-of-rotation lineage (apksig `V3SchemeConstants`).
    public static let proofOfRotationAttributeID: UInt32 = 0x3ba0_6f8c
    /// v3 signed-data attribute: rotation min SDK, meaning a v3.1 block must be present (apksig `V3SchemeConstants`).
    public static let rotationMinSdkAttributeID: UInt32 = 0x559f_8b02

    /// Signers beyond this many in one scheme block are not read (the platform accepts at most 10).
    public static let maxSignersPerBlock = 64
    /// v3.1 signed-data attribute: the signer targets a development release, so its range may start
    /// at the previous signer's maximum (apksig `V3SchemeConstants.ROTATION_ON_DEV_RELEASE_ATTR_ID`).
    public static let rotationTargetsDevReleaseAttributeID: UInt32 = 0xc2a6_b3ba
    /// Lineage nodes beyond this many are not read.
    public static let maxLineageNodes = 64

    /// Signers from v2, v3, v3.1 blocks present (scheme strings "v2","v3","v3.1"); v3/v3.1 with their signer minSdk/maxSdk. Malformed blocks give diagnostics (code like "signing.v2-malformed") and the rest continues.
    ///
    /// `schemes` lists every scheme whose block is present, even when it yields no signer. Each
    /// signer is its first certificate (the signing certificate, as apksigner prints it). The first
    /// block of each id is used, as the platform does; later duplicates give a warning.
    public static func signers(in block: APKSigningBlock) -> (schemes: [String], signers: [Signer], diagnostics: [Diagnostic]) {
        var diagnostics = block.diagnostics
        var firstPairs: [SignatureSchemeKind: APKSigningBlock.Pair] = [:]
        for pair in block.pairs {
            guard let scheme = SignatureSchemeKind(id: pair.id) else { continue }
            if firstPairs[scheme] == nil {
                firstPairs[scheme] = pair
            } else {
                diagnostics.append(Diagnostic(
                    .warning, "signing.duplicate-block",
                    "another \(scheme.name) block at offset \(pair.valueOffset) is ignored (the first one is used)"))
            }
        }
        var schemes: [String] = []
        var signers: [Signer] = []
        var needs: [(scheme: SignatureSchemeKind, by: String)] = []
        for scheme in SignatureSchemeKind.allCases {
            guard let pair = firstPairs[scheme] else { continue }
            schemes.append(scheme.name)
            let parsed = SignatureSchemeBlock.parse(pair, scheme: scheme)
            signers += parsed.signers
            diagnostics += parsed.diagnostics
            needs += parsed.requiredSchemes.map { ($0, scheme.name) }
        }
        for need in needs where firstPairs[need.scheme] == nil {
            diagnostics.append(Diagnostic(
                .warning, "signing.\(need.scheme.code)-stripped",
                "the \(need.by) signer requires a \(need.scheme.name) block, which is missing (stripped signature)"))
        }
        return (schemes, signers, diagnostics)
    }

    /// Whether `path` names a JAR signature block file: under `META-INF/`, ending in `.RSA`, `.DSA` or
    /// `.EC` in any letter case (the platform's rule; apksig matches the upper-case names only).
    public static func isSignatureBlockPath(_ path: String) -> Bool {
        guard path.hasPrefix("META-INF/") else { return false }
        let upper = path.uppercased()
        return upper.hasSuffix(".RSA") || upper.hasSuffix(".DSA") || upper.hasSuffix(".EC")
    }

    /// v1 (JAR) signers from the META-INF signature block files (*.RSA, *.DSA, *.EC — name match case-insensitive as apksig does) given as (path, bytes).
    ///
    /// Paths failing `isSignatureBlockPath` are ignored. Each block gives the certificates its
    /// SignerInfos name (see `PKCS7.signerCertificates`); a certificate named by several blocks is
    /// reported once.
    public static func v1Signers(signatureBlocks: [(path: String, bytes: [UInt8])]) -> (signers: [Signer], diagnostics: [Diagnostic]) {
        var signers: [Signer] = []
        var diagnostics: [Diagnostic] = []
        for block in signatureBlocks where isSignatureBlockPath(block.path) {
            do {
                for certificate in try PKCS7.signerCertificates(der: block.bytes) {
                    let signer = Signer(scheme: "v1", certificate: certificate)
                    if !signers.contains(signer) { signers.append(signer) }
                }
            } catch {
                diagnostics.append(Diagnostic(.error, "signing.v1-malformed", "\(block.path): \(error)"))
            }
        }
        return (signers, diagnostics)
    }
}

/// The block-based schemes, in report order.
enum SignatureSchemeKind: CaseIterable, Hashable {
    case v2, v3, v31

    init?(id: UInt32) {
        switch id {
        case APKSignatureSchemes.v2ID: self = .v2
        case APKSignatureSchemes.v3ID: self = .v3
        case APKSignatureSchemes.v31ID: self = .v31
        default: return nil
        }
    }

    /// Report name: `v2`, `v3`, `v3.1`.
    var name: String {
        switch self {
        case .v2: "v2"
        case .v3: "v3"
        case .v31: "v3.1"
        }
    }

    /// Diagnostic code part: `v2`, `v3`, `v31`.
    var code: String {
        switch self {
        case .v2: "v2"
        case .v3: "v3"
        case .v31: "v31"
        }
    }

    /// v3 and v3.1 signers carry an SDK range.
    var hasSdkRange: Bool { self != .v2 }
}
