// Builds compiled-XML and resources.arsc bytes for tests, chunk by chunk, so that exactly one
// thing can be broken at a time (a size, an offset, a count) where a real toolchain never would.

enum ResourceChunkWriter {
    static func u16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func u32(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }

    static func padded(_ bytes: [UInt8], to alignment: Int = 4) -> [UInt8] {
        bytes + [UInt8](repeating: 0, count: (alignment - bytes.count % alignment) % alignment)
    }

    /// ResChunk_header + rest of header + body. `headerSize`/`size` override the true values to lie.
    static func chunk(
        type: UInt16, header: [UInt8] = [], body: [UInt8], headerSize: UInt16? = nil, size: UInt32? = nil
    ) -> [UInt8] {
        let trueHeader = UInt16(8 + header.count)
        let trueSize = UInt32(8 + header.count + body.count)
        return u16(type) + u16(headerSize ?? trueHeader) + u32(size ?? trueSize) + header + body
    }

    // MARK: String pools

    static func encodeUTF16(_ text: String) -> [UInt8] {
        let units = Array(text.utf16)
        var out: [UInt8] = []
        if units.count > 0x7FFF {
            out += u16(UInt16(0x8000 | (units.count >> 16))) + u16(UInt16(units.count & 0xFFFF))
        } else {
            out += u16(UInt16(units.count))
        }
        for unit in units { out += u16(unit) }
        return out + [0, 0]
    }

    static func encodeUTF8(_ text: String) -> [UInt8] {
        func length(_ count: Int) -> [UInt8] {
            count > 0x7F ? [UInt8(0x80 | (count >> 8)), UInt8(count & 0xFF)] : [UInt8(count)]
        }
        let bytes = Array(text.utf8)
        return length(text.utf16.count) + length(bytes.count) + bytes + [0]
    }

    /// ResStringPool_header + offsets + string data. `offsetOverrides` replaces single offsets;
    /// `declaredCount` lies about the count; `stringsStartOverride` moves the data start.
    static func stringPool(
        _ strings: [String], utf8: Bool = false, offsetOverrides: [Int: UInt32] = [:],
        declaredCount: UInt32? = nil, stringsStartOverride: UInt32? = nil, dropTerminator: Set<Int> = []
    ) -> [UInt8] {
        var offsets: [UInt32] = []
        var data: [UInt8] = []
        for (index, text) in strings.enumerated() {
            offsets.append(offsetOverrides[index] ?? UInt32(data.count))
            var encoded = utf8 ? encodeUTF8(text) : encodeUTF16(text)
            if dropTerminator.contains(index) {
                // Replace the NUL with a visible character so the string runs on.
                encoded[encoded.count - 1] = utf8 ? 0x41 : 0
                if !utf8 { encoded[encoded.count - 2] = 0x41 }
            }
            data += encoded
        }
        data = padded(data)
        let headerSize = 28
        let stringsStart = UInt32(headerSize + 4 * offsets.count)
        let header =
            u32(declaredCount ?? UInt32(strings.count)) + u32(0) + u32(utf8 ? 0x100 : 0)
            + u32(stringsStartOverride ?? stringsStart) + u32(0)
        return chunk(type: 0x0001, header: header, body: offsets.flatMap(u32) + data)
    }

    // MARK: Compiled XML

    static let androidNamespace = "http://schemas.android.com/apk/res/android"

    /// One attribute: name (with an optional resource id for the resource map), optional namespace,
    /// raw string and typed value.
    struct Attribute {
        var ns: String?
        var name: String
        var id: UInt32?
        var raw: String?
        var type: UInt8
        var data: UInt32
        /// Typed TYPE_STRING data pointing at a different string than `raw`.
        var typedString: String?

