import PresetScanCore

extension HAP {
    /// What a HAP's module descriptor says: stage model `module.json` or FA model `config.json`
    /// (OpenHarmony bundle manager: `app` and `module` objects, FA `module.distro`).
    public struct ModuleInfo: Sendable, Equatable {
        public enum Model: String, Sendable { case stage, fa }

        public var model: Model
        /// `app.bundleName`.
        public var bundleName: String?
        /// Stage `app.versionCode`; FA `app.version.code`.
        public var versionCode: UInt64?
        /// Stage `app.versionName`; FA `app.version.name`.
        public var versionName: String?
        /// Stage `module.name`; FA `module.distro.moduleName`.
        public var moduleName: String?
        /// Stage `module.type`; FA `module.distro.moduleType` (`entry`, `feature`, `shared`, `har`).
        public var moduleType: String?
        /// The label the app is shown with, most specific last tried: `app.label`, then the main
        /// ability's, then the module's; a literal or a `$string:name` reference.
        public var labelCandidates: [Label]
        /// Stage `module.requestPermissions[].name`; FA `module.reqPermissions[].name`.
        public var permissions: [String]

        /// A label as written, with the resource id the build tools added beside it (`labelId`).
        public struct Label: Sendable, Equatable {
            public var text: String
            public var id: UInt32?
            /// Where it was read (`app.label`, `module.abilities[EntryAbility].label`).
            public var origin: String
        }

        /// A shared module is an HSP.
        public var isShared: Bool { moduleType == "shared" }

        /// Reads a stage-model `module.json`.
        public static func stage(_ bytes: [UInt8]) throws -> ModuleInfo {
            let root = try HAP.jsonObject(bytes)
            let app = JSONValue.object(root["app"]) ?? [:]
            let module = JSONValue.object(root["module"]) ?? [:]
            var info = ModuleInfo(
                model: .stage, bundleName: JSONValue.string(app["bundleName"]),
                versionCode: JSONValue.unsigned(app["versionCode"]), versionName: JSONValue.string(app["versionName"]),
                moduleName: JSONValue.string(module["name"]), moduleType: JSONValue.string(module["type"]),
                labelCandidates: [], permissions: permissionNames(module["requestPermissions"]))
            info.addLabel(app, "app.label")
            let main = JSONValue.string(module["mainElement"])
            let abilities = JSONValue.array(module["abilities"]).compactMap(JSONValue.object)
            if let ability = abilities.first(where: { JSONValue.string($0["name"]) == main }) ?? abilities.first {
                info.addLabel(ability, "module.abilities[\(JSONValue.string(ability["name"]) ?? "")].label")
            }
            info.addLabel(module, "module.label")
            return info
        }

        /// Reads an FA-model `config.json`.
        public static func fa(_ bytes: [UInt8]) throws -> ModuleInfo {
            let root = try HAP.jsonObject(bytes)
            let app = JSONValue.object(root["app"]) ?? [:]
            let version = JSONValue.object(app["version"]) ?? [:]
            let module = JSONValue.object(root["module"]) ?? [:]
            let distro = JSONValue.object(module["distro"]) ?? [:]
            var info = ModuleInfo(
                model: .fa, bundleName: JSONValue.string(app["bundleName"]),
                versionCode: JSONValue.unsigned(version["code"]), versionName: JSONValue.string(version["name"]),
                moduleName: JSONValue.string(distro["moduleName"]), moduleType: JSONValue.string(distro["moduleType"]),
                labelCandidates: [], permissions: permissionNames(module["reqPermissions"]))
            info.addLabel(app, "app.label")
            let main = JSONValue.string(module["mainAbility"])
            let abilities = JSONValue.array(module["abilities"]).compactMap(JSONValue.object)
            if let ability = abilities.first(where: { JSONValue.string($0["name"]) == main })
                ?? abilities.first(where: { JSONValue.string($0["label"]) != nil })
            {
                info.addLabel(ability, "module.abilities[\(JSONValue.string(ability["name"]) ?? "")].label")
            }
            info.addLabel(module, "module.label")
            return info
        }

        private mutating func addLabel(_ object: [String: Any], _ origin: String) {
            guard let text = JSONValue.string(object["label"]) else { return }
            let id = JSONValue.unsigned(object["labelId"]).flatMap { UInt32(exactly: $0) }
            labelCandidates.append(Label(text: text, id: id, origin: origin))
        }

        /// `[{ "name": ... }]`, capped, names deduplicated in order.
        private static func permissionNames(_ value: Any?) -> [String] {
            var seen: Set<String> = []
            var names: [String] = []
            for item in JSONValue.array(value).prefix(4096) {
                let name = JSONValue.string(JSONValue.object(item)?["name"]) ?? JSONValue.string(item)
                if let name, seen.insert(name).inserted { names.append(name) }
            }
            return names
        }
    }

    /// `pack.info`: the packing tool's summary of a bundle (`summary.app`, `summary.modules`,
    /// `packages`), in every HAP and at the root of an APP pack.
    public struct PackInfo: Sendable, Equatable {
        public struct Package: Sendable, Equatable {
            /// The file name without its suffix (`entry-default`).
            public var name: String
            public var moduleType: String?
        }

        public var bundleName: String?
        public var versionCode: UInt64?
        public var versionName: String?
        public var packages: [Package]

        public init(_ bytes: [UInt8]) throws {
            let root = try HAP.jsonObject(bytes)
            let summary = JSONValue.object(root["summary"]) ?? [:]
            let app = JSONValue.object(summary["app"]) ?? [:]
            let version = JSONValue.object(app["version"]) ?? [:]
            bundleName = JSONValue.string(app["bundleName"])
            versionCode = JSONValue.unsigned(version["code"])
            versionName = JSONValue.string(version["name"])
            packages = JSONValue.array(root["packages"]).prefix(4096).compactMap { item in
                guard let object = JSONValue.object(item), let name = JSONValue.string(object["name"]) else { return nil }
                return Package(name: name, moduleType: JSONValue.string(object["moduleType"]))
            }
        }
    }
}
