import PresetScanCore
import SwiftProtobuf

/// Android App Bundles (SPEC §7 `aab`): modules of aapt2's protobuf output, JAR-signed.
enum AAB {
    /// Bytes of a module manifest read before decoding (real ones are well under 1 MiB).
    static let maxManifestBytes = 8 << 20
    /// Bytes of a `resources.pb` read before decoding. Decoded messages take several times their
    /// encoded size, so this stays well below the entry limit; a larger table is only searched
    /// as bytes for filing numbers.
    static let maxResourceTableBytes = 32 << 20

    /// Protobuf decoding of untrusted bytes: bounded nesting (an XML element is two levels), and
    /// unknown fields dropped rather than kept in memory.
    static var decodingOptions: BinaryDecodingOptions {
        var options = BinaryDecodingOptions()
        options.messageDepthLimit = 64
        options.discardUnknownFields = true
        return options
    }

    /// Reads a module's `manifest/AndroidManifest.xml` (aapt2's protobuf `XmlNode`) into the same
    /// `AndroidManifest` the binary XML reader gives, read the way `aapt2 dump badging` reads it:
    /// android attributes by resource id (by name only when no attribute has the id), the
    /// compiled value when there is one, else the raw string.
    enum Manifest {
        static let noManifest = "AndroidManifest.xml (aapt.pb.XmlNode)"

        static func parse(_ bytes: [UInt8], limits: Limits) throws -> AndroidManifest {
            let root: Aapt_Pb_XmlNode
            do {
                root = try Aapt_Pb_XmlNode(serializedBytes: bytes, options: decodingOptions)
            } catch {
                throw ParseError(noManifest, at: 0, "not a protobuf XmlNode: \(error)")
            }
            guard case .element(let manifest)? = root.node else {
                throw ParseError(noManifest, at: 0, "the root node is no element")
            }
            guard manifest.name == "manifest" else {
                throw ParseError(noManifest, at: 0, "the root element is <\(manifest.name)>, not <manifest>")
            }
            var reader = Reader(limits: limits)
            return reader.read(manifest)
        }

        private struct Reader {
            let limits: Limits
            var result = AndroidManifest()
            var byName: Set<UInt32> = []

            init(limits: Limits) { self.limits = limits }

            mutating func read(_ manifest: Aapt_Pb_XmlElement) -> AndroidManifest {
                result.package = manifest.attribute.first { $0.namespaceUri.isEmpty && $0.name == "package" }?.value
                result.versionCode = value(.versionCode, in: manifest)
                result.versionCodeMajor = value(.versionCodeMajor, in: manifest)
                result.versionName = value(.versionName, in: manifest)
                var permissions: Set<String> = []
                var sawApplication = false
                let children = manifest.child.prefix(limits.maxXMLNodes)
                if manifest.child.count > limits.maxXMLNodes {
                    result.warnings.append(Diagnostic(.warning, "aab.node-limit", "stopped after \(limits.maxXMLNodes) elements"))
                }
                for case .element(let element)? in children.map(\.node) {
                    switch element.name {
                    case "uses-sdk":
                        if let min = value(.minSdkVersion, in: element) { result.minSdkVersion = min }
                        if let target = value(.targetSdkVersion, in: element) { result.targetSdkVersion = target }
                    case "uses-permission", "uses-permission-sdk-23", "uses-permission-sdk-m":
                        if case .string(let name)? = value(.name, in: element), !name.isEmpty, permissions.insert(name).inserted {
                            result.permissions.append(name)
                        }
                    case "application":
                        guard !sawApplication else {
                            result.warnings.append(Diagnostic(.warning, "aab.duplicate-application", "another <application> is ignored"))
                            continue
                        }
                        sawApplication = true
                        result.applicationLabel = value(.label, in: element)
                        for case .element(let child)? in element.child.prefix(limits.maxXMLNodes).map(\.node)
                        where child.name == "meta-data" {
                            var name: String?
                            if case .string(let text)? = value(.name, in: child) { name = text }
                            result.metaData.append(
                                MetaDataElement(name: name, value: value(.value, in: child), resource: value(.resource, in: child)))
                        }
                    default:
                        break
                    }
                }
                return result
            }

