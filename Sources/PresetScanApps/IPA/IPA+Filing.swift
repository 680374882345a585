import PresetScanCore
import PresetScanFiling
import PresetScanUnpack

extension IPA {
    /// Entries searched as raw bytes (UTF-8 and UTF-16LE): web content and text.
    static let textExtensions: Set<String> = ["json", "js", "html", "htm", "txt", "xml"]
    /// Entries decoded first: binary plists hold non-ASCII text as UTF-16BE, which a byte search misses.
    static let propertyListExtensions: Set<String> = ["plist", "strings", "stringsdict"]
    /// Executable sections searched: C string literals (UTF-8) and `__ustring` (UTF-16LE). The
    /// CFString literals of `__DATA*,__cfstring` point into these two, so they are covered.
    static let stringSections: Set<String> = ["__TEXT,__cstring", "__TEXT,__ustring"]

    static func fileExtension(_ name: String) -> String? {
        guard !name.hasSuffix("/"), let dot = name.lastIndex(of: "."), name[dot...].contains("/") == false else { return nil }
        return name[name.index(after: dot)...].lowercased()
    }

    /// `FilingSearch`'s entry classifier for IPAs: text assets only; plists and executables are
    /// searched by `searchPropertyLists` and `searchSections`.
    static func classify(_ name: String) -> FilingSearch.EntryKind? {
        guard let ext = fileExtension(name), textExtensions.contains(ext) else { return nil }
        return .textAsset
    }

    /// Decodes every plist and strings file (except `skip`, already searched) and searches its
    /// string values, named `path:key/path`. One that does not parse is searched as bytes.
    static func searchPropertyLists(_ archive: ZipArchive, limits: Limits, skip: Set<String>, into search: inout FilingSearch) -> [Diagnostic] {
        var warnings: [Diagnostic] = []
        let perEntry = min(limits.maxFilingSearchEntryBytes, PropertyList.Limits.default.maxBytes)
        var budget = limits.maxFilingSearchPackageBytes
        for entry in archive.entries.sorted(by: { $0.name < $1.name }) {
            guard !skip.contains(entry.name), let ext = fileExtension(entry.name), propertyListExtensions.contains(ext) else { continue }
            guard entry.uncompressedSize <= UInt64(perEntry), Int(entry.uncompressedSize) <= budget else {
                warnings.append(Diagnostic(.warning, "filing.search-limit",
                    "\(entry.debugName): \(entry.uncompressedSize) bytes, not searched for filing numbers (limit \(min(perEntry, budget)))"))
                continue
            }
            budget -= Int(entry.uncompressedSize)
            let bytes: [UInt8]
            do { bytes = try archive.data(of: entry, maxBytes: perEntry) } catch {
                warnings.append(Diagnostic(.warning, "filing.entry-unreadable", "\(entry.debugName) not searched for filing numbers: \(error)"))
                continue
            }
            if ext == "strings", let entries = try? StringsFile.parse(bytes) {
                for (key, value) in entries.sorted(by: { $0.key < $1.key }) { search.search(text: value, source: "\(entry.name):\(key)") }
            } else if ext != "strings", let plist = try? PropertyList.parse(bytes) {
                IPA.search(plist, source: entry.name, into: &search)
            } else {
                search.add(FilingScanner.scan(inBytes: bytes), source: entry.name)
            }
        }
        return warnings
    }

    /// Searches every string value of `plist`, named `source:key/path`.
    static func search(_ plist: PropertyList, source: String, into search: inout FilingSearch) {
        for (path, text) in plist.strings() {
            search.search(text: text, source: path.isEmpty ? source : "\(source):\(path)")
        }
    }

    /// Searches the string sections of every slice of `executable`, reading those sections only.
    static func searchSections(_ executable: Executable, limits: Limits, into search: inout FilingSearch) -> [Diagnostic] {
        guard let source = executable.source else { return [] }
        var warnings: [Diagnostic] = []
        for slice in executable.slices {
            for section in slice.sections where stringSections.contains("\(section.segment),\(section.name)") {
                // Encrypted bytes hold no text; `executable` already warned.
                if let encrypted = slice.encryptedRange, encrypted.overlaps(section.range) { continue }
                let name = "\(executable.path):\(section.segment),\(section.name)"
                do {
                    guard let bytes = try slice.bytes(of: section, in: source, maxBytes: limits.maxFilingSearchEntryBytes) else {
                        warnings.append(Diagnostic(.warning, "filing.entry-unreadable",
                            "\(name) (\(section.size) bytes at \(section.offset)) lies outside its slice or over the limit; not searched"))
                        continue
                    }
                    search.add(FilingScanner.scan(inBytes: bytes), source: name)
                } catch {
                    warnings.append(Diagnostic(.warning, "filing.entry-unreadable", "\(name) not searched for filing numbers: \(error)"))
                }
            }
        }
        return warnings
    }
}
