import PresetScanCore

/// ResTable_package (ResourceTypes.h): a package's id, name, type/key string pools and its type chunks.
struct ResTablePackage: Sendable {
    /// Header up to lastPublicKey; typeIdOffset follows in newer tables.
    static let headerByteCount = 284
    static let headerWithTypeIdOffsetByteCount = 288

    let id: UInt32
    let name: String
    let typeStrings: ResStringPool
    let keyStrings: ResStringPool
    let typeIdOffset: UInt32
    /// ResTable_type chunks by type id, in file order.
    let types: [UInt8: [ResTableType]]

    init(chunk: ResChunk, warnings: inout [Diagnostic]) throws {
        var reader = chunk.reader
        reader.structure = "ResTable_package"
        _ = try ResChunkHeader(&reader)
        let headerSize = chunk.headerSize
        guard headerSize >= Self.headerByteCount, headerSize <= chunk.size else {
            throw reader.error("header size \(headerSize) does not fit (\(chunk.size) bytes)", at: chunk.reader.start)
        }
        id = try reader.u32le()
        let nameBytes = try reader.bytes(256)
        let units = (0..<128).map { UInt16(nameBytes[2 * $0]) | UInt16(nameBytes[2 * $0 + 1]) << 8 }
        name = String(decoding: units.prefix { $0 != 0 }, as: UTF16.self)
        let typeStringsOffset = try reader.u32le()
        _ = try reader.u32le()  // lastPublicType
        let keyStringsOffset = try reader.u32le()
        _ = try reader.u32le()  // lastPublicKey
        typeIdOffset = headerSize >= Self.headerWithTypeIdOffsetByteCount ? try reader.u32le() : 0

        typeStrings = Self.pool(in: chunk, at: typeStringsOffset, "type", warnings: &warnings)
        keyStrings = Self.pool(in: chunk, at: keyStringsOffset, "key", warnings: &warnings)

        var types: [UInt8: [ResTableType]] = [:]
        var walker = ResChunkWalker(chunk.reader, from: headerSize, codePrefix: "arsc")
        while let sub = walker.next() {
            switch sub.header.type {
            case ResChunkType.tableType:
                do {
                    let type = try ResTableType(chunk: sub, warnings: &warnings)
                    types[type.id, default: []].append(type)
                } catch {
                    warnings.append(Diagnostic(.warning, "arsc.bad-type", "type chunk skipped: \(error)"))
                }
            case ResChunkType.stringPool, ResChunkType.tableTypeSpec, ResChunkType.tableLibrary,
                ResChunkType.tableOverlayable, ResChunkType.tableOverlayablePolicy, ResChunkType.tableStagedAlias:
                // Pools were read through the header offsets; the rest carries nothing a lookup needs.
                break
            default:
                warnings.append(
                    Diagnostic(
                        .warning, "arsc.unknown-chunk",
                        "skipped chunk type 0x\(String(sub.header.type, radix: 16)) in package at offset \(sub.reader.absoluteOffset)"
                    ))
            }
        }
        warnings += walker.warnings
        self.types = types
    }

    /// The type or key pool the package header points at; an empty pool (and a warning) when it is not there.
    private static func pool(
        in package: ResChunk, at offset: UInt32, _ what: String, warnings: inout [Diagnostic]
    ) -> ResStringPool {
        guard offset != 0, let poolChunk = chunk(in: package.reader, at: Int(offset)),
            poolChunk.header.type == ResChunkType.stringPool
        else {
            warnings.append(
                Diagnostic(
                    .warning, "arsc.bad-package",
                    "package at offset \(package.reader.absoluteOffset): no \(what) string pool at \(offset)"))
            return ResStringPool()
        }
        do {
            let pool = try ResStringPool(chunk: poolChunk, codePrefix: "arsc")
            warnings += pool.warnings
            return pool
        } catch {
            warnings.append(Diagnostic(.warning, "arsc.bad-string-pool", "package \(what) strings: \(error)"))
            return ResStringPool()
        }
    }

    /// The chunk starting `offset` bytes into `parent`, cut to what `parent` holds.
    static func chunk(in parent: ByteReader, at offset: Int) -> ResChunk? {
        guard offset >= 0, offset <= parent.end - parent.start - ResChunkHeader.byteCount,
            var headerReader = try? parent.sub(at: offset, length: ResChunkHeader.byteCount),
            let header = try? ResChunkHeader(&headerReader), header.size >= UInt32(ResChunkHeader.byteCount)
        else { return nil }
        let length = min(Int(header.size), parent.end - parent.start - offset)
        guard let reader = try? parent.sub(at: offset, length: length) else { return nil }
        return ResChunk(header: header, offset: offset, reader: reader, clamped: length < Int(header.size))
    }