        static func android(_ name: String, _ id: UInt32?, string: String) -> Attribute {
            Attribute(ns: androidNamespace, name: name, id: id, raw: string, type: 0x03, data: 0, typedString: string)
        }
        static func android(_ name: String, _ id: UInt32?, int: Int32) -> Attribute {
            Attribute(ns: androidNamespace, name: name, id: id, raw: nil, type: 0x10, data: UInt32(bitPattern: int))
        }
        static func android(_ name: String, _ id: UInt32?, reference: UInt32) -> Attribute {
            Attribute(ns: androidNamespace, name: name, id: id, raw: nil, type: 0x01, data: reference)
        }
        static func android(_ name: String, _ id: UInt32?, type: UInt8, data: UInt32) -> Attribute {
            Attribute(ns: androidNamespace, name: name, id: id, raw: nil, type: type, data: data)
        }
        static func plain(_ name: String, string: String) -> Attribute {
            Attribute(ns: nil, name: name, id: nil, raw: string, type: 0x03, data: 0, typedString: string)
        }
    }

    enum Node {
        case startNamespace(prefix: String, uri: String)
        case endNamespace(prefix: String, uri: String)
        /// `attributeStart`/`attributeSize` as written in ResXMLTree_attrExt; the bytes between are zero.
        case start(name: String, attributes: [Attribute], attributeStart: UInt16 = 20, attributeSize: UInt16 = 20)
        case end(name: String)
        case raw([UInt8])
    }

    /// The well-known android attribute ids.
    enum ID {
        static let label: UInt32 = 0x0101_0001
        static let name: UInt32 = 0x0101_0003
        static let value: UInt32 = 0x0101_0024
        static let resource: UInt32 = 0x0101_0025
        static let minSdkVersion: UInt32 = 0x0101_020c
        static let versionCode: UInt32 = 0x0101_021b
        static let versionName: UInt32 = 0x0101_021c
        static let targetSdkVersion: UInt32 = 0x0101_0270
    }

    /// A whole document. Attribute names with ids take the first pool slots (one per name/id pair,
    /// as aapt lays them out) so the resource map can cover them.
    struct XMLDocument {
        var nodes: [Node]
        var utf8 = false
        var includeResourceMap = true
        var fileType: UInt16 = 0x0003
        var declaredSize: UInt32?
        /// Raw chunks inserted between the resource map and the first node.
        var extraChunksBeforeNodes: [[UInt8]] = []
        /// Changes to the pool: index of a string → overridden offset.
        var poolOffsetOverrides: [String: UInt32] = [:]
        var poolDropTerminator: Set<String> = []

        init(_ nodes: [Node]) { self.nodes = nodes }

