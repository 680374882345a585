import PresetScanCore

extension HAP {
    /// `resources.index`, the compiled resource table restool writes and the global resource
    /// manager reads (OpenHarmony global_resource_management `res_desc.h`, `hap_parser` v1 and v2;
    /// developtools_global_resource_tool `resource_table.cpp`).
    ///
    /// Two layouts, told apart by the header's version text (`IsNewModule`: first word `Restool`
    /// is v1, anything else, `RestoolV2 ...`, is v2). All integers are little-endian.
    ///
    /// v1: `char version[128]; u32 length; u32 keyCount`, then `keyCount` limit-key configs
    /// (`"KEYS"`, u32 offset of its id set, u32 param count, `{u32 type, u32 value}`...), each id
    /// set (`"IDSS"`, u32 count, `{u32 id, u32 item offset}`...) and the items (`u32 size, u32
    /// resType, u32 id`, value, name; a string is `u16 length` counting its NUL, the bytes, NUL).
    ///
    /// v2: `char version[128]; u32 length; u32 keyCount; u32 dataBlockOffset`, the configs
    /// (`"KEYS"`, u32 config id, u32 param count, params), the id set (`"IDSS"`, u32 length, u32 type
    /// count, u32 id count; per type `u32 type, u32 length, u32 count`, then `u32 id, u32 resInfo
    /// offset, u32 name length, name`), the data block (per resource `u32 id, u32 length, u32 value
    /// count, {u32 config id, u32 value offset}...`) and the pool (`u16 length`, bytes).
    ///
    /// Parsing is bounded: counts are capped, every offset is checked, and a broken id set or item
    /// loses only itself (a warning), not the table.
    public struct ResourceIndex: Sendable {
        /// `KeyType` in `res_common.h`.
        enum KeyType: UInt32 {
            case language = 0, region = 1, screenDensity = 2, direction = 3, deviceType = 4, script = 5,
                colorMode = 6, mcc = 7, mnc = 8, inputDevice = 10
        }

        /// `ResType` values whose items hold text (`res_common.h`).
        public enum ResourceType: UInt32, Sendable {
            case integer = 8, string = 9, stringArray = 10, integerArray = 11, boolean = 12, color = 14,
                theme = 16, plurals = 17, float = 18, media = 19, profile = 20, pattern = 22, symbol = 23

            /// Types whose value is a list of strings (`IdItem::IsArrayOfType`).
            var isArray: Bool { [.stringArray, .integerArray, .theme, .plurals, .pattern].contains(self) }

            /// The name a reference uses (`$string:...`), and the one sources are named with.
            var name: String {
                switch self {
                case .integer: "integer"
                case .string: "string"
                case .stringArray: "strarray"
                case .integerArray: "intarray"
                case .boolean: "boolean"
                case .color: "color"
                case .theme: "theme"
                case .plurals: "plural"
                case .float: "float"
                case .media: "media"
                case .profile: "profile"
                case .pattern: "pattern"
                case .symbol: "symbol"
                }
            }
        }

        /// One limit-key config (a qualifier directory such as `zh_CN`, `en_US-phone`, `dark`).
        public struct Config: Sendable, Equatable {
            public var language: String?
            public var script: String?
            public var region: String?
            /// Every other qualifier as its folder text (`phone`, `dark`, `xldpi`, `mcc460`).
            public var others: [String]

            /// BCP-47 style, `language[-Script][-REGION]`; nil without a language.
            public var localeKey: String? {
                guard let language else { return nil }
                return ([language] + [script, region].compactMap { $0 }).joined(separator: "-")
            }

            /// No qualifier at all: the `base` directory.
            public var isBase: Bool { language == nil && script == nil && region == nil && others.isEmpty }

            /// How a source names the config: `zh-CN`, `zh-CN,dark`, `dark`; empty for base.
            public var key: String {
                ([localeKey].compactMap { $0 } + others).joined(separator: ",")
            }
        }

        /// A value of a resource in one config.
        public struct Value: Sendable {
            public var config: Int
            /// One string, or the items of an array type.
            public var texts: [String]
        }

        public struct Resource: Sendable {
            public var id: UInt32
            public var type: ResourceType?
            public var rawType: UInt32
            public var name: String
            public var values: [Value]
        }

        public static let maxConfigs = 1 << 14
        public static let maxParamsPerConfig = 32
        public static let maxResources = 1 << 20
        public static let maxValues = 1 << 22
        public static let maxArrayItems = 1 << 12
        /// Warnings kept (the rest are counted in one more).
        public static let maxWarnings = 20

