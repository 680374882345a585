import Foundation
import PresetScanApps
import PresetScanCore

/// `{"packages": [...], "diagnostics": [...], "complete": bool}`, keys sorted, pretty-printed; each package
/// with its identity (kind, platform, package, versions, build), size, `sha256` (with `--hash`),
/// signing `profile`, `components`, `filingNumbers` and `errors`.
public struct JSONListReporter: ListReporter {
    public static let format = "json"

    public init() {}

    struct Package: Encodable {
        var location: Location
        var kind: String
        var platform: Platform
        var package: String?
        var versionCode: UInt64?
        var versionName: String?
        /// iOS `CFBundleVersion`.
        var build: String?
        var size: UInt64
        var sha256: String?
        /// HarmonyOS signing profile or iOS provisioning profile; null when there is none.
        var profile: SigningProfile?
        /// Splits, HAPs of an APP pack, an IPA's plug-ins and frameworks.
        var components: [Component]
        /// Filing numbers and look-alikes the package displays (empty with `--no-filing-search`).
        var filingNumbers: [EmbeddedFilingNumber]
        var errors: [Diagnostic]

        init(_ package: ListReport.Package) {
            let r = package.record
            location = r.location
            kind = r.kind
            platform = r.platform
            self.package = r.package
            versionCode = r.versionCode
            versionName = r.versionName
            build = r.build
            size = r.size
            sha256 = package.sha256
            profile = r.profile
            components = r.components
            filingNumbers = r.filingNumbers
            errors = r.errors
        }

        // Optional keys are written as null, as in `inspect`, so that every key is always there.
        func encode(to encoder: any Encoder) throws {
            enum Keys: String, CodingKey {
                case location, kind, platform, package, versionCode, versionName, build, size, sha256, profile, components,
                    filingNumbers, errors
            }
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(location, forKey: .location)
            try c.encode(kind, forKey: .kind)
            try c.encode(platform, forKey: .platform)
            try c.encode(self.package, forKey: .package)
            try c.encode(versionCode, forKey: .versionCode)
            try c.encode(versionName, forKey: .versionName)
            try c.encode(build, forKey: .build)
            try c.encode(size, forKey: .size)
            try c.encodeIfPresent(sha256, forKey: .sha256)
            try c.encode(profile, forKey: .profile)
            try c.encode(components, forKey: .components)
            try c.encode(filingNumbers, forKey: .filingNumbers)
            try c.encode(errors, forKey: .errors)
        }
    }

    struct Document: Encodable {
        var packages: [Package]
        var diagnostics: [Diagnostic]
        var complete: Bool
    }

    public func render(_ report: ListReport) throws -> String {
        let doc = Document(
            packages: report.packages.map(Package.init),
            diagnostics: report.diagnostics, complete: !report.isIncomplete)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(doc), as: UTF8.self) + "\n"
    }
}