        func bytes() -> [UInt8] {
            var pool: [String] = []
            var ids: [UInt32] = []
            var idSlots: [String: Int] = [:]
            var plainSlots: [String: Int] = [:]
            for node in nodes {
                guard case .start(_, let attributes, _, _) = node else { continue }
                for attribute in attributes {
                    guard let id = attribute.id else { continue }
                    let key = "\(attribute.name)#\(id)"
                    if idSlots[key] == nil {
                        idSlots[key] = pool.count
                        pool.append(attribute.name)
                        ids.append(id)
                    }
                }
            }
            func index(_ text: String?) -> UInt32 {
                guard let text else { return 0xFFFF_FFFF }
                if let slot = plainSlots[text] { return UInt32(slot) }
                plainSlots[text] = pool.count
                pool.append(text)
                return UInt32(pool.count - 1)
            }
            func nameIndex(_ attribute: Attribute) -> UInt32 {
                if let id = attribute.id, let slot = idSlots["\(attribute.name)#\(id)"] { return UInt32(slot) }
                return index(attribute.name)
            }

            var nodeBytes: [UInt8] = []
            var line: UInt32 = 1
            let nodeHeader: (UInt32) -> [UInt8] = { line in u32(line) + u32(0xFFFF_FFFF) }
            for node in nodes {
                switch node {
                case .startNamespace(let prefix, let uri):
                    nodeBytes += chunk(
                        type: 0x0100, header: nodeHeader(line), body: u32(index(prefix)) + u32(index(uri)))
                case .endNamespace(let prefix, let uri):
                    nodeBytes += chunk(
                        type: 0x0101, header: nodeHeader(line), body: u32(index(prefix)) + u32(index(uri)))
                case .start(let name, let attributes, let attributeStart, let attributeSize):
                    var body =
                        u32(0xFFFF_FFFF) + u32(index(name)) + u16(attributeStart) + u16(attributeSize)
                        + u16(UInt16(attributes.count)) + u16(0) + u16(0) + u16(0)
                    body += [UInt8](repeating: 0, count: max(0, Int(attributeStart) - 20))
                    for attribute in attributes {
                        var data = attribute.data
                        if attribute.type == 0x03 { data = index(attribute.typedString ?? attribute.raw) }
                        var record = u32(index(attribute.ns)) + u32(nameIndex(attribute)) + u32(index(attribute.raw))
                        record += u16(8) + [0, attribute.type] + u32(data)
                        record += [UInt8](repeating: 0, count: max(0, Int(attributeSize) - 20))
                        body += record
                    }
                    nodeBytes += chunk(type: 0x0102, header: nodeHeader(line), body: body)
                    line += 1
                case .end(let name):
                    nodeBytes += chunk(
                        type: 0x0103, header: nodeHeader(line), body: u32(0xFFFF_FFFF) + u32(index(name)))
                case .raw(let bytes):
                    nodeBytes += bytes
                }
            }

            var overrides: [Int: UInt32] = [:]
            for (text, offset) in poolOffsetOverrides {
                if let slot = plainSlots[text] ?? pool.firstIndex(of: text) { overrides[slot] = offset }
            }
            let drop = Set(poolDropTerminator.compactMap { plainSlots[$0] ?? pool.firstIndex(of: $0) })
            var body = stringPool(pool, utf8: utf8, offsetOverrides: overrides, dropTerminator: drop)
            if includeResourceMap, !ids.isEmpty {
                body += chunk(type: 0x0180, body: ids.flatMap(u32))
            }
            body += extraChunksBeforeNodes.flatMap { $0 }
            body += nodeBytes
            return chunk(type: fileType, body: body, size: declaredSize)
        }
    }

    /// A minimal manifest with the usual fields, as most tests start from.
    static func manifest(
        package: String = "com.example.app", extraManifestAttributes: [Attribute] = [], children: [Node] = []
    ) -> XMLDocument {
        var nodes: [Node] = [.startNamespace(prefix: "android", uri: androidNamespace)]
        nodes.append(
            .start(
                name: "manifest",
                attributes: [
                    .android("versionCode", ID.versionCode, int: 42),
                    .android("versionName", ID.versionName, string: "1.2.3"),
                    .plain("package", string: package),
                ] + extraManifestAttributes))
        nodes += children
        nodes.append(.end(name: "manifest"))
        nodes.append(.endNamespace(prefix: "android", uri: androidNamespace))
        return XMLDocument(nodes)
    }

    static func element(_ name: String, _ attributes: [Attribute], children: [Node] = []) -> [Node] {
        [.start(name: name, attributes: attributes)] + children + [.end(name: name)]
    }

    // MARK: resources.arsc

    /// Res_value.
    static func resValue(type: UInt8, data: UInt32) -> [UInt8] { u16(8) + [0, type] + u32(data) }

    /// A simple ResTable_entry followed by its Res_value.
    static func entry(key: UInt32, type: UInt8, data: UInt32) -> [UInt8] {
        u16(8) + u16(0) + u32(key) + resValue(type: type, data: data)
    }

    /// A complex (map) entry with no map items.
    static func complexEntry(key: UInt32) -> [UInt8] {
        u16(16) + u16(0x0001) + u32(key) + u32(0) + u32(0)
    }

    /// An Android 14 compact entry: key in the size field, type in the high flag byte.
    static func compactEntry(key: UInt16, type: UInt8, data: UInt32) -> [UInt8] {
        u16(key) + u16(UInt16(type) << 8 | 0x0008) + u32(data)
    }

    static func pack(_ code: String, base: Character) -> [UInt8] {
        let letters = Array(code.utf8)
        if letters.count == 2 { return letters }
        let baseValue = base.asciiValue ?? 0
        let first = letters[0] - baseValue
        let second = letters[1] - baseValue
        let third = letters[2] - baseValue
        return [0x80 | (third << 2) | (second >> 3), (second << 5) | first]
    }

