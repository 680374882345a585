import PresetScanCore

/// A `<meta-data>` element directly under the manifest's `<application>`.
public struct MetaDataElement: Sendable, Equatable {
    public var name: String?
    public var value: ResValue?
    public var resource: ResValue?

    public init(name: String?, value: ResValue? = nil, resource: ResValue? = nil) {
        self.name = name
        self.value = value
        self.resource = resource
    }
}

/// What presetscan needs from a compiled AndroidManifest.xml, read the way the platform and
/// `aapt dump badging` read it: android attributes by resource id, elements by their place in the tree.
public struct AndroidManifest: Sendable, Equatable {
    public var package: String?
    /// Typed values as stored: usually `.int`, but a reference or string is kept as found.
    public var versionCode: ResValue?
    public var versionCodeMajor: ResValue?
    public var versionName: ResValue?
    /// From `<manifest><uses-sdk>`.
    public var minSdkVersion: ResValue?
    public var targetSdkVersion: ResValue?
    /// `<manifest android:targetSandboxVersion>`: 2 and up needs a v2+ signature (apksig `ApkVerifier`).
    public var targetSandboxVersion: ResValue?
    /// `android:name` of every `<uses-permission>`, `<uses-permission-sdk-23>` and `<uses-permission-sdk-m>`
    /// under `<manifest>`, in document order, without repeats.
    public var permissions: [String]
    /// `android:label` of the first `<application>`.
    public var applicationLabel: ResValue?
    public var metaData: [MetaDataElement]
    /// Tricks and damage seen while reading (codes `axml.*`).
    public var warnings: [Diagnostic]

    public init(
        package: String? = nil, versionCode: ResValue? = nil, versionCodeMajor: ResValue? = nil,
        versionName: ResValue? = nil, minSdkVersion: ResValue? = nil, targetSdkVersion: ResValue? = nil,
        permissions: [String] = [], applicationLabel: ResValue? = nil, metaData: [MetaDataElement] = [],
        warnings: [Diagnostic] = []
    ) {
        self.package = package
        self.versionCode = versionCode
        self.versionCodeMajor = versionCodeMajor
        self.versionName = versionName
        self.minSdkVersion = minSdkVersion
        self.targetSdkVersion = targetSdkVersion
        self.permissions = permissions
        self.applicationLabel = applicationLabel
        self.metaData = metaData
        self.warnings = warnings
    }

    /// Parses a compiled (binary XML) manifest.
    ///
    /// Throws `ParseError` only when no `<manifest>` can be found: the file is too short for a
    /// header, has no element, or its first element is something else (the platform and aapt
    /// refuse such a file too). Everything else — unknown chunks, bad strings, cut attributes,
    /// a truncated tail — becomes a warning and a partial result.
    public static func parse(_ bytes: [UInt8], limits: Limits = .default) throws -> AndroidManifest {
        do {
            var reader = ManifestReader(tree: try ResXMLTree(bytes), limits: limits)
            return try reader.read()
        } catch let error as ParseError where error.structure == ManifestReader.noManifest {
            // A header that declares too few bytes hides the document; the platform would refuse
            // it, but the data past the declared end may still hold the manifest.
            let whole = try ResXMLTree(bytes, honorDeclaredSize: false)
            guard whole.warnings.contains(where: { $0.code == "axml.bad-size" }) else { throw error }
            var reader = ManifestReader(tree: whole, limits: limits)
            return try reader.read()
        }
    }

    /// Every readable string of the manifest's string pool (filing numbers are searched here too).
    public static func allStrings(_ bytes: [UInt8]) -> [String] {
        guard let tree = try? ResXMLTree(bytes, honorDeclaredSize: false) else { return [] }
        return tree.strings.allStrings()
    }
}

/// Android framework attribute ids (android.R.attr) the manifest reader needs, with their names for
/// the fallback lookup by name.
enum AndroidAttribute: UInt32, CaseIterable {
    case label = 0x0101_0001
    case name = 0x0101_0003
    case value = 0x0101_0024
    case resource = 0x0101_0025
    case minSdkVersion = 0x0101_020c
    case versionCode = 0x0101_021b
    case versionName = 0x0101_021c
    case targetSdkVersion = 0x0101_0270
    case versionCodeMajor = 0x0101_0576
    case targetSandboxVersion = 0x0101_054c

