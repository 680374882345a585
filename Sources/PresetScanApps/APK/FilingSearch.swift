import PresetScanCore
import PresetScanFiling
import PresetScanUnpack

/// Finds the filing numbers an APK carries: manifest meta-data values, the resources.arsc string
/// pools, text assets, dex string tables and native libraries.
///
/// Bytes are searched for the anchors first (`FilingScanner`), so entries without one cost a
/// single pass; only resources.arsc is decoded string by string, and only when it has a hit.
struct FilingSearch {
    let archive: ZipArchive
    let limits: Limits
    /// Which entries are searched and how; APK rules by default, each package kind has its own.
    let classify: (String) -> EntryKind?
    /// Put before every source this search names (`splits/base-master.apk!/`), empty for the package itself.
    let sourcePrefix: String
    /// Limits hit and entries that could not be read (codes `filing.*`).
    private(set) var warnings: [Diagnostic] = []
    private var byCanonical: [String: EmbeddedFilingNumber] = [:]
    /// Where the filing system's address (`beian.miit.gov.cn`) is written, by source.
    private var linkSources: Set<String> = []
    private var searchedBytes = 0
    private var skippedForBudget: [String] = []

    init(archive: ZipArchive, limits: Limits, sourcePrefix: String = "", classify: @escaping (String) -> EntryKind? = FilingSearch.kind(of:)) {
        self.archive = archive
        self.limits = limits
        self.sourcePrefix = sourcePrefix
        self.classify = classify
    }

    /// Searches the entries `classify` names (for package kinds without resources.arsc or a manifest).
    mutating func runEntries() {
        searchEntries()
        reportBudget()
    }

    /// Adds what a reader decoded itself (a plist value, a `module.json` string) under `source`.
    mutating func search(text: String, source: String) {
        for number in FilingScanner.find(in: text) { add(number, source: source) }
        if FilingScanner.containsFilingSystemLink(text) { addLink(source: source) }
    }

    /// Records what one `FilingScanner.scan` of `source`'s bytes found.
    mutating func add(_ scan: FilingScanner.Scan, source: String) {
        for match in scan.matches { add(match.number, source: source) }
        if !scan.linkOffsets.isEmpty { addLink(source: source) }
    }

    /// Records that `source` names the filing system.
    mutating func addLink(source: String) { linkSources.insert(sourcePrefix + source) }

    /// Where the filing system's address was found, sorted.
    var links: [String] { linkSources.sorted() }

    /// Takes the numbers another search found (a split's, a nested HAP's), their sources prefixed.
    mutating func merge(_ numbers: [EmbeddedFilingNumber], links: [String] = [], warnings other: [Diagnostic]) {
        for link in links { linkSources.insert(sourcePrefix + link) }
        for number in numbers {
            for occurrence in number.sources {
                let source = sourcePrefix + occurrence.source
                let occurrence = EmbeddedFilingNumber.Occurrence(source: source, raw: occurrence.raw)
                guard var known = byCanonical[number.canonical] else {
                    var copy = number
                    copy.sources = [occurrence]
                    byCanonical[number.canonical] = copy
                    continue
                }
                if !known.sources.contains(occurrence) { known.sources.append(occurrence) }
                let problems = Set(known.problems).union(number.problems)
                known.problems = FilingNumber.Problem.allCases.filter { problems.contains($0) }
                byCanonical[number.canonical] = known
            }
        }
        warnings += other
    }

    /// What was found, one entry per canonical form, sorted by it.
    var numbers: [EmbeddedFilingNumber] {
        byCanonical.values.sorted { $0.canonical < $1.canonical }
    }

    /// Everything: meta-data, resources, then the entries of the archive.
    mutating func run(metaData: [AppRecord.MetaData], resources: inout LazyResources) {
        for item in metaData {
            guard let value = item.value else { continue }
            search(text: value, source: "AndroidManifest.xml:meta-data/\(item.name)")
        }
        searchResources(&resources)
        searchEntries()
        reportBudget()
    }

    private mutating func reportBudget() {
        if !skippedForBudget.isEmpty {
            warnings.append(
                Diagnostic(
                    .warning, "filing.search-limit",
                    "filing-number search stopped at \(limits.maxFilingSearchPackageBytes) bytes for the package; not searched: "
                        + skippedForBudget.joined(separator: ", ")))
        }
    }

    mutating func add(_ number: FilingNumber, source: String) {
        let occurrence = EmbeddedFilingNumber.Occurrence(source: sourcePrefix + source, raw: number.raw)
        guard var known = byCanonical[number.canonical] else {
            byCanonical[number.canonical] = EmbeddedFilingNumber(
                canonical: number.canonical, kind: number.kind, valid: number.isValidAppFiling, raw: number.raw,
                problems: number.problems, sources: [occurrence])
            return
        }
        if !known.sources.contains(occurrence) { known.sources.append(occurrence) }
        let problems = Set(known.problems).union(number.problems)
        known.problems = FilingNumber.Problem.allCases.filter { problems.contains($0) }
        byCanonical[number.canonical] = known
    }