    func typeName(_ typeID: UInt8) -> String? {
        let index = Int64(typeID) - 1 - Int64(typeIdOffset)
        guard index >= 0, index < Int64(UInt32.max) else { return nil }
        return typeStrings.string(UInt32(index))
    }
}

/// A compiled resources.arsc (ResTable_header, ResourceTypes.h): global string pool and packages.
///
/// Indexing reads only chunk headers (package → type id → configs); entries are decoded when an
/// id is looked up. Lookups pick configurations the way `aapt dump badging` does.
public final class ResourceTable: Sendable {
    static let headerByteCount = 12

    private let globalStrings: ResStringPool
    /// The global pool's chunk, to map a byte offset back to the string holding it.
    private let globalPoolChunk: ByteReader?
    private let packages: [UInt8: [ResTablePackage]]
    private let packageOrder: [ResTablePackage]
    private let limits: Limits
    private let initWarnings: [Diagnostic]

    /// Throws `ParseError` only when the table header cannot be read; damaged chunks after it are
    /// skipped with a warning.
    public init(bytes: [UInt8], limits: Limits = .default) throws {
        self.limits = limits
        var reader = ByteReader(bytes, structure: "ResTable_header")
        let header = try ResChunkHeader(&reader)
        let packageCount = try reader.u32le()
        var warnings: [Diagnostic] = []
        func warn(_ code: String, _ message: String) {
            warnings.append(Diagnostic(.warning, "arsc.\(code)", message))
        }
        if header.type != ResChunkType.table {
            warn("bad-header", "file chunk type is 0x\(String(header.type, radix: 16)), not 0x2 (RES_TABLE_TYPE)")
        }
        var end = bytes.count
        let declared = Int(header.size)
        if declared > bytes.count {
            warn(
                "bad-size",
                "header declares \(declared) bytes but the file has \(bytes.count); the platform would reject it")
        } else if declared < bytes.count, declared >= Self.headerByteCount {
            warn(
                "bad-size",
                "header declares \(declared) bytes; the \(bytes.count - declared) bytes after it are ignored, as the platform does"
            )
            end = declared
        }
        var headerSize = Int(header.headerSize)
        if headerSize < Self.headerByteCount || headerSize > end {
            warn("bad-header", "header size \(headerSize) is invalid; using \(Self.headerByteCount)")
            headerSize = Self.headerByteCount
        }
        let window = try ByteReader(bytes, structure: "ResTable").sub(at: 0, length: end)

        var global: ResStringPool?
        var globalChunk: ByteReader?
        var packages: [UInt8: [ResTablePackage]] = [:]
        var order: [ResTablePackage] = []
        var walker = ResChunkWalker(window, from: headerSize, codePrefix: "arsc")
        while let chunk = walker.next() {
            switch chunk.header.type {
            case ResChunkType.stringPool:
                guard global == nil else {
                    // The platform keeps the first global pool and ignores the others.
                    warn(
                        "duplicate-string-pool",
                        "another global string pool at offset \(chunk.reader.absoluteOffset) is ignored")
                    continue
                }
                do {
                    let pool = try ResStringPool(chunk: chunk, codePrefix: "arsc")
                    warnings += pool.warnings
                    global = pool
                    globalChunk = chunk.reader
                } catch {
                    warn("bad-string-pool", "global string pool unreadable: \(error)")
                }
            case ResChunkType.tablePackage:
                if order.count == Int(packageCount) {
                    warn("bad-header", "more packages than the \(packageCount) the header declares")
                }
                do {
                    let package = try ResTablePackage(chunk: chunk, warnings: &warnings)
                    packages[UInt8(truncatingIfNeeded: package.id), default: []].append(package)
                    order.append(package)
                } catch {
                    warn("bad-package", "package skipped: \(error)")
                }
            default:
                warn(
                    "unknown-chunk",
                    "skipped chunk type 0x\(String(chunk.header.type, radix: 16)) at offset \(chunk.reader.absoluteOffset)"
                )
            }
        }
        warnings += walker.warnings
        globalStrings = global ?? ResStringPool()
        globalPoolChunk = globalChunk
        self.packages = packages
        packageOrder = order
        initWarnings = warnings
    }

    /// Problems found while indexing the table (codes `arsc.*`).
    public var warnings: [Diagnostic] { initWarnings }

    // MARK: Lookups

    /// One configuration's entry for an id.
    private struct Candidate {
        var package: ResTablePackage
        var type: ResTableType
        var entry: ResTableEntry
    }