        /// Bytes of text decoded from one index, at most: eight times its size (offsets may point
        /// many items at the same long string), or 16 MiB for small ones.
        static func decodeBudget(forIndexOf count: Int) -> Int { max(16 << 20, count.multipliedReportingOverflow(by: 8).partialValue) }

        /// Counts the text decoded; past the budget the parse stops (a table whose offsets make
        /// every id re-read the same 64 KiB would otherwise cost gigabytes).
        final class DecodeBudget {
            var left: Int
            init(_ bytes: Int) { left = bytes }
            func take(_ count: Int) throws {
                guard count <= left else { throw LimitReached() }
                left -= count
            }
        }

        struct LimitReached: Error {}

        /// The version text of the header (`Restool 4.105`, `RestoolV2 6.1.0.003`).
        public let version: String
        public private(set) var configs: [Config] = []
        public private(set) var resources: [UInt32: Resource] = [:]
        /// Problems that lost part of the table (its id sets, items or values).
        public private(set) var warnings: [Diagnostic] = []
        private var namesByType: [UInt32: [String: UInt32]] = [:]
        private var droppedWarnings = 0

        /// Parses a whole index; throws `ParseError` when the header or the config list is unreadable.
        public init(bytes: [UInt8]) throws {
            var reader = ByteReader(bytes, structure: "resources.index header")
            let versionBytes = try reader.bytes(128)
            version = String(decoding: versionBytes.prefix { $0 != 0 }, as: UTF8.self)
            let firstWord = version.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let budget = DecodeBudget(Self.decodeBudget(forIndexOf: bytes.count))
            do {
                if firstWord == "Restool" {
                    try parseV1(bytes, &reader, budget)
                } else {
                    try parseV2(bytes, &reader, budget)
                }
            } catch is LimitReached {
                let budget = Self.decodeBudget(forIndexOf: bytes.count)
                warn("hap.resources-limit", "more than \(budget) bytes of text; the rest of the index is not read")
            }
            if droppedWarnings > 0 {
                warnings.append(Diagnostic(.warning, "hap.resources-item-unreadable", "\(droppedWarnings) more unreadable parts"))
            }
            for resource in resources.values { namesByType[resource.rawType, default: [:]][resource.name] = resource.id }
        }

        // MARK: - Lookups

        /// The resource of a type by name (`app_name`).
        public func resource(type: ResourceType, named name: String) -> Resource? {
            namesByType[type.rawValue]?[name].flatMap { resources[$0] }
        }

        /// Every locale (BCP-47 style) some config names, sorted.
        public var locales: [String] {
            Set(configs.compactMap(\.localeKey)).sorted()
        }

        /// The string value a device set to `locale` (nil: no locale match, the base config) sees:
        /// among configs with no qualifier but the locale, the one matching most of language,
        /// script and region, else base. References (`$string:16777216`, `$string:name`) are
        /// followed up to `depth` times.
        public func string(_ resource: Resource, locale: String?, depth: Int = 20) -> String? {
            var current = resource
            var seen: Set<UInt32> = [resource.id]
            for _ in 0...max(depth, 0) {
                guard let text = value(of: current, locale: locale)?.texts.first else { return nil }
                guard let target = reference(text) else { return text }
                guard seen.insert(target.id).inserted else { return nil }
                current = target
            }
            return nil
        }

        /// A `$type:id` or `$type:name` reference's target; nil when `text` is no reference to a
        /// resource in this index.
        public func reference(_ text: String) -> Resource? {
            guard text.hasPrefix("$"), let colon = text.firstIndex(of: ":") else { return nil }
            let typeName = text[text.index(after: text.startIndex)..<colon]
            let target = String(text[text.index(after: colon)...])
            guard let type = ResourceType.allNamed[String(typeName)] else { return nil }
            if let id = UInt32(target), let found = resources[id], found.rawType == type.rawValue { return found }
            return resource(type: type, named: target)
        }

        private func value(of resource: Resource, locale: String?) -> Value? {
            var best: (value: Value, score: Int)?
            var base: Value?
            let wanted = locale.map(Self.localeParts)
            for value in resource.values {
                guard value.config >= 0, value.config < configs.count else { continue }
                let config = configs[value.config]
                guard config.others.isEmpty else { continue }
                if config.isBase {
                    if base == nil { base = value }
                    continue
                }
                guard let wanted, let language = config.language, language == wanted.language else { continue }
                if let script = config.script, script != wanted.script { continue }
                if let region = config.region, region != wanted.region { continue }
                let score = 1 + (config.script != nil ? 2 : 0) + (config.region != nil ? 1 : 0)
                if best == nil || score > best!.score { best = (value, score) }
            }
            return best?.value ?? base
        }

