import PresetScanCore
import PresetScanFiling

/// Everything presetscan learned about one app package: identity, signers, and what went wrong.
///
/// This is the record `inspect`, `list` and `scan` report; field names are the JSON contract.
public struct AppRecord: Codable, Sendable, Equatable {
    public var location: Location
    /// The package kind (SPEC §7): `apk`, `apks`, `xapk`, `apkm`, `aab`, `hap`, `hsp`, `app`, `ipa`, `rpk`.
    public var kind: String
    /// The platform the app is built for and filed under (SPEC §7 table).
    public var platform: Platform
    public var size: UInt64
    /// Package name (Android, quick app), bundle name (HarmonyOS) or Bundle ID (iOS).
    public var package: String?
    /// Android: `versionCodeMajor << 32 | versionCode`, as `PackageInfo.getLongVersionCode()`;
    /// HarmonyOS `versionCode`; quick app `versionCode`; nil on iOS (no integer version).
    public var versionCode: UInt64?
    public var versionName: String?
    /// iOS `CFBundleVersion` (the build number; `versionName` is `CFBundleShortVersionString`).
    public var build: String?
    public var minSdk: Int?
    public var targetSdk: Int?
    /// Pre-release codename when `minSdkVersion` is a string (e.g. `"Q"`).
    public var minSdkCodename: String?
    /// Application label in the default configuration.
    public var label: String?
    /// Locale (BCP-47 style, `zh-CN`) → label; the default config is not repeated here.
    public var labels: [String: String]
    public var permissions: [String]
    public var usesInternet: Bool
    public var metaData: [MetaData]
    /// Filing numbers (and look-alikes) the package carries, once per canonical form, sorted.
    public var filingNumbers: [EmbeddedFilingNumber]
    /// Where the package names the national filing system (`beian.miit.gov.cn`), in the places the
    /// filing-number search reads, sorted (MIIT Notice [2023] No. 105 item 2(8), rule PS014).
    public var filingSystemLinks: [String] = []
    /// Schemes present, in order `v1`, `v2`, `v3`, `v3.1`.
    /// Schemes present: APK `v1`, `v2`, `v3`, `v3.1`; `hap` (HarmonyOS signing block);
    /// `codesign` (iOS code signature); `rpk` (quick-app signature).
    public var signatureSchemes: [String]
    public var signers: [Signer]
    /// The signing profile or provisioning profile the package carries (HarmonyOS profile block,
    /// iOS `embedded.mobileprovision`); nil when there is none.
    public var profile: SigningProfile?
    /// The parts read as this one app: splits of a split set, HAPs of an APP pack, an IPA's
    /// plug-ins and frameworks. Empty for a single-file package.
    public var components: [Component]
    /// Whether the signatures verify over the content (APK: as apksigner does); `nil` when not
    /// checked (a kind without verification yet, or `list`, which does not verify).
    public var verified: Bool?
    /// Why `verified` is false: the scheme and the class of failure; nil otherwise.
    public var verificationFailure: VerificationFailure?
    public var warnings: [Diagnostic]
    public var errors: [Diagnostic]

    public init(location: Location, kind: String = "apk", platform: Platform = .android, size: UInt64) {
        self.location = location
        self.kind = kind
        self.platform = platform
        self.size = size
        self.components = []
        self.labels = [:]
        self.permissions = []
        self.usesInternet = false
        self.metaData = []
        self.filingNumbers = []
        self.signatureSchemes = []
        self.signers = []
        self.warnings = []
        self.errors = []
    }

    /// Why a package's signatures do not verify (apksig's errors, grouped into classes).
    public struct VerificationFailure: Codable, Sendable, Equatable, Error, CustomStringConvertible {
        /// The class of failure, as apksigner's errors can be grouped.
        public enum Reason: String, Codable, Sendable, Equatable, CaseIterable {
            /// A scheme the platform range needs is absent (no v1 below API 24, no signature at all).
            /// Not tampering: the claimed signer may still verify for newer platforms.
            case missingSignature = "missing-signature"
            /// The content differs from what was signed: a chunk digest, an entry digest, an entry
            /// named by the manifest that is missing, a manifest section.
            case contentMismatch = "content-mismatch"
            /// A signature over the signed data or the .SF file does not verify with the signer's key.
            case signatureInvalid = "signature-invalid"
            /// A signature names a newer scheme that is missing (stripping protection).
            case stripped
            /// A signature structure is broken or inconsistent (no certificate, key mismatch, algorithm
            /// lists that differ, SDK ranges, signers that differ between schemes).
            case malformed
            /// Only algorithms the platform range cannot check.
            case unsupportedAlgorithm = "unsupported-algorithm"
        }

        /// `v1`, `v2`, `v3`, `v3.1`, or `apk` for the package as a whole.
        public var scheme: String
        public var reason: Reason
        /// apksigner-like text, in English: a fact of the package, not a report message.
        public var message: String

