import PresetScanCore

/// ResXMLTree_attribute (ResourceTypes.h): namespace, name, raw string value and typed value of one attribute.
struct ResXMLTreeAttribute: Sendable, Equatable {
    static let byteCount = 20

    var ns: UInt32
    var name: UInt32
    var rawValue: UInt32
    var typedValue: ResValueData

    init(_ reader: inout ByteReader) throws {
        ns = try reader.u32le()
        name = try reader.u32le()
        rawValue = try reader.u32le()
        typedValue = try ResValueData(&reader)
    }
}

/// ResXMLTree_attrExt (ResourceTypes.h): a start element's namespace, name and where its attributes sit.
struct ResXMLTreeAttrExt: Sendable, Equatable {
    static let byteCount = 20

    var ns: UInt32
    var name: UInt32
    var attributeStart: UInt16
    var attributeSize: UInt16
    var attributeCount: UInt16
    var idIndex: UInt16
    var classIndex: UInt16
    var styleIndex: UInt16
    /// The attributes that lie inside the chunk; fewer than `attributeCount` when some run past it.
    var attributes: [ResXMLTreeAttribute]
    /// Attributes declared but outside the chunk.
    var attributesCut: Int

    /// Reads the extension from `ext`, the node bytes after its header. Attributes are found at
    /// `attributeStart + i * attributeSize` exactly as the platform does, however odd the values
    /// (obfuscators shift them); only ones that would leave the chunk are dropped.
    init(_ ext: ByteReader) throws {
        var reader = ext
        reader.structure = "ResXMLTree_attrExt"
        ns = try reader.u32le()
        name = try reader.u32le()
        attributeStart = try reader.u16le()
        attributeSize = try reader.u16le()
        attributeCount = try reader.u16le()
        idIndex = try reader.u16le()
        classIndex = try reader.u16le()
        styleIndex = try reader.u16le()

        let extSize = ext.end - ext.start
        var attributes: [ResXMLTreeAttribute] = []
        attributes.reserveCapacity(Int(attributeCount))
        var cut = 0
        for index in 0..<Int(attributeCount) {
            let offset = Int(attributeStart) + index * Int(attributeSize)
            guard offset + ResXMLTreeAttribute.byteCount <= extSize,
                var attributeReader = try? ext.sub(
                    at: offset, length: ResXMLTreeAttribute.byteCount, structure: "ResXMLTree_attribute")
            else {
                cut = Int(attributeCount) - index
                break
            }
            attributes.append(try ResXMLTreeAttribute(&attributeReader))
        }
        self.attributes = attributes
        self.attributesCut = cut
    }
}

/// ResXMLTree_endElementExt (ResourceTypes.h): namespace and name of the element being closed.
struct ResXMLTreeEndElementExt: Sendable, Equatable {
    static let byteCount = 8
    var ns: UInt32
    var name: UInt32
}

/// ResXMLTree_namespaceExt (ResourceTypes.h): prefix and URI of a namespace declaration.
struct ResXMLTreeNamespaceExt: Sendable, Equatable {
    static let byteCount = 8
    var prefix: UInt32
    var uri: UInt32
}

/// One node of the document, as ResXMLParser::next reports it.
enum ResXMLNode: Sendable, Equatable {
    case startNamespace(ResXMLTreeNamespaceExt)
    case endNamespace(ResXMLTreeNamespaceExt)
    case startElement(ResXMLTreeAttrExt, line: UInt32)
    /// `nil` when the node is too short to name the element; it still closes one.
    case endElement(ResXMLTreeEndElementExt?)
    case cdata
}

/// ResXMLTree_header (ResourceTypes.h): a compiled XML document with its string pool, resource map and nodes.
///
/// Follows ResXMLTree::setTo: the string pool and resource map are taken from the chunks before the
/// first node (the last of each wins), and nodes are walked one chunk after another from there.
struct ResXMLTree: Sendable {
    static let headerByteCount = 8
    /// ResXMLTree_node: chunk header, lineNumber, comment.
    static let nodeHeaderByteCount = 16

    private(set) var strings = ResStringPool()
    /// ResXMLTree resource map: attribute-name string index to attribute resource id.
    private(set) var resourceIDs: [UInt32] = []
    private(set) var warnings: [Diagnostic] = []
    private let window: ByteReader
    private var firstNode: Int?