        static func localeParts(_ key: String) -> (language: String, script: String?, region: String?) {
            let parts = key.split(separator: "-").map(String.init)
            var script: String?
            var region: String?
            for part in parts.dropFirst() {
                if part.count == 4 { script = part } else { region = part }
            }
            return (parts.first ?? "", script, region)
        }

        // MARK: - v1

        private mutating func warn(_ code: String, _ message: String) {
            guard warnings.count < Self.maxWarnings else {
                droppedWarnings += 1
                return
            }
            warnings.append(Diagnostic(.warning, code, message))
        }

        private mutating func parseV1(_ bytes: [UInt8], _ reader: inout ByteReader, _ budget: DecodeBudget) throws {
            _ = try reader.u32le()  // length: the loader trusts the buffer it read, so do we
            let keyCount = Int(try reader.u32le())
            guard keyCount > 0, keyCount <= Self.maxConfigs else {
                throw reader.error("key count \(keyCount) is outside 1...\(Self.maxConfigs)")
            }
            var idSets: [(config: Int, offset: Int)] = []
            reader.structure = "resources.index KEYS"
            for index in 0..<keyCount {
                let (config, setOffset) = try readKey(&reader, v2: false)
                configs.append(config)
                idSets.append((index, setOffset))
            }
            var items: [Int: (type: UInt32, id: UInt32, name: String, texts: [String])?] = [:]
            var valueCount = 0
            for (config, offset) in idSets {
                do {
                    var set = ByteReader(bytes, structure: "resources.index IDSS")
                    try set.seek(to: offset)
                    guard try set.bytes(4) == Array("IDSS".utf8) else { throw set.error("no IDSS tag", at: offset) }
                    let count = Int(try set.u32le())
                    guard count <= set.remaining / 8 else {
                        throw set.error("id count \(count) exceeds the \(set.remaining) bytes left")
                    }
                    for _ in 0..<count {
                        let id = try set.u32le()
                        let itemOffset = Int(try set.u32le())
                        guard valueCount < Self.maxValues else { throw set.error("more than \(Self.maxValues) values") }
                        let item: (type: UInt32, id: UInt32, name: String, texts: [String])?
                        if let cached = items[itemOffset] {
                            item = cached
                        } else {
                            do {
                                item = try Self.readItemV1(bytes, at: itemOffset, budget)
                            } catch let error as ParseError {
                                warn("hap.resources-item-unreadable", error.description)
                                item = nil
                            }
                            items[itemOffset] = item
                        }
                        guard let item else { continue }
                        try add(id: id, type: item.type, name: item.name, value: Value(config: config, texts: item.texts))
                        valueCount += 1
                    }
                } catch let error as ParseError {
                    warn("hap.resources-idset-unreadable", error.description)
                }
            }
        }

        /// `IdItem`: u32 size, u32 resType, u32 id, the value (or array), the name.
        private static func readItemV1(
            _ bytes: [UInt8], at offset: Int, _ budget: DecodeBudget
        ) throws -> (type: UInt32, id: UInt32, name: String, texts: [String]) {
            var reader = ByteReader(bytes, structure: "resources.index item")
            try reader.seek(to: offset)
            _ = try reader.u32le()
            let type = try reader.u32le()
            let id = try reader.u32le()
            let texts: [String]
            if let known = ResourceType(rawValue: type), known.isArray {
                let length = Int(try reader.u16le())
                guard length >= 1 else { throw reader.error("empty array") }
                var array = try reader.sub(at: reader.relativePosition, length: length, structure: "resources.index array")
                try reader.skip(length)
                texts = try readArray(&array, trailingNul: true, budget)
            } else {
                texts = [try readCountedString(&reader, budget)]
            }
            let name = try readCountedString(&reader, budget)
            return (type, id, name, texts)
        }

        /// `u16 length` counting the NUL, the bytes, the NUL (hap_parser `ParseString`, includeTemi).
        private static func readCountedString(_ reader: inout ByteReader, _ budget: DecodeBudget) throws -> String {
            let length = Int(try reader.u16le())
            guard length >= 1 else { throw reader.error("string length 0 has no room for its NUL") }
            guard length <= reader.remaining else { throw reader.error("string length \(length) exceeds the \(reader.remaining) bytes left") }
            try budget.take(length)
            let text = try reader.bytes(length - 1)
            try reader.skip(1)
            return decode(text)
        }

