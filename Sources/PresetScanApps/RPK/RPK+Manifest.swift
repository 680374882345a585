import PresetScanCore

extension RPK {
    /// A quick app's `manifest.json` (Quick App Alliance framework docs, "manifest 文件"; hapjs `AppInfo`):
    /// `package`, `name`, `versionName`, `versionCode`, `minPlatformVersion`, `features`, `permissions`.
    struct Manifest {
        let root: [String: JSON]
        var package: String?
        /// The raw `name`: a literal, or a template such as `${message.appName}` resolved through `i18n/`.
        var name: String?
        var versionName: String?
        var versionCode: UInt64?
        var minPlatformVersion: String?
        /// Xiaomi Vela's replacement for `minPlatformVersion`.
        var minAPILevel: String?
        /// `features[].name`: the interfaces (`system.fetch`, `service.pay`, ...) the app may call.
        var features: [String] = []
        /// `permissions[].name` (Vela `hapjs.permission.*`); entries without a name (`{"origin": "*"}`) are skipped.
        var permissions: [String] = []
        var warnings: [Diagnostic] = []

        /// Entries beyond this many in `features` or `permissions` are not read.
        static let maxListItems = 4096

        init(_ root: [String: JSON]) {
            self.root = root
            if let value = root["package"] {
                if let s = value.string, !s.isEmpty {
                    package = s
                } else {
                    warnings.append(Diagnostic(.warning, "rpk.bad-field", "manifest.json: package is not a non-empty string"))
                }
            }
            if let value = root["name"] {
                name = value.scalarText
                if name == nil { warnings.append(Diagnostic(.warning, "rpk.bad-field", "manifest.json: name is not a string")) }
            }
            versionName = root["versionName"]?.scalarText
            switch root["versionCode"] {
            case .integer(let n)? where n >= 0:
                versionCode = UInt64(n)
            case .string(let s)? where UInt64(s) != nil:
                // hapjs reads it with optInt, which accepts a numeric string.
                versionCode = UInt64(s)
            case nil:
                break
            case let other?:
                warnings.append(Diagnostic(.warning, "rpk.bad-field", "manifest.json: versionCode \(Self.describe(other)) is not a non-negative integer"))
            }
            minPlatformVersion = root["minPlatformVersion"]?.scalarText
            minAPILevel = root["minAPILevel"]?.scalarText
            features = names(in: root["features"], field: "features")
            permissions = names(in: root["permissions"], field: "permissions")
        }

        /// `[{"name": "x"}, ...]` (or plain strings) → the names, once each, in order.
        private mutating func names(in value: JSON?, field: String) -> [String] {
            guard let value else { return [] }
            guard case .array(let items) = value else {
                warnings.append(Diagnostic(.warning, "rpk.bad-field", "manifest.json: \(field) is not an array"))
                return []
            }
            if items.count > Self.maxListItems {
                warnings.append(Diagnostic(.warning, "rpk.bad-field", "manifest.json: \(field) has \(items.count) items; the first \(Self.maxListItems) are read"))
            }
            var seen: Set<String> = []
            var out: [String] = []
            for item in items.prefix(Self.maxListItems) {
                guard let name = item.string ?? item["name"]?.string, !name.isEmpty else { continue }
                if seen.insert(name).inserted { out.append(name) }
            }
            return out
        }

        private static func describe(_ value: JSON) -> String {
            switch value {
            case .string(let s): "\"\(s.prefix(40))\""
            case .number(let d): "\(d)"
            case .integer(let n): "\(n)"
            case .bool(let b): "\(b)"
            case .null: "null"
            case .array: "(an array)"
            case .object: "(an object)"
            }
        }

        /// Whether `feature` lets the app reach the network: the interfaces of the framework's
        /// "网络访问" group (fetch, request, requesttask, uploadtask, downloadtask, websocketfactory),
        /// `system.webview` (opens web pages) and vendor or third-party services (`service.*`: push,
        /// pay, account, ad, stats, share, ...), which talk to their servers. `system.network` only
        /// reads the connection state, and `service.exchange` is on-device data exchange.
        static func isNetworkFeature(_ feature: String) -> Bool {
            if networkFeatures.contains(feature) { return true }
            return feature.hasPrefix("service.") && feature != "service.exchange"
        }

        static let networkFeatures: Set<String> = [
            "system.fetch", "system.request", "system.requesttask", "system.uploadtask", "system.downloadtask",
            "system.websocketfactory", "system.websocket", "system.webview", "system.push",
        ]
    }
}