    private func candidates(_ id: UInt32) -> [Candidate] {
        let typeID = UInt8(truncatingIfNeeded: id >> 16)
        let entryIndex = Int(id & 0xFFFF)
        guard typeID != 0, let inPackage = packages[UInt8(truncatingIfNeeded: id >> 24)] else { return [] }
        var found: [Candidate] = []
        for package in inPackage {
            for type in package.types[typeID] ?? [] {
                // An entry whose bytes are damaged is as good as absent for this config.
                guard let entry = try? type.entry(entryIndex) else { continue }
                found.append(Candidate(package: package, type: type, entry: entry))
            }
        }
        return found
    }

    /// The best candidate among those of one locale: the config with no other qualifier, else the
    /// one aapt's device would pick, else (night mode, mcc ...) the first.
    private func best(_ group: [Candidate]) -> Candidate? {
        if let plain = group.first(where: { $0.type.config.hasOnlyLocaleQualifiers }) { return plain }
        var chosen: Candidate?
        for candidate in group where candidate.type.config.matchesAaptDevice {
            if let current = chosen, !candidate.type.config.isBetter(than: current.type.config) { continue }
            chosen = candidate
        }
        return chosen ?? group.first
    }

    /// The candidate for `locale` (nil: default locale), falling back from language-region to
    /// language to the default locale as resource lookup does.
    private func select(_ id: UInt32, locale: String?) -> Candidate? {
        select(from: Dictionary(grouping: candidates(id)) { $0.type.config.localeKey }, locale: locale)
    }

    /// `select` over candidates already grouped by locale key (nil: no locale).
    private func select(from groups: [String?: [Candidate]], locale: String?) -> Candidate? {
        var wanted = locale
        while let key = wanted {
            if let group = groups[key], let chosen = best(group) { return chosen }
            wanted = key.lastIndex(of: "-").map { String(key[..<$0]) }
        }
        return groups[nil].flatMap { group in best(group.filter { !$0.type.config.hasLocale }) }
    }

    /// Follows references from `value` until a string, in the same locale; `lookups` counts the
    /// getResource calls made so far (the platform allows limits.maxReferenceDepth).
    private func resolve(_ value: ResValueData?, locale: String?, lookups: Int, seen: Set<UInt32>) -> String? {
        var value = value
        var lookups = lookups
        var seen = seen
        while let current = value {
            switch current.dataType {
            case ResValueData.DataType.string:
                return globalStrings.string(current.data)
            case ResValueData.DataType.reference, ResValueData.DataType.dynamicReference:
                guard current.data != 0, lookups < limits.maxReferenceDepth, seen.insert(current.data).inserted else {
                    return nil
                }
                lookups += 1
                value = select(current.data, locale: locale)?.entry.value
            default:
                return nil
            }
        }
        return nil
    }

    private func resolveDefault(_ id: UInt32) -> String? {
        resolve(ResValueData(dataType: ResValueData.DataType.reference, data: id), locale: nil, lookups: 0, seen: [])
    }

    /// Resolves a string-valued resource for the default configuration (as aapt's
    /// `application-label:` line, or the platform with no locale), following references up to
    /// `limits.maxReferenceDepth` lookups; cycles stop early.
    ///
    /// When the default configuration has no value or an empty one, the first non-empty localized
    /// value in locale order is returned, as aapt's `application: label=` line does.
    public func resolveString(_ id: UInt32) -> String? {
        let plain = resolveDefault(id)
        if let plain, !plain.isEmpty { return plain }
        let localized = localizedStrings(id)
        if let key = localized.keys.sorted().first(where: { !(localized[$0] ?? "").isEmpty }) {
            return localized[key]
        }
        return plain
    }

    /// Every locale the table has a value for this id in, mapped to the resolved string. Keys are
    /// BCP-47 style `language[-Script][-REGION]`: "zh-CN", "zh-Hans-CN", "zh", "fr-CA", "es-419".
    /// The default (no locale) config is not included; references are followed in the same locale.
    ///
    /// Empty strings are left out, as aapt prints no `application-label-xx` line for them.
    public func localizedStrings(_ id: UInt32) -> [String: String] {
        var groups: [String: [Candidate]] = [:]
        for candidate in candidates(id) {
            guard let key = candidate.type.config.localeKey else { continue }
            groups[key, default: []].append(candidate)
        }
        var result: [String: String] = [:]
        for (key, group) in groups {
            guard let chosen = best(group),
                let text = resolve(chosen.entry.value, locale: key, lookups: 1, seen: [id]),
                !text.isEmpty
            else { continue }
            result[key] = text
        }
        return result
    }

    /// Every locale any configuration of the table names (aapt's `locales:` line), sorted.
    public var locales: [String] {
        var keys: Set<String> = []
        for package in packageOrder {
            for types in package.types.values {
                for type in types { if let key = type.config.localeKey { keys.insert(key) } }
            }
        }
        return keys.sorted()
    }