    // MARK: - resources.arsc

    /// Bytes first (those that can hold text, `ResourceTextRanges`); a string is decoded only when
    /// a match lies in it, then named by the resources using it. Matches outside the global pool
    /// (type and key names) keep the file name.
    private mutating func searchResources(_ resources: inout LazyResources) {
        guard let bytes = resources.bytes(), charge(bytes.count, "resources.arsc") else { return }
        var linked = false
        let matches = bytes.withUnsafeBytes { buffer in
            ResourceTextRanges.ranges(in: buffer).flatMap { range in
                let scan = FilingScanner.scan(inBytes: UnsafeRawBufferPointer(rebasing: buffer[range]))
                linked = linked || !scan.linkOffsets.isEmpty
                return scan.matches.map { match in
                    var match = match
                    match.offset += range.lowerBound
                    return match
                }
            }
        }
        if linked { addLink(source: "resources.arsc") }
        guard !matches.isEmpty else { return }
        guard let table = resources.table else {
            // Unreadable table: the bytes still say what is there, without resource names.
            for match in matches { add(match.number, source: "resources.arsc") }
            return
        }
        let holders = table.globalStringIndices(covering: matches.map(\.offset))
        var found: [(index: UInt32, number: FilingNumber)] = []
        var decoded: Set<UInt32> = []
        for match in matches {
            guard let index = holders[match.offset], let text = table.globalString(index) else {
                add(match.number, source: "resources.arsc")
                continue
            }
            guard decoded.insert(index).inserted else { continue }
            for number in FilingScanner.find(in: text) { found.append((index, number)) }
        }
        let names = table.resourceNames(usingGlobalStrings: Set(found.map(\.index)))
        for (index, number) in found {
            let used = names[index] ?? []
            if used.isEmpty { add(number, source: "resources.arsc") }
            for name in used { add(number, source: "resources.arsc:" + name) }
        }
    }

    /// Counts `count` bytes against the package's budget; false (and the entry noted) when spent.
    private mutating func charge(_ count: Int, _ name: String) -> Bool {
        guard count <= limits.maxFilingSearchPackageBytes - searchedBytes else {
            skippedForBudget.append(name)
            return false
        }
        searchedBytes += count
        return true
    }

    // MARK: - Entries

    /// Which entries are searched, and how their bytes are read: dex string tables as MUTF-8,
    /// everything else as raw bytes (UTF-8 and UTF-16LE anchors).
    enum EntryKind {
        case textAsset, dex, nativeLibrary
    }

    /// Extensions of assets read as text (web pages, scripts, React Native and Flutter bundles).
    static let textAssetExtensions: Set<String> = ["html", "htm", "js", "json", "txt", "xml", "properties", "bundle"]

    /// The kind of an entry by its name: `assets/**.{html,js,...}`, `classes*.dex`, `lib/*/*.so`.
    ///
    /// Compared byte by byte: every entry name of every package passes here.
    static func kind(of name: String) -> EntryKind? {
        let bytes = name.utf8
        let slash = UInt8(ascii: "/")
        func ends(with suffix: String) -> Bool {
            bytes.count >= suffix.utf8.count && bytes.suffix(suffix.utf8.count).elementsEqual(suffix.utf8)
        }
        if bytes.starts(with: "classes".utf8) {
            return !bytes.contains(slash) && ends(with: ".dex") ? .dex : nil
        }
        if bytes.starts(with: "lib/".utf8) {
            return bytes.lazy.filter { $0 == slash }.count == 2 && ends(with: ".so") ? .nativeLibrary : nil
        }
        if bytes.starts(with: "assets/".utf8), !ends(with: "/"), let dot = bytes.lastIndex(of: UInt8(ascii: ".")) {
            let ext = String(decoding: bytes[bytes.index(after: dot)...], as: UTF8.self).lowercased()
            return textAssetExtensions.contains(ext) ? .textAsset : nil
        }
        return nil
    }

    private mutating func searchEntries() {
        for entry in archive.entries {
            guard !entry.isDirectory, let kind = classify(entry.name) else { continue }
            guard entry.uncompressedSize <= UInt64(limits.maxFilingSearchEntryBytes) else {
                warnings.append(
                    Diagnostic(
                        .warning, "filing.search-limit",
                        "\(entry.debugName): \(entry.uncompressedSize) bytes, not searched for filing numbers (limit \(limits.maxFilingSearchEntryBytes))"
                    ))
                continue
            }
            guard charge(Int(entry.uncompressedSize), entry.debugName) else { continue }
            do {
                if kind == .dex {
                    try searchDex(entry)
                    continue
                }
                let bytes = try archive.data(of: entry, maxBytes: limits.maxFilingSearchEntryBytes)
                add(FilingScanner.scan(inBytes: bytes), source: entry.name)
            } catch {
                warnings.append(
                    Diagnostic(.warning, "filing.entry-unreadable", "\(entry.debugName) not searched for filing numbers: \(error)"))
            }
        }
    }
}