    /// - Parameter honorDeclaredSize: stop at the size the header declares when it is smaller
    ///   than the data, as the platform does; otherwise read the data to its end.
    init(_ bytes: [UInt8], honorDeclaredSize: Bool = true) throws {
        var reader = ByteReader(bytes, structure: "ResXMLTree_header")
        let header = try ResChunkHeader(&reader)
        var warnings: [Diagnostic] = []
        func warn(_ code: String, _ message: String) {
            warnings.append(Diagnostic(.warning, "axml.\(code)", message))
        }

        if header.type != ResChunkType.xml {
            // The platform does not check the file's chunk type either.
            warn("bad-header", "file chunk type is 0x\(String(header.type, radix: 16)), not 0x3 (RES_XML_TYPE)")
        }
        var end = bytes.count
        let declared = Int(header.size)
        if declared > bytes.count {
            warn(
                "bad-size",
                "header declares \(declared) bytes but the file has \(bytes.count); the platform would reject it")
        } else if declared < bytes.count {
            if honorDeclaredSize, declared >= Int(header.headerSize), declared >= Self.headerByteCount {
                warn(
                    "bad-size",
                    "header declares \(declared) bytes; the \(bytes.count - declared) bytes after it are ignored, as the platform does"
                )
                end = declared
            } else {
                warn("bad-size", "header declares \(declared) bytes but the file has \(bytes.count)")
            }
        }
        var headerSize = Int(header.headerSize)
        if headerSize < Self.headerByteCount || headerSize > end {
            warn("bad-header", "header size \(headerSize) is invalid; using \(Self.headerByteCount)")
            headerSize = Self.headerByteCount
        }
        window = try ByteReader(bytes, structure: "ResXMLTree").sub(at: 0, length: end)

        var walker = ResChunkWalker(window, from: headerSize, codePrefix: "axml")
        var walkerWarnings = 0
        while let chunk = walker.next() {
            let type = chunk.header.type
            if type >= ResChunkType.xmlFirstNode, type <= ResChunkType.xmlLastNode {
                // The node walk reads this chunk again and reports its problems then.
                firstNode = chunk.offset
                break
            }
            walkerWarnings = walker.warnings.count
            switch type {
            case ResChunkType.stringPool:
                do {
                    let pool = try ResStringPool(chunk: chunk, codePrefix: "axml")
                    if strings.count > 0 {
                        warn(
                            "duplicate-string-pool",
                            "a second string pool at offset \(chunk.reader.absoluteOffset) replaces the first, as on the platform"
                        )
                    }
                    strings = pool
                    warnings += pool.warnings
                } catch {
                    warn("bad-string-pool", "string pool unreadable: \(error)")
                }
            case ResChunkType.xmlResourceMap:
                if !resourceIDs.isEmpty {
                    warn(
                        "duplicate-resource-map",
                        "a second resource map at offset \(chunk.reader.absoluteOffset) replaces the first")
                }
                resourceIDs = Self.readResourceMap(chunk)
            default:
                warn(
                    "unknown-chunk",
                    "skipped chunk type 0x\(String(type, radix: 16)) at offset \(chunk.reader.absoluteOffset)")
            }
        }
        warnings += walker.warnings.prefix(firstNode == nil ? walker.warnings.count : walkerWarnings)
        self.warnings = warnings
    }

    private static func readResourceMap(_ chunk: ResChunk) -> [UInt32] {
        guard var body = chunk.body(structure: "ResXMLTree resource map") else { return [] }
        var ids: [UInt32] = []
        ids.reserveCapacity(body.remaining / 4)
        while body.remaining >= 4, let id = try? body.u32le() { ids.append(id) }
        return ids
    }

    /// True when a node chunk was found after the pool and map.
    var hasNodes: Bool { firstNode != nil }

    /// The attribute resource id mapped to the attribute-name string `nameIndex`, if any.
    func resourceID(forName nameIndex: UInt32) -> UInt32? {
        guard nameIndex < UInt32(resourceIDs.count) else { return nil }
        let id = resourceIDs[Int(nameIndex)]
        return id == 0 ? nil : id
    }

    /// Calls `body` for each node in order until it returns false; problems go to `warnings`.
    func walkNodes(warnings: inout [Diagnostic], _ body: (ResXMLNode) -> Bool) {
        guard let firstNode else { return }
        var walker = ResChunkWalker(window, from: firstNode, codePrefix: "axml")
        defer { warnings += walker.warnings }
        func warn(_ code: String, _ message: String) {
            warnings.append(Diagnostic(.warning, "axml.\(code)", message))
        }
        while let chunk = walker.next() {
            let type = chunk.header.type
            let at = chunk.reader.absoluteOffset
            guard type >= ResChunkType.xmlFirstNode, type <= ResChunkType.xmlLastNode else {
                warn("unknown-chunk", "skipped chunk type 0x\(String(type, radix: 16)) among nodes at offset \(at)")
                continue
            }
            guard chunk.headerSize >= Self.nodeHeaderByteCount, chunk.headerSize <= chunk.size,
                let ext = chunk.body(structure: "ResXMLTree_node")
            else {
                warn(
                    "bad-chunk",
                    "node type 0x\(String(type, radix: 16)) at offset \(at) has header size \(chunk.headerSize) in \(chunk.size) bytes; skipped"
                )
                if type == ResChunkType.xmlEndElement, !body(.endElement(nil)) { return }
                continue
            }
            var lineReader = chunk.reader
            let line = (try? lineReader.seek(to: 8)).flatMap { try? lineReader.u32le() } ?? 0
            let node: ResXMLNode?
            switch type {
            case ResChunkType.xmlStartElement:
                do {
                    let attrExt = try ResXMLTreeAttrExt(ext)
                    if attrExt.attributesCut > 0 {
                        warn(
                            "bad-attribute",
                            "element at offset \(at): \(attrExt.attributesCut) of \(attrExt.attributeCount) attributes lie outside the node and are ignored"
                        )
                    }
                    node = .startElement(attrExt, line: line)
                } catch {
                    warn("bad-chunk", "start element at offset \(at) is too short: \(error)")
                    node = nil
                }
            case ResChunkType.xmlEndElement:
                var reader = ext
                if let ns = try? reader.u32le(), let name = try? reader.u32le() {
                    node = .endElement(ResXMLTreeEndElementExt(ns: ns, name: name))
                } else {
                    node = .endElement(nil)
                }
            case ResChunkType.xmlStartNamespace, ResChunkType.xmlEndNamespace:
                var reader = ext
                guard let prefix = try? reader.u32le(), let uri = try? reader.u32le() else {
                    warn("bad-chunk", "namespace node at offset \(at) is too short; skipped")
                    node = nil
                    break
                }
                let value = ResXMLTreeNamespaceExt(prefix: prefix, uri: uri)
                node = type == ResChunkType.xmlStartNamespace ? .startNamespace(value) : .endNamespace(value)
            case ResChunkType.xmlCData:
                node = .cdata
            default:
                warn("unknown-chunk", "skipped XML node type 0x\(String(type, radix: 16)) at offset \(at)")
                node = nil
            }
            if let node, !body(node) { return }
        }
    }
}