    static let namespace = "http://schemas.android.com/apk/res/android"

    var attributeName: String {
        switch self {
        case .label: "label"
        case .name: "name"
        case .value: "value"
        case .resource: "resource"
        case .minSdkVersion: "minSdkVersion"
        case .versionCode: "versionCode"
        case .versionName: "versionName"
        case .targetSdkVersion: "targetSdkVersion"
        case .versionCodeMajor: "versionCodeMajor"
        case .targetSandboxVersion: "targetSandboxVersion"
        }
    }
}

/// Walks the element tree of one ResXMLTree and fills an `AndroidManifest`.
private struct ManifestReader {
    static let noManifest = "AndroidManifest <manifest>"

    let tree: ResXMLTree
    let limits: Limits
    var manifest = AndroidManifest()
    var warnings: [Diagnostic] = []
    private var badStrings: Set<UInt32> = []
    /// Strings read although no NUL ends them, reported together once the walk is done.
    private var unterminatedStrings: [(index: UInt32, text: String)] = []
    private var namesByID: Set<UInt32> = []

    init(tree: ResXMLTree, limits: Limits) {
        self.tree = tree
        self.limits = limits
        self.warnings = tree.warnings
    }

    /// A string of the pool; an unreadable one is reported once and read as nil.
    mutating func text(_ index: UInt32) -> String? {
        guard index != ResStringPool.noIndex else { return nil }
        if let known = decoded[index] { return known }
        let text = decodeOnce(index)
        decoded[index] = .some(text)
        return text
    }

    /// Element and attribute names repeat on every node, so each string is decoded once.
    private var decoded: [UInt32: String?] = [:]

    private mutating func decodeOnce(_ index: UInt32) -> String? {
        do {
            let (text, unterminated) = try tree.strings.decode(index)
            if unterminated, badStrings.insert(index).inserted { unterminatedStrings.append((index, text)) }
            return text
        } catch {
            if badStrings.insert(index).inserted {
                warnings.append(Diagnostic(.warning, "axml.bad-string", "\(error)"))
            }
            return nil
        }
    }

    /// The first attribute carrying the resource id of `attribute`, as the platform and aapt match
    /// android attributes. Only when none does, an attribute without any mapped id whose namespace
    /// and name spell it out is accepted (with a warning), since nothing else can mean it.
    mutating func find(_ attribute: AndroidAttribute, in element: ResXMLTreeAttrExt) -> ResXMLTreeAttribute? {
        if let byID = element.attributes.first(where: { tree.resourceID(forName: $0.name) == attribute.rawValue }) {
            return byID
        }
        for candidate in element.attributes where tree.resourceID(forName: candidate.name) == nil {
            guard text(candidate.name) == attribute.attributeName,
                text(candidate.ns) == AndroidAttribute.namespace
            else { continue }
            if namesByID.insert(attribute.rawValue).inserted {
                warnings.append(
                    Diagnostic(
                        .warning, "axml.attribute-by-name",
                        "android:\(attribute.attributeName) has no resource id in the resource map; matched by name"))
            }
            return candidate
        }
        return nil
    }

    /// The typed value of an attribute; a string comes from the raw value when there is one, as aapt reads it.
    mutating func value(of attribute: ResXMLTreeAttribute) -> ResValue? {
        let typed = attribute.typedValue
        guard typed.dataType == ResValueData.DataType.string else { return typed.nonString }
        if attribute.rawValue != ResStringPool.noIndex, let raw = text(attribute.rawValue) { return .string(raw) }
        return text(typed.data).map(ResValue.string)
    }

    mutating func value(_ attribute: AndroidAttribute, in element: ResXMLTreeAttrExt) -> ResValue? {
        find(attribute, in: element).flatMap { value(of: $0) }
    }

    /// A string-typed android attribute (permission and meta-data names must be literal strings).
    mutating func stringValue(_ attribute: AndroidAttribute, in element: ResXMLTreeAttrExt) -> String? {
        if case .string(let text) = value(attribute, in: element) { return text }
        return nil
    }

    /// `package` has no namespace and no resource id; the platform looks it up by name with a null
    /// namespace and takes its raw string.
    mutating func packageName(in element: ResXMLTreeAttrExt) -> String? {
        for attribute in element.attributes {
            guard attribute.ns == ResStringPool.noIndex || text(attribute.ns) == nil,
                text(attribute.name) == "package"
            else { continue }
            if let raw = text(attribute.rawValue) { return raw }
            if attribute.typedValue.dataType == ResValueData.DataType.string { return text(attribute.typedValue.data) }
            return nil
        }
        return nil
    }

