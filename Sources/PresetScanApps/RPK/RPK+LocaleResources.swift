import PresetScanCore
import PresetScanUnpack

extension RPK {
    /// The `i18n/<locale>.json` resources of a quick app (framework docs "多语言支持"; hapjs
    /// `LocaleResourcesParser`) and the lookup of `${message.a.b[0]}` templates in them.
    ///
    /// A device set to `zh-CN` looks in `zh-CN`, then `zh`, then every `zh-*` (sorted, case
    /// ignored), then `defaults`; the first file that has the path gives the text.
    struct LocaleResources {
        /// Locale name (the file name without `.json`) → the file's top-level object.
        var files: [String: [String: JSON]] = [:]
        var warnings: [Diagnostic] = []

        static let directory = "i18n/"
        static let defaultsName = "defaults"
        /// Files beyond this many, or beyond `maxTotalBytes` together, are not read; larger files are skipped.
        static let maxFiles = 256
        static let maxFileBytes = 4 << 20
        static let maxTotalBytes = 32 << 20

        init() {}

        init(archive: ZipArchive) {
            var count = 0
            var total = 0
            for entry in archive.entries where Self.localeName(of: entry.name) != nil {
                guard let name = Self.localeName(of: entry.name), files[name] == nil else { continue }
                count += 1
                guard count <= Self.maxFiles, entry.uncompressedSize <= UInt64(Self.maxTotalBytes - total) else {
                    warnings.append(Diagnostic(
                        .warning, "rpk.i18n-limit",
                        "more than \(Self.maxFiles) files or \(Self.maxTotalBytes) bytes under i18n/; \(entry.debugName) and the rest are not read"))
                    break
                }
                do {
                    let bytes = try archive.data(of: entry, maxBytes: Self.maxFileBytes)
                    total += bytes.count
                    files[name] = try JSON.object(from: bytes)
                } catch {
                    warnings.append(Diagnostic(.warning, "rpk.i18n-unreadable", "\(entry.debugName): \(error)"))
                }
            }
        }

        /// `i18n/zh-CN.json` → `zh-CN`; nil for anything else (sub-folders included, as the runtime lists one level).
        static func localeName(of path: String) -> String? {
            guard path.hasPrefix(directory), path.hasSuffix(".json") else { return nil }
            let name = path.dropFirst(directory.count).dropLast(".json".count)
            guard !name.isEmpty, !name.contains("/") else { return nil }
            return String(name)
        }

        /// The locales a device can be set to that these files name (every file but `defaults`), sorted.
        var locales: [String] {
            files.keys.filter { $0 != Self.defaultsName }.sorted()
        }

        /// Files in the order the runtime consults them for a device set to `locale` (`zh-CN`, `en`;
        /// empty: no language, only `defaults`).
        func chain(for locale: String) -> [[String: JSON]] {
            var names: [String] = []
            let parts = locale.split(separator: "-", maxSplits: 1).map(String.init)
            if let language = parts.first, !language.isEmpty {
                let full = language + "-" + (parts.count > 1 ? parts[1] : "")
                if files[full] != nil { names.append(full) }
                if files[language] != nil { names.append(language) }
                let sameLanguage = files.keys.filter { $0.hasPrefix(language + "-") }
                    .sorted { ($0.lowercased(), $0) < ($1.lowercased(), $1) }
                names += sameLanguage
            }
            if files[Self.defaultsName] != nil { names.append(Self.defaultsName) }
            var seen: Set<String> = []
            return names.filter { seen.insert($0).inserted }.compactMap { files[$0] }
        }

        /// `text` with each `${message.…}` replaced as a device set to `locale` shows it; nil when
        /// a template finds no text (the runtime would then show the bare expression).
        func resolve(_ text: String, locale: String) -> String? {
            let resources = chain(for: locale)
            var out = ""
            var rest = Substring(text)
            while let open = rest.range(of: "${") {
                guard let close = rest[open.upperBound...].firstIndex(of: "}"), close > open.upperBound else { break }
                out += rest[..<open.lowerBound]
                let expression = String(rest[open.upperBound..<close])
                guard let value = resources.lazy.compactMap({ Self.lookup(expression, in: $0) }).first else { return nil }
                out += value
                rest = rest[rest.index(after: close)...]
            }
            return out + rest
        }

        /// `message.a.b[1]` in one file: the first part must be `message`, the last must name a string.
        static func lookup(_ expression: String, in root: [String: JSON]) -> String? {
            let tokens = expression.split(separator: ".", omittingEmptySubsequences: false)
            guard tokens.first == "message", tokens.count <= 64 else { return nil }
            var node = JSON.object(root)
            for token in tokens {
                guard let (key, indexes) = parse(token) else { return nil }
                guard let next = node[key] else { return nil }
                node = next
                for index in indexes {
                    guard case .array(let items) = node, index < items.count else { return nil }
                    node = items[index]
                }
            }
            return node.scalarText
        }

        /// `titles[0][2]` → (`titles`, [0, 2]).
        private static func parse(_ token: Substring) -> (String, [Int])? {
            guard let bracket = token.firstIndex(of: "[") else { return (String(token), []) }
            var indexes: [Int] = []
            var rest = token[bracket...]
            while rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"), let n = Int(rest[rest.index(after: rest.startIndex)..<close]),
                    n >= 0, indexes.count < 16
                else { return nil }
                indexes.append(n)
                rest = rest[rest.index(after: close)...]
            }
            guard rest.isEmpty else { return nil }
            return (String(token[..<bracket]), indexes)
        }
    }
}
