import PresetScanCore

/// The outcome of checking an APK's signatures the way apksig's `ApkVerifier` does with default
/// options (every platform from the manifest's minSdkVersion up).
public struct APKVerification: Sendable, Equatable {
    /// Why an APK does not verify: the record's `VerificationFailure.Reason`.
    public typealias Reason = VerificationFailure.Reason
    /// One failure: the record's `VerificationFailure`.
    public typealias Failure = VerificationFailure

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

    public init() {}
}
