import PresetScanCore
import PresetScanUnpack

extension SplitSet {
    /// One APK of a set, read.
    struct Part {
        var path: String
        var record: AppRecord
        /// The manifest's `split` attribute (`config.zh`, `config.arm64_v8a`, a feature name); nil for a base.
        var splitName: String?
        /// The application label's resource id in the base's manifest, when it is a reference.
        var labelReference: UInt32?
        /// This APK's own resource table, when asked for (a split's, to localize the base's label).
        var table: ResourceTable?
    }

    /// Reads the APK stored at `entry` (a nested ZIP, bounded by the entry size limit).
    ///
    /// - Parameters:
    ///   - isBase: also note the label's resource id, which the splits' tables may localize.
    ///   - loadTable: also keep the APK's resource table (a split's, for the base's label).
    static func readPart(
        _ entry: Zip.Entry, of archive: ZipArchive, location: Location, options: PackageReadOptions,
        isBase: Bool, loadTable: Bool
    ) -> Result<Part, Error> {
        let apk: ZipArchive
        do {
            let source = try archive.entrySource(entry, maxBytes: options.limits.maxEntryBytes)
            apk = try ZipArchive(source: source, limits: options.limits)
        } catch {
            return .failure(error)
        }
        let record = APKReader.read(archive: apk, location: location.appending(entry.name), options: options)
        var part = Part(path: entry.name, record: record)
        if let manifest = apk.entry(named: "AndroidManifest.xml"), let bytes = try? apk.data(of: manifest) {
            part.splitName = splitName(manifest: bytes)
            if isBase, case .reference(let id)? = (try? AndroidManifest.parse(bytes, limits: options.limits))?.applicationLabel {
                part.labelReference = id
            }
        }
        if loadTable, let arsc = apk.entry(named: "resources.arsc"), let bytes = try? apk.data(of: arsc) {
            part.table = try? ResourceTable(bytes: bytes, limits: options.limits)
        }
        return .success(part)
    }

    /// The `split` attribute (no namespace) of the manifest's root element, as the package
    /// manager reads a split's name.
    static func splitName(manifest bytes: [UInt8]) -> String? {
        guard let tree = try? ResXMLTree(bytes) else { return nil }
        var warnings: [Diagnostic] = []
        var name: String?
        tree.walkNodes(warnings: &warnings) { node in
            guard case .startElement(let element, _) = node else { return true }
            for attribute in element.attributes where attribute.ns == ResStringPool.noIndex {
                guard let (key, _) = try? tree.strings.decode(attribute.name), key == "split" else { continue }
                if let (value, _) = try? tree.strings.decode(attribute.rawValue) {
                    name = value
                } else if attribute.typedValue.dataType == ResValueData.DataType.string,
                    let (value, _) = try? tree.strings.decode(attribute.typedValue.data)
                {
                    name = value
                }
            }
            return false
        }
        return name
    }

    /// `numbers` with every source placed under `prefix` (`config.zh.apk!/`).
    static func prefixed(_ numbers: [EmbeddedFilingNumber], _ prefix: String) -> [EmbeddedFilingNumber] {
        numbers.map { number in
            var number = number
            number.sources = number.sources.map { .init(source: prefix + $0.source, raw: $0.raw) }
            return number
        }
    }

    /// A diagnostic of a part, said to come from it: its message starts with the part's path and
    /// its location is the part (`set!/config.zh.apk`) unless it names a place inside it.
    static func fromPart(_ diagnostic: Diagnostic, _ part: String, _ location: Location) -> Diagnostic {
        var d = diagnostic
        d.message = "\(part): \(d.message)"
        if d.location == nil { d.location = location.appending(part) }
        return d
    }
}
