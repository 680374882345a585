import PresetScanCore
import PresetScanCrypto

extension IPA {
    /// `embedded.mobileprovision`: a CMS SignedData (signed by Apple) whose encapsulated content is
    /// an XML property list with `Entitlements`, `TeamIdentifier`, `TeamName`, `ExpirationDate`,
    /// `DeveloperCertificates` and, for development and ad hoc profiles, `ProvisionedDevices`.
    enum ProvisioningProfile {
        static let fileName = "embedded.mobileprovision"
        static let maxBytes = 4 << 20

        /// The profile as a record shows it; `source` is the entry path.
        static func read(_ der: [UInt8], source: String) throws -> SigningProfile {
            let contents = try PKCS7.contents(der: der)
            guard let content = contents.content, !content.isEmpty else {
                throw ParseError("provisioning profile", at: 0, "the CMS SignedData has no encapsulated content")
            }
            let plist = try PropertyList.parse(content)
            guard plist.dictionary != nil else {
                throw ParseError("provisioning profile", at: 0, "the content is not a property-list dictionary")
            }
            let entitlements = plist["Entitlements"]
            let appIdentifier = entitlements?["application-identifier"]?.string
            // Development profiles allow debugging; a device list means the app runs only on
            // those devices (development and ad hoc), so both count as development here.
            let development = entitlements?["get-task-allow"]?.bool == true || plist["ProvisionedDevices"]?.array != nil
            var profile = SigningProfile(source: source, type: development ? "development" : "distribution")
            profile.appIdentifier = appIdentifier
            profile.bundleName = appIdentifier.map(withoutTeamPrefix)
            profile.teamIdentifier = plist["TeamIdentifier"]?.array?.first?.string
            profile.teamName = plist["TeamName"]?.string
            if case .date(let time)? = plist["ExpirationDate"] {
                profile.expires = PropertyList.isoString(absoluteTime: time)
            }
            profile.certificateSha256 = (plist["DeveloperCertificates"]?.array ?? []).prefix(PKCS7.maxCertificates)
                .compactMap(\.data).map { Digest.sha256($0).hexString }
            return profile
        }

        /// `ABCDE12345.com.example.app` → `com.example.app`: the identifier after its team (App ID) prefix.
        static func withoutTeamPrefix(_ identifier: String) -> String {
            guard let dot = identifier.firstIndex(of: ".") else { return identifier }
            return String(identifier[identifier.index(after: dot)...])
        }

        /// Whether the profile's bundle part (`com.example.app`, `com.example.*`, `*`) covers `bundleID`.
        static func covers(_ pattern: String, bundleID: String) -> Bool {
            if pattern == "*" || pattern == bundleID { return true }
            guard pattern.hasSuffix("*") else { return false }
            return bundleID.hasPrefix(pattern.dropLast())
        }
    }
}