    /// The label a device set to each of the table's locales shows: for every locale in
    /// `locales`, the string resolved with the platform's fallback (region, language, default),
    /// as aapt's `application-label-<locale>` lines. Empty results are left out.
    public func labelsForEveryLocale(_ id: UInt32) -> [String: String] {
        var result: [String: String] = [:]
        let groups = Dictionary(grouping: candidates(id)) { $0.type.config.localeKey }
        for key in locales {
            guard let chosen = select(from: groups, locale: key),
                let text = resolve(chosen.entry.value, locale: key, lookups: 1, seen: [id]), !text.isEmpty
            else { continue }
            result[key] = text
        }
        return result
    }

    /// Every readable string of every string pool: the global pool, then each package's type and
    /// key pools (filing numbers are searched here).
    public func allGlobalStrings() -> [String] {
        var strings = globalStrings.allStrings()
        for package in packageOrder {
            strings += package.typeStrings.allStrings()
            strings += package.keyStrings.allStrings()
        }
        return strings
    }

    /// The global pool's string at `index`.
    func globalString(_ index: UInt32) -> String? { globalStrings.string(index) }

    /// For byte offsets into the bytes the table was read from, the global-pool string whose text
    /// starts at or before each one (the string holding it); offsets outside the pool's string
    /// data are left out. Reads only the pool's offset array, decoding no string.
    func globalStringIndices(covering offsets: [Int]) -> [Int: UInt32] {
        guard var reader = globalPoolChunk, !offsets.isEmpty else { return [:] }
        var starts: [(start: Int, index: UInt32)] = []
        var wanted: [Int] = []
        do {
            reader.structure = "ResStringPool_header"
            try reader.seek(to: 2)
            let headerSize = Int(try reader.u16le())
            try reader.skip(4)
            let declared = Int(try reader.u32le())
            try reader.skip(8)
            let stringsStart = Int(try reader.u32le())
            let size = reader.end - reader.start
            guard headerSize >= ResStringPool.headerByteCount, headerSize <= size, stringsStart <= size else { return [:] }
            let dataStart = reader.start + stringsStart
            wanted = offsets.filter { $0 >= dataStart && $0 < reader.end }
            try reader.seek(to: headerSize)
            let count = min(declared, (size - headerSize) / 4)
            starts.reserveCapacity(count)
            for index in 0..<count { starts.append((dataStart + Int(try reader.u32le()), UInt32(index))) }
        } catch {
            return [:]
        }
        // Sorted starts and a binary search per offset: a hostile pool with many strings and many
        // hits stays n log n.
        starts.sort { $0.start < $1.start }
        var result: [Int: UInt32] = [:]
        for offset in wanted {
            var low = 0
            var high = starts.count
            while low < high {
                let middle = low + (high - low) / 2
                if starts[middle].start <= offset { low = middle + 1 } else { high = middle }
            }
            if low > 0 { result[offset] = starts[low - 1].index }
        }
        return result
    }

    /// For each global string index asked for, the resources whose value is that string in some
    /// configuration: `type/key`, with `[locale]` appended outside the default locale.
    ///
    /// Only simple entries are named; strings inside bags (string arrays, plurals) stay unnamed.
    func resourceNames(usingGlobalStrings wanted: Set<UInt32>) -> [UInt32: [String]] {
        guard !wanted.isEmpty else { return [:] }
        var names: [UInt32: [String]] = [:]
        for package in packageOrder {
            for (typeID, types) in package.types.sorted(by: { $0.key < $1.key }) {
                guard let typeName = package.typeName(typeID) else { continue }
                for type in types {
                    // A sparse type lists entries by index; 16 bits of index is all an id has.
                    let indices = type.isSparse ? 0..<0x1_0000 : 0..<type.entryCount
                    let locale = type.config.localeKey.map { "[\($0)]" } ?? ""
                    for index in indices {
                        guard let entry = try? type.entry(index), let value = entry.value,
                            value.dataType == ResValueData.DataType.string, wanted.contains(value.data),
                            let key = package.keyStrings.string(entry.key)
                        else { continue }
                        let name = "\(typeName)/\(key)\(locale)"
                        if !(names[value.data]?.contains(name) ?? false) { names[value.data, default: []].append(name) }
                    }
                }
            }
        }
        return names
    }

    /// Name of a resource id, e.g. "string/app_name", if known.
    public func resourceName(_ id: UInt32) -> String? {
        let typeID = UInt8(truncatingIfNeeded: id >> 16)
        for candidate in candidates(id) {
            if let type = candidate.package.typeName(typeID),
                let key = candidate.package.keyStrings.string(candidate.entry.key)
            {
                return "\(type)/\(key)"
            }
        }
        return nil
    }
}
