/// The language of every text meant for a person (SPEC §8). Machine fields never follow it.
public enum Language: String, CaseIterable, Codable, Sendable {
    case en
    case zhCN = "zh-CN"

    /// The value `--lang` takes and HTML `lang` attributes carry.
    public var tag: String { rawValue }

    /// SPEC §8: `LC_ALL`, else `LANG` (POSIX order: a set `LC_ALL` wins); `zh_*` or `zh-*` → Chinese,
    /// anything else (including `C`, `POSIX` or nothing) → English.
    public static func fromEnvironment(_ environment: [String: String]) -> Language {
        for name in ["LC_ALL", "LANG"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            return value.lowercased().hasPrefix("zh") ? .zhCN : .en
        }
        return .en
    }

    /// `--lang` argument: `zh-CN`, `zh_CN`, `zh` (any case) or `en`.
    public init?(argument: String) {
        switch argument.lowercased().replacingOccurrences(of: "_", with: "-") {
        case "en", "en-us", "en-gb": self = .en
        case "zh", "zh-cn", "zh-hans", "zh-hans-cn": self = .zhCN
        default: return nil
        }
    }
}