        /// Array items: `u16 length` (no NUL counted), bytes, NUL, until the window ends (v1 keeps a
        /// final NUL outside the items).
        private static func readArray(_ reader: inout ByteReader, trailingNul: Bool, _ budget: DecodeBudget) throws -> [String] {
            var texts: [String] = []
            while reader.remaining > (trailingNul ? 1 : 0) {
                guard texts.count < maxArrayItems else { throw reader.error("more than \(maxArrayItems) array items") }
                let length = Int(try reader.u16le())
                guard length <= reader.remaining else { throw reader.error("item length \(length) exceeds the \(reader.remaining) bytes left") }
                try budget.take(length + 2)
                texts.append(decode(try reader.bytes(length)))
                if !reader.isAtEnd { try reader.skip(1) }
            }
            return texts
        }

        private static func decode(_ bytes: [UInt8]) -> String {
            var slice = bytes[...]
            while slice.last == 0 { slice = slice.dropLast() }
            return String(decoding: slice, as: UTF8.self)
        }

        // MARK: - v2

        private mutating func parseV2(_ bytes: [UInt8], _ reader: inout ByteReader, _ budget: DecodeBudget) throws {
            _ = try reader.u32le()
            let keyCount = Int(try reader.u32le())
            let dataBlockOffset = Int(try reader.u32le())
            guard keyCount > 0, keyCount <= Self.maxConfigs else {
                throw reader.error("key count \(keyCount) is outside 1...\(Self.maxConfigs)")
            }
            guard dataBlockOffset <= bytes.count else {
                throw reader.error("data block offset \(dataBlockOffset) is past the \(bytes.count)-byte file")
            }
            var configIndex: [UInt32: Int] = [:]
            reader.structure = "resources.index KEYS"
            for _ in 0..<keyCount {
                let (config, id) = try readKey(&reader, v2: true)
                if configIndex[UInt32(id)] == nil { configIndex[UInt32(id)] = configs.count }
                configs.append(config)
            }
            reader.structure = "resources.index IDSS"
            guard try reader.bytes(4) == Array("IDSS".utf8) else { throw reader.error("no IDSS tag", at: reader.position - 4) }
            _ = try reader.u32le()
            let typeCount = Int(try reader.u32le())
            let idCount = Int(try reader.u32le())
            guard idCount <= Self.maxResources else { throw reader.error("id count \(idCount) over \(Self.maxResources)") }
            guard typeCount <= reader.remaining / 12 else {
                throw reader.error("type count \(typeCount) exceeds the \(reader.remaining) bytes left")
            }
            var valueCount = 0
            for _ in 0..<typeCount {
                let type = try reader.u32le()
                _ = try reader.u32le()
                let count = Int(try reader.u32le())
                guard count <= reader.remaining / 12 else {
                    throw reader.error("resource count \(count) exceeds the \(reader.remaining) bytes left")
                }
                for _ in 0..<count {
                    let id = try reader.u32le()
                    let infoOffset = Int(try reader.u32le())
                    let nameLength = Int(try reader.u32le())
                    guard nameLength <= reader.remaining else {
                        throw reader.error("name length \(nameLength) exceeds the \(reader.remaining) bytes left")
                    }
                    try budget.take(nameLength)
                    let name = Self.decode(try reader.bytes(nameLength))
                    do {
                        for value in try Self.readResInfoV2(bytes, at: infoOffset, id: id, type: type, configs: configIndex, budget) {
                            guard valueCount < Self.maxValues else {
                                throw ParseError("resources.index", at: UInt64(infoOffset), "more than \(Self.maxValues) values")
                            }
                            try add(id: id, type: type, name: name, value: value)
                            valueCount += 1
                        }
                    } catch let error as ParseError {
                        warn("hap.resources-item-unreadable", error.description)
                        if resources[id] == nil { try add(id: id, type: type, name: name, value: nil) }
                    }
                }
            }
        }