    /// Compares element names the way aapt does: its String8 conversion ends at the first NUL.
    static func elementName(_ raw: String?) -> String {
        guard let raw else { return "" }
        if let nul = raw.firstIndex(of: "\0") { return String(raw[..<nul]) }
        return raw
    }

    mutating func read() throws -> AndroidManifest {
        var path: [String] = []
        var sawManifest = false
        var inManifest = false
        var sawApplication = false
        var inFirstApplication = false
        var elementCount = 0
        var permissionSet: Set<String> = []
        var failure: ParseError?

        var localWarnings: [Diagnostic] = []
        let tree = self.tree
        tree.walkNodes(warnings: &localWarnings) { node in
            switch node {
            case .startElement(let element, let line):
                elementCount += 1
                guard elementCount <= limits.maxXMLNodes else {
                    warnings.append(
                        Diagnostic(.warning, "axml.node-limit", "stopped after \(limits.maxXMLNodes) elements"))
                    return false
                }
                let name = Self.elementName(text(element.name))
                path.append(name)
                switch path.count {
                case 1:
                    if !sawManifest {
                        guard name == "manifest" else {
                            failure = ParseError(
                                Self.noManifest, at: 0, "first element (line \(line)) is <\(name)>, not <manifest>")
                            return false
                        }
                        sawManifest = true
                        inManifest = true
                        readManifestElement(element)
                    } else {
                        inManifest = false
                        warnings.append(
                            Diagnostic(
                                .warning, name == "manifest" ? "axml.duplicate-manifest" : "axml.extra-root",
                                "another root element <\(name)> at line \(line) is ignored"))
                    }
                case 2 where inManifest:
                    inFirstApplication = false
                    switch name {
                    case "uses-sdk":
                        if let min = value(.minSdkVersion, in: element) { manifest.minSdkVersion = min }
                        if let target = value(.targetSdkVersion, in: element) { manifest.targetSdkVersion = target }
                    case "uses-permission", "uses-permission-sdk-23", "uses-permission-sdk-m":
                        if let permission = stringValue(.name, in: element), !permission.isEmpty,
                            permissionSet.insert(permission).inserted
                        {
                            manifest.permissions.append(permission)
                        }
                    case "application":
                        if sawApplication {
                            // The platform ignores every <application> after the first.
                            warnings.append(
                                Diagnostic(
                                    .warning, "axml.duplicate-application",
                                    "another <application> at line \(line) is ignored"))
                        } else {
                            sawApplication = true
                            inFirstApplication = true
                            manifest.applicationLabel = value(.label, in: element)
                        }
                    default:
                        break
                    }
                case 3 where inManifest && inFirstApplication && name == "meta-data":
                    manifest.metaData.append(
                        MetaDataElement(
                            name: stringValue(.name, in: element),
                            value: value(.value, in: element),
                            resource: value(.resource, in: element)))
                default:
                    break
                }
            case .endElement:
                if !path.isEmpty { path.removeLast() }
                if path.count < 2 { inFirstApplication = false }
                if path.isEmpty { inManifest = false }
            case .startNamespace, .endNamespace, .cdata:
                break
            }
            return true
        }
        warnings += localWarnings
        if let first = unterminatedStrings.first {
            warnings.append(
                Diagnostic(
                    .warning, "axml.bad-string",
                    "\(unterminatedStrings.count) string(s) used are not NUL-terminated, first #\(first.index) "
                        + "\"\(first.text)\"; read anyway, though current platform versions refuse them"))
        }
        if let failure { throw failure }
        guard sawManifest else {
            throw ParseError(Self.noManifest, at: 0, tree.hasNodes ? "no element found" : "no XML node found")
        }
        manifest.warnings = warnings
        return manifest
    }

    mutating func readManifestElement(_ element: ResXMLTreeAttrExt) {
        manifest.package = packageName(in: element)
        manifest.versionCode = value(.versionCode, in: element)
        manifest.versionCodeMajor = value(.versionCodeMajor, in: element)
        manifest.versionName = value(.versionName, in: element)
        manifest.targetSandboxVersion = value(.targetSandboxVersion, in: element)
    }
}
