import Foundation
import PresetScanCore

extension IPA {
    /// A bundle's `Info.plist` (Apple's Information Property List keys), the fields a record takes.
    struct InfoPlist {
        let plist: PropertyList

        var bundleIdentifier: String? { nonEmpty("CFBundleIdentifier") }
        var shortVersion: String? { nonEmpty("CFBundleShortVersionString") }
        var bundleVersion: String? { nonEmpty("CFBundleVersion") }
        var executable: String? { nonEmpty("CFBundleExecutable") }
        /// The name shown under the icon: `CFBundleDisplayName`, else `CFBundleName`.
        var displayName: String? { nonEmpty("CFBundleDisplayName") ?? nonEmpty("CFBundleName") }

        private func nonEmpty(_ key: String) -> String? {
            guard let text = plist[key]?.string, !text.isEmpty else { return nil }
            return text
        }

        /// The privacy usage descriptions present (`NSCameraUsageDescription`, ...): iOS's
        /// counterpart of requested permissions, the app must declare one to ask for the access.
        var usageDescriptionKeys: [String] {
            (plist.dictionary ?? [:]).keys.filter { $0.hasPrefix("NS") && $0.hasSuffix("UsageDescription") }.sorted()
        }

        /// Keys reported as `metaData`: the minimum OS, the executable and SDK, and any string
        /// value whose key names an ICP filing (as Android apps carry `icp_number` meta-data).
        static let metaDataKeys = ["MinimumOSVersion", "CFBundleExecutable", "DTPlatformName", "DTSDKName"]

        var metaData: [AppRecord.MetaData] {
            let entries = plist.dictionary ?? [:]
            let filingKeys = entries.keys.filter { $0.lowercased().contains("icp") && !Self.metaDataKeys.contains($0) }.sorted()
            return (Self.metaDataKeys + filingKeys).compactMap { key in
                entries[key]?.string.map { AppRecord.MetaData(name: key, value: $0) }
            }
        }
    }

    /// `zh-Hans`, `zh_CN`, `zh-Hant-HK`, `English` → the BCP-47 style keys the APK reader uses
    /// (`zh-CN`, `zh-TW`, `zh-HK`, `en`); nil for `Base`, `mul` and `und` (not one locale).
    static func localeKey(lproj name: String) -> String? {
        let legacy = ["English": "en", "French": "fr", "German": "de", "Japanese": "ja", "Spanish": "es",
                      "Italian": "it", "Dutch": "nl", "Chinese": "zh"]
        if let code = legacy[name] { return code }
        let parts = name.replacingOccurrences(of: "_", with: "-").split(separator: "-").map(String.init)
        guard let first = parts.first, !["base", "mul", "und"].contains(first.lowercased()), (2...3).contains(first.count),
            first.allSatisfy({ $0.isASCII && $0.isLetter })
        else { return nil }
        let language = first.lowercased()
        var script: String?
        var region: String?
        var rest: [String] = []
        for part in parts.dropFirst() {
            if script == nil, region == nil, part.count == 4, part.allSatisfy(\.isLetter) {
                script = part.prefix(1).uppercased() + part.dropFirst().lowercased()
            } else if region == nil, (part.count == 2 && part.allSatisfy(\.isLetter)) || (part.count == 3 && part.allSatisfy(\.isNumber)) {
                region = part.uppercased()
            } else {
                rest.append(part)
            }
        }
        if language == "zh", let s = script {
            // Simplified Chinese is shown in mainland China, Traditional in Taiwan, unless a region says otherwise.
            if region == nil { region = s == "Hans" ? "CN" : s == "Hant" ? "TW" : nil }
            if region != nil { script = nil }
        }
        return ([language] + [script, region].compactMap { $0 } + rest).joined(separator: "-")
    }
}
