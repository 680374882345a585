import PresetScanCore
import PresetScanFiling

extension HAP {
    /// Extensions of media a raw file is not searched in: pictures, sound, video, fonts.
    static let mediaExtensions: Set<String> = [
        "png", "jpg", "jpeg", "gif", "webp", "bmp", "svg", "ico", "heic", "mp3", "mp4", "m4a", "aac", "wav", "ogg", "flac",
        "amr", "3gp", "webm", "mkv", "avi", "mov", "ttf", "otf", "woff", "woff2",
    ]

    /// Which entries of a HAP the filing search reads, and how (all as bytes, UTF-8 and UTF-16LE):
    /// Ark bytecode (`*.abc`, whose strings are MUTF-8), native libraries (`libs/<abi>/*.so`), the
    /// module descriptors, raw files (`resources/rawfile/**`, FA `assets/<module>/resources/rawfile/**`,
    /// media excepted), and text files under `resources/` and `assets/` (FA JavaScript pages).
    /// `resources.index` is not here: it is decoded (`searchResourceIndex`).
    static func filingKind(of name: String) -> FilingSearch.EntryKind? {
        guard !name.hasSuffix("/") else { return nil }
        let lower = name.lowercased()
        let base = lower[(lower.lastIndex(of: "/").map { lower.index(after: $0) } ?? lower.startIndex)...]
        let ext = base.lastIndex(of: ".").map { String(base[base.index(after: $0)...]) } ?? ""
        if ext == "abc" { return .textAsset }
        if lower.hasPrefix("libs/"), ext == "so" { return .nativeLibrary }
        if name == "module.json" || name == "config.json" { return .textAsset }
        guard lower.hasPrefix("resources/") || lower.hasPrefix("assets/") else { return nil }
        if lower.contains("/rawfile/") { return mediaExtensions.contains(ext) ? nil : .textAsset }
        return FilingSearch.textAssetExtensions.contains(ext) ? .textAsset : nil
    }
}

extension FilingSearch {
    /// Searches a decoded resources.index: every text value of string, string-array and plural
    /// resources, named `resources.index:<type>/<name>` (`[zh-CN]` for a qualified config). The
    /// caller scans the bytes first (`matches`), so an index without a number is never decoded.
    mutating func searchResourceIndex(_ index: HAP.ResourceIndex?, matches: [FilingScanner.Match], entry: String) {
        guard let index else {
            // Unreadable index: the bytes still say what is there.
            for match in matches { add(match.number, source: entry) }
            return
        }
        let searched: Set<HAP.ResourceIndex.ResourceType> = [.string, .stringArray, .plurals]
        for resource in index.resources.values.sorted(by: { $0.id < $1.id }) {
            guard let type = resource.type, searched.contains(type) else { continue }
            for value in resource.values {
                let config = value.config < index.configs.count ? index.configs[value.config].key : ""
                let source = "\(entry):\(type.name)/\(resource.name)" + (config.isEmpty ? "" : "[\(config)]")
                for text in value.texts { search(text: text, source: source) }
            }
        }
    }
}