    /// A ResTable_config of `size` bytes (64 now; older tools wrote 28, 32, 36, 48, 52, 56).
    static func config(
        language: String? = nil, region: String? = nil, script: String? = nil, density: UInt16 = 0,
        sdkVersion: UInt16 = 0, uiMode: UInt8 = 0, mcc: UInt16 = 0, size: Int = 64
    ) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(size, 64))
        bytes.replaceSubrange(0..<4, with: u32(UInt32(size)))
        bytes.replaceSubrange(4..<6, with: u16(mcc))
        if let language { bytes.replaceSubrange(8..<10, with: pack(language, base: "a")) }
        if let region { bytes.replaceSubrange(10..<12, with: pack(region, base: "0")) }
        bytes.replaceSubrange(14..<16, with: u16(density))
        bytes.replaceSubrange(24..<26, with: u16(sdkVersion))
        bytes[29] = uiMode
        if let script { bytes.replaceSubrange(36..<40, with: Array(script.utf8.prefix(4))) }
        return Array(bytes.prefix(size))
    }

    /// A ResTable_type chunk. `entries[i] == nil` means no entry for index i. Sparse chunks list
    /// only the present entries; offset16 chunks store offsets / 4 in 16 bits.
    static func typeChunk(
        id: UInt8, config: [UInt8], entries: [[UInt8]?], sparse: Bool = false, offset16: Bool = false,
        declaredEntryCount: UInt32? = nil
    ) -> [UInt8] {
        var data: [UInt8] = []
        var offsets: [UInt8] = []
        var count = 0
        for (index, entry) in entries.enumerated() {
            guard let entry else {
                if !sparse {
                    offsets += offset16 ? u16(0xFFFF) : u32(0xFFFF_FFFF)
                    count += 1
                }
                continue
            }
            let offset = data.count
            data += padded(entry)
            if sparse {
                offsets += u16(UInt16(index)) + u16(UInt16(offset / 4))
            } else if offset16 {
                offsets += u16(UInt16(offset / 4))
            } else {
                offsets += u32(UInt32(offset))
            }
            count += 1
        }
        offsets = padded(offsets)
        let flags: UInt8 = (sparse ? 0x01 : 0) | (offset16 ? 0x02 : 0)
        let headerSize = 20 + config.count
        let entriesStart = UInt32(headerSize + offsets.count)
        let header = [id, flags] + u16(0) + u32(declaredEntryCount ?? UInt32(count)) + u32(entriesStart) + config
        return chunk(type: 0x0201, header: header, body: offsets + data)
    }

    /// ResTable_typeSpec, which lookups never need but real tables always have.
    static func typeSpecChunk(id: UInt8, entryCount: Int) -> [UInt8] {
        chunk(
            type: 0x0202, header: [id, 0] + u16(0) + u32(UInt32(entryCount)),
            body: [UInt8](repeating: 0, count: 4 * entryCount))
    }

    /// ResTable_package with its type and key string pools, followed by `chunks`.
    static func packageChunk(id: UInt32 = 0x7f, name: String, types: [String], keys: [String], chunks: [[UInt8]])
        -> [UInt8]
    {
        let typePool = stringPool(types)
        let keyPool = stringPool(keys)
        var nameBytes = Array(name.utf16.prefix(127)).flatMap(u16)
        nameBytes += [UInt8](repeating: 0, count: 256 - nameBytes.count)
        let headerSize = 288
        let header =
            u32(id) + nameBytes + u32(UInt32(headerSize)) + u32(UInt32(types.count))
            + u32(UInt32(headerSize + typePool.count)) + u32(UInt32(keys.count)) + u32(0)
        return chunk(type: 0x0200, header: header, body: typePool + keyPool + chunks.flatMap { $0 })
    }

    static func table(strings: [String], utf8: Bool = false, packages: [[UInt8]], extra: [[UInt8]] = []) -> [UInt8] {
        chunk(
            type: 0x0002, header: u32(UInt32(packages.count)),
            body: stringPool(strings, utf8: utf8) + extra.flatMap { $0 } + packages.flatMap { $0 })
    }
}
