import PresetScanCore

/// The outcome of checking an APK's signatures the way apksig's `ApkVerifier` does with default
/// options (every platform from the manifest's minSdkVersion up).
public struct APKVerification: Sendable, Equatable {
    /// Why an APK does not verify, grouped as apksigner's errors can be grouped.
    public enum Reason: String, Sendable, Equatable, CaseIterable {
        /// A scheme the platform range needs is absent (no v1 below API 24, no signature at all).
        case missingSignature = "missing-signature"
        /// The content differs from what was signed: a chunk digest, an entry digest, an entry
        /// named by the manifest that is missing, a manifest section.
        case contentMismatch = "content-mismatch"
        /// A signature over the signed data or the .SF file does not verify with the signer's key.
        case signatureInvalid = "signature-invalid"
        /// A signature names a newer scheme that is missing (stripping protection).
        case stripped
        /// A signature structure is broken or inconsistent (no certificate, key mismatch, algorithm
        /// lists that differ, SDK ranges).
        case malformed
        /// Only algorithms the platform range cannot check.
        case unsupportedAlgorithm = "unsupported-algorithm"
    }

    /// One failure: the scheme (`v1`, `v2`, `v3`, `v3.1`, or `apk`), the class, and apksigner-like text.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public var scheme: String
        public var reason: Reason
        public var message: String

        public init(_ scheme: String, _ reason: Reason, _ message: String) {
            self.scheme = scheme
            self.reason = reason
            self.message = message
        }

        public var description: String { "\(scheme): \(message) [\(reason.rawValue)]" }
    }

    /// Schemes that were checked and verified.
    public var verifiedSchemes: [String] = []
    /// The first failure; nil when the APK verifies.
    public var failure: Failure?
    /// Things apksigner would print as notes or warnings (skipped verity digests, unknown algorithms).
    public var notes: [String] = []

    public var verified: Bool { failure == nil }

    /// The diagnostic code of a failure, in the record's warnings.
    public static let diagnosticCode = "signing.verify-failed"

    /// The warning the APK reader records for a failure.
    public static func diagnostic(_ failure: Failure, location: Location?) -> Diagnostic {
        Diagnostic(.warning, diagnosticCode,
            "the signature does not verify (\(failure.reason.rawValue), scheme \(failure.scheme)): \(failure.message)",
            location: location)
    }

    /// The reason class of a `signing.verify-failed` warning made by `diagnostic(_:location:)`.
    public static func reason(of diagnostic: Diagnostic) -> Reason? {
        guard diagnostic.code == diagnosticCode, let open = diagnostic.message.firstIndex(of: "("),
            let comma = diagnostic.message[open...].firstIndex(of: ",")
        else { return nil }
        return Reason(rawValue: String(diagnostic.message[diagnostic.message.index(after: open)..<comma]))
    }

    public init() {}
}