        /// `ResInfo` (u32 id, u32 length, u32 value count) and its `ConfigItem`s (u32 config id,
        /// u32 offset of `u16 length` + bytes).
        private static func readResInfoV2(
            _ bytes: [UInt8], at offset: Int, id: UInt32, type: UInt32, configs: [UInt32: Int], _ budget: DecodeBudget
        ) throws -> [Value] {
            var reader = ByteReader(bytes, structure: "resources.index ResInfo")
            try reader.seek(to: offset)
            let infoID = try reader.u32le()
            guard infoID == id else { throw reader.error("ResInfo names id \(infoID), the id set \(id)", at: offset) }
            _ = try reader.u32le()
            let count = Int(try reader.u32le())
            guard count <= reader.remaining / 8 else {
                throw reader.error("value count \(count) exceeds the \(reader.remaining) bytes left")
            }
            var values: [Value] = []
            for _ in 0..<count {
                let configID = try reader.u32le()
                let valueOffset = Int(try reader.u32le())
                guard let config = configs[configID] else { continue }
                var data = ByteReader(bytes, structure: "resources.index value")
                try data.seek(to: valueOffset)
                let length = Int(try data.u16le())
                guard length <= data.remaining else { throw data.error("value length \(length) exceeds the \(data.remaining) bytes left") }
                try budget.take(length)
                if let known = ResourceType(rawValue: type), known.isArray {
                    var array = try data.sub(at: data.relativePosition, length: length, structure: "resources.index array")
                    values.append(Value(config: config, texts: try readArray(&array, trailingNul: false, budget)))
                } else {
                    values.append(Value(config: config, texts: [decode(try data.bytes(length))]))
                }
            }
            return values
        }

        // MARK: - Shared

        /// A `KEYS` record: the config and (v1) the offset of its id set or (v2) its config id.
        private func readKey(_ reader: inout ByteReader, v2: Bool) throws -> (Config, Int) {
            let tagAt = reader.position
            guard try reader.bytes(4) == Array("KEYS".utf8) else { throw reader.error("no KEYS tag", at: tagAt) }
            let value = Int(try reader.u32le())
            let count = Int(try reader.u32le())
            guard count <= Self.maxParamsPerConfig else {
                throw reader.error("\(count) qualifiers, more than \(Self.maxParamsPerConfig)")
            }
            var config = Config(others: [])
            for _ in 0..<count {
                let type = try reader.u32le()
                let raw = try reader.u32le()
                switch KeyType(rawValue: type) {
                case .language: config.language = Self.letters(raw).lowercased()
                case .script: config.script = Self.titleCased(Self.letters(raw))
                case .region: config.region = Self.letters(raw).uppercased()
                case .screenDensity: config.others.append(Self.density(raw))
                case .direction: config.others.append(raw == 0 ? "vertical" : "horizontal")
                case .deviceType: config.others.append(Self.deviceType(raw))
                case .colorMode: config.others.append(raw == 0 ? "dark" : "light")
                case .mcc: config.others.append("mcc\(raw)")
                case .mnc: config.others.append("mnc\(raw)")
                case .inputDevice: config.others.append(raw == 0 ? "pointingdevice" : "input\(raw)")
                case nil: config.others.append("key\(type)=\(raw)")
                }
            }
            return (config, value)
        }

        /// `KeyParam::ConvertToStr`: the letters packed big-endian in the value's low bytes.
        static func letters(_ value: UInt32) -> String {
            let bytes = [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
            return String(decoding: bytes.filter { $0 != 0 }.map { $0 < 0x80 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        }

        private static func titleCased(_ text: String) -> String {
            guard let first = text.first else { return text }
            return first.uppercased() + text.dropFirst().lowercased()
        }

        private static func density(_ value: UInt32) -> String {
            switch value {
            case 120: "sdpi"
            case 160: "mdpi"
            case 240: "ldpi"
            case 320: "xldpi"
            case 480: "xxldpi"
            case 640: "xxxldpi"
            default: "density\(value)"
            }
        }

        private static func deviceType(_ value: UInt32) -> String {
            switch value {
            case 0: "phone"
            case 1: "tablet"
            case 2: "car"
            case 3: "pad"
            case 4: "tv"
            case 6: "wearable"
            case 7: "2in1"
            default: "device\(value)"
            }
        }

        private mutating func add(id: UInt32, type: UInt32, name: String, value: Value?) throws {
            if resources[id] == nil {
                guard resources.count < Self.maxResources else {
                    throw ParseError("resources.index", at: 0, "more than \(Self.maxResources) resources")
                }
                resources[id] = Resource(id: id, type: ResourceType(rawValue: type), rawType: type, name: name, values: [])
            }
            if let value { resources[id]?.values.append(value) }
        }
    }
}

extension HAP.ResourceIndex.ResourceType: CaseIterable {
    static let allNamed: [String: Self] = Dictionary(allCases.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
}