        public init(_ scheme: String, _ reason: Reason, _ message: String) {
            self.scheme = scheme
            self.reason = reason
            self.message = message
        }

        public var description: String { "\(scheme): \(message) [\(reason.rawValue)]" }
    }

    /// A `<meta-data>` element of the manifest's `<application>`.
    public struct MetaData: Codable, Sendable, Equatable {
        public var name: String
        /// The literal or resolved value; resource references are given as `@0x7f0b0001` when unresolved.
        public var value: String?
        /// `android:resource` reference, if any, as `@0x7f...`.
        public var resource: String?
        public init(name: String, value: String? = nil, resource: String? = nil) {
            self.name = name
            self.value = value
            self.resource = resource
        }
    }
}

/// A signing or provisioning profile: who may sign what (HarmonyOS profile, iOS provisioning).
public struct SigningProfile: Codable, Sendable, Equatable {
    /// Where it was read: `hap-signing-block:profile`, `Payload/X.app/embedded.mobileprovision`.
    public var source: String
    /// `debug`/`release` (HarmonyOS `type`), `development`/`distribution` (iOS, from the entitlements).
    public var type: String?
    /// HarmonyOS `bundle-info.bundle-name`; iOS: the application identifier without its team prefix.
    public var bundleName: String?
    /// HarmonyOS `bundle-info.app-identifier`; iOS `application-identifier` entitlement.
    public var appIdentifier: String?
    /// HarmonyOS `bundle-info.developer-id`; iOS `TeamIdentifier`.
    public var teamIdentifier: String?
    /// iOS `TeamName`; HarmonyOS `issuer`.
    public var teamName: String?
    /// iOS `ExpirationDate`; HarmonyOS `validity.not-after` (ISO 8601 date, UTC).
    public var expires: String?
    /// SHA-256 of the certificates the profile names (HarmonyOS `bundle-info.distribution-certificate`
    /// or `development-certificate`; iOS `DeveloperCertificates`), lower-case hex.
    public var certificateSha256: [String]

    public init(
        source: String, type: String? = nil, bundleName: String? = nil, appIdentifier: String? = nil,
        teamIdentifier: String? = nil, teamName: String? = nil, expires: String? = nil, certificateSha256: [String] = []
    ) {
        self.source = source
        self.type = type
        self.bundleName = bundleName
        self.appIdentifier = appIdentifier
        self.teamIdentifier = teamIdentifier
        self.teamName = teamName
        self.expires = expires
        self.certificateSha256 = certificateSha256
    }
}

/// One part of an app read as a whole (a split, a HAP of an APP pack, an iOS plug-in).
public struct Component: Codable, Sendable, Equatable {
    /// Entry path inside the package (`splits/base-master.apk`, `entry-default.hap`, `Payload/X.app/PlugIns/Y.appex`).
    public var path: String
    /// `base`, `split`, `hap`, `hsp`, `plugin`, `framework`, `watch`.
    public var role: String
    /// The part's own identifier (split's package, HAP's bundle name, plug-in's Bundle ID).
    public var package: String?
    /// Split name, HAP module name, or the plug-in's display name.
    public var name: String?
    /// SHA-256 of the part's signer certificates, lower-case hex.
    public var signerSha256: [String]

    public init(path: String, role: String, package: String? = nil, name: String? = nil, signerSha256: [String] = []) {
        self.path = path
        self.role = role
        self.package = package
        self.name = name
        self.signerSha256 = signerSha256
    }
}

/// A filing number found inside an app package, with every place it was found.
///
/// Look-alikes (website filings, licences, police filings) are kept with their `kind` so a
/// report can show them; only `kind == .app` with `valid` is a usable app filing number.
public struct EmbeddedFilingNumber: Codable, Sendable, Equatable {
    /// One place the number was found.
    public struct Occurrence: Codable, Sendable, Equatable, Hashable {
        /// Entry path in the package, plus what inside it: `resources.arsc:string/icp_number`,
        /// `AndroidManifest.xml:meta-data/icp_number`, `classes.dex`, `lib/arm64-v8a/libx.so`.
        public var source: String
        /// The text as written there.
        public var raw: String

        public init(source: String, raw: String) {
            self.source = source
            self.raw = raw
        }
    }

    public var canonical: String
    public var kind: FilingNumber.Kind
    /// An app filing number whose only problems are cosmetic.
    public var valid: Bool
    /// The text at the first occurrence.
    public var raw: String
    /// What was wrong, over every occurrence.
    public var problems: [FilingNumber.Problem]
    public var sources: [Occurrence]

    public init(
        canonical: String, kind: FilingNumber.Kind, valid: Bool, raw: String, problems: [FilingNumber.Problem],
        sources: [Occurrence]
    ) {
        self.canonical = canonical
        self.kind = kind
        self.valid = valid
        self.raw = raw
        self.problems = problems
        self.sources = sources
    }
}