            /// The attribute with `attribute`'s resource id; else one in the android namespace with
            /// its name and no id (reported once: only a hand-made manifest has one).
            mutating func find(_ attribute: AndroidAttribute, in element: Aapt_Pb_XmlElement) -> Aapt_Pb_XmlAttribute? {
                if let byID = element.attribute.first(where: { $0.resourceID == attribute.rawValue }) { return byID }
                guard let named = element.attribute.first(where: {
                    $0.resourceID == 0 && $0.name == attribute.attributeName && $0.namespaceUri == AndroidAttribute.namespace
                }) else { return nil }
                if byName.insert(attribute.rawValue).inserted {
                    result.warnings.append(Diagnostic(.warning, "aab.attribute-by-name",
                        "android:\(attribute.attributeName) has no resource id; matched by name"))
                }
                return named
            }

            mutating func value(_ attribute: AndroidAttribute, in element: Aapt_Pb_XmlElement) -> ResValue? {
                find(attribute, in: element).flatMap(AAB.value(of:))
            }
        }
    }

    /// An attribute's value as the binary reader types it: the compiled item when there is one,
    /// else the raw string. A reference without an id (unresolved at link time) is its raw text,
    /// as aapt2 prints it.
    static func value(of attribute: Aapt_Pb_XmlAttribute) -> ResValue? {
        guard attribute.hasCompiledItem, let item = attribute.compiledItem.value else { return .string(attribute.value) }
        switch item {
        case .ref(let reference):
            guard reference.id != 0 else { return .string(attribute.value) }
            return reference.type == .attribute ? .attribute(reference.id) : .reference(reference.id)
        case .str(let text): return .string(text.value)
        case .rawStr(let text): return .string(text.value)
        case .styledStr(let text): return .string(text.value)
        case .file(let file): return .string(file.path)
        case .id: return nil
        case .prim(let primitive): return value(of: primitive)
        }
    }

    /// Res_value types for primitives that have no case of their own in `ResValue`.
    private enum PrimitiveType {
        static let dimension: UInt8 = 0x05
        static let fraction: UInt8 = 0x06
        static let colorARGB8: UInt8 = 0x1C
        static let colorRGB8: UInt8 = 0x1D
        static let colorARGB4: UInt8 = 0x1E
        static let colorRGB4: UInt8 = 0x1F
    }

    static func value(of primitive: Aapt_Pb_Primitive) -> ResValue? {
        switch primitive.oneofValue {
        case .intDecimalValue(let n)?: return .int(Int64(n))
        case .intHexadecimalValue(let n)?: return .int(Int64(Int32(bitPattern: n)))
        case .booleanValue(let b)?: return .bool(b)
        case .floatValue(let f)?: return .float(f)
        case .dimensionValue(let d)?: return .other(type: PrimitiveType.dimension, data: d)
        case .fractionValue(let d)?: return .other(type: PrimitiveType.fraction, data: d)
        case .colorArgb8Value(let c)?: return .other(type: PrimitiveType.colorARGB8, data: c)
        case .colorRgb8Value(let c)?: return .other(type: PrimitiveType.colorRGB8, data: c)
        case .colorArgb4Value(let c)?: return .other(type: PrimitiveType.colorARGB4, data: c)
        case .colorRgb4Value(let c)?: return .other(type: PrimitiveType.colorRGB4, data: c)
        case .dimensionValueDeprecated(let f)?: return .other(type: PrimitiveType.dimension, data: f.bitPattern)
        case .fractionValueDeprecated(let f)?: return .other(type: PrimitiveType.fraction, data: f.bitPattern)
        case .nullValue?, .emptyValue?, nil: return nil
        }
    }
}