/// One signer certificate as a scheme presents it.
public struct Signer: Codable, Sendable, Equatable, Hashable {
    /// `v1`, `v2`, `v3`, `v3.1`, `hap`, `codesign` or `rpk` (see `AppRecord.signatureSchemes`).
    public var scheme: String
    public var subject: String
    public var issuer: String
    public var serialNumber: String
    public var md5: String
    public var sha1: String
    public var sha256: String
    /// `RSA`, `EC`, `DSA`, `Ed25519`, ...
    public var publicKeyAlgorithm: String
    public var publicKeyBits: Int
    /// SHA-256 of the DER SubjectPublicKeyInfo.
    public var publicKeySha256: String
    public var rsaModulusHex: String?
    public var rsaModulusDecimal: String?
    /// SDK range the signer applies to (v3/v3.1; `nil` for v1/v2).
    public var minSdk: Int?
    public var maxSdk: Int?

    public init(
        scheme: String, subject: String, issuer: String, serialNumber: String, md5: String, sha1: String,
        sha256: String, publicKeyAlgorithm: String, publicKeyBits: Int, publicKeySha256: String,
        rsaModulusHex: String?, rsaModulusDecimal: String?, minSdk: Int? = nil, maxSdk: Int? = nil
    ) {
        self.scheme = scheme
        self.subject = subject
        self.issuer = issuer
        self.serialNumber = serialNumber
        self.md5 = md5
        self.sha1 = sha1
        self.sha256 = sha256
        self.publicKeyAlgorithm = publicKeyAlgorithm
        self.publicKeyBits = publicKeyBits
        self.publicKeySha256 = publicKeySha256
        self.rsaModulusHex = rsaModulusHex
        self.rsaModulusDecimal = rsaModulusDecimal
        self.minSdk = minSdk
        self.maxSdk = maxSdk
    }
}

// Optional fields are written as explicit `null` so that consumers see every key of the contract.
extension AppRecord {
    enum CodingKeys: String, CodingKey {
        case location, kind, platform, size, package, versionCode, versionName, build, minSdk, targetSdk, minSdkCodename, label,
            labels, permissions, usesInternet, metaData, filingNumbers, filingSystemLinks, signatureSchemes, signers, profile, components, verified,
            verificationFailure, warnings, errors
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(location, forKey: .location)
        try c.encode(kind, forKey: .kind)
        try c.encode(platform, forKey: .platform)
        try c.encode(size, forKey: .size)
        try c.encode(package, forKey: .package)
        try c.encode(versionCode, forKey: .versionCode)
        try c.encode(versionName, forKey: .versionName)
        try c.encode(build, forKey: .build)
        try c.encode(minSdk, forKey: .minSdk)
        try c.encode(targetSdk, forKey: .targetSdk)
        try c.encodeIfPresent(minSdkCodename, forKey: .minSdkCodename)
        try c.encode(label, forKey: .label)
        try c.encode(labels, forKey: .labels)
        try c.encode(permissions, forKey: .permissions)
        try c.encode(usesInternet, forKey: .usesInternet)
        try c.encode(metaData, forKey: .metaData)
        try c.encode(filingNumbers, forKey: .filingNumbers)
        try c.encode(filingSystemLinks, forKey: .filingSystemLinks)
        try c.encode(signatureSchemes, forKey: .signatureSchemes)
        try c.encode(signers, forKey: .signers)
        try c.encode(profile, forKey: .profile)
        try c.encode(components, forKey: .components)
        try c.encode(verified, forKey: .verified)
        try c.encode(verificationFailure, forKey: .verificationFailure)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(errors, forKey: .errors)
    }
}

extension Signer {
    enum CodingKeys: String, CodingKey {
        case scheme, subject, issuer, serialNumber, md5, sha1, sha256, publicKeyAlgorithm, publicKeyBits,
            publicKeySha256, rsaModulusHex, rsaModulusDecimal, minSdk, maxSdk
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scheme, forKey: .scheme)
        try c.encode(subject, forKey: .subject)
        try c.encode(issuer, forKey: .issuer)
        try c.encode(serialNumber, forKey: .serialNumber)
        try c.encode(md5, forKey: .md5)
        try c.encode(sha1, forKey: .sha1)
        try c.encode(sha256, forKey: .sha256)
        try c.encode(publicKeyAlgorithm, forKey: .publicKeyAlgorithm)
        try c.encode(publicKeyBits, forKey: .publicKeyBits)
        try c.encode(publicKeySha256, forKey: .publicKeySha256)
        try c.encode(rsaModulusHex, forKey: .rsaModulusHex)
        try c.encode(rsaModulusDecimal, forKey: .rsaModulusDecimal)
        try c.encode(minSdk, forKey: .minSdk)
        try c.encode(maxSdk, forKey: .maxSdk)
    }
}

/// Why a package's signatures do not verify (`AppRecord.verificationFailure`).
public typealias VerificationFailure = AppRecord.VerificationFailure
