import PresetScanCore
import PresetScanUnpack

extension RPKReader {
    /// Parts of a `.rpks` beyond this many are not read.
    static let maxComponents = 64

    /// A `.rpks` (hap-toolkit `buildProjectAndOutput`): the whole package `<package>.rpk` and its
    /// sub-packages `<package>.base.srpk` (the main one) and `<package>.<name>.srpk`, each a signed
    /// RPK, in a ZIP that is itself signed. One app: identity, label and certificate from the whole
    /// package (else the base sub-package), filing numbers from every part.
    static func readSplit(_ archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        var record = AppRecord(location: location, kind: "rpk", platform: .quickapp, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }

        var parts = archive.entries.filter { isSplitPart($0.name) }
        if parts.count > maxComponents {
            record.warnings.append(Diagnostic(
                .warning, "rpk.component-limit", "\(parts.count) sub-packages; the first \(maxComponents) are read", location: location))
            parts = Array(parts.prefix(maxComponents))
        }
        let mainIndex = parts.firstIndex { $0.name.lowercased().hasSuffix(".rpk") }
            ?? parts.firstIndex { $0.name.lowercased().hasSuffix(".base.srpk") }
        if mainIndex == nil {
            record.errors.append(Diagnostic(
                .error, "rpk.no-main-package", "a split quick app without its whole package (*.rpk) or base sub-package (*.base.srpk)",
                location: location))
        }

        var search = FilingSearch(archive: archive, limits: options.limits, classify: { _ in nil })
        var main: AppRecord?
        var others: [(index: Int, record: AppRecord)] = []
        for (index, entry) in parts.enumerated() {
            let isMain = index == mainIndex
            let partLocation = location.appending(entry.name)
            record.components.append(Component(path: entry.name, role: isMain ? "base" : "split"))
            let part: AppRecord
            do {
                let source = try archive.entrySource(entry, maxBytes: options.limits.maxEntryBytes)
                let partArchive = try ZipArchive(source: source, limits: options.limits)
                part = readPackage(
                    partArchive, location: partLocation, options: options, sourcePrefix: entry.name + "!/", requireManifest: isMain)
            } catch {
                record.errors.append(Diagnostic(.error, "rpk.component-unreadable", "\(entry.debugName): \(error)", location: partLocation))
                continue
            }
            record.components[index].package = part.package
            record.components[index].name = subpackageName(entry.name, package: part.package)
            record.components[index].signerSha256 = part.signers.map(\.sha256)
            search.merge(part.filingNumbers, links: part.filingSystemLinks, warnings: [])
            record.errors += part.errors
            record.warnings += part.warnings
            if isMain { main = part } else { others.append((index, part)) }
        }

        if let main {
            record.package = main.package
            record.versionCode = main.versionCode
            record.versionName = main.versionName
            record.label = main.label
            record.labels = main.labels
            record.permissions = main.permissions
            record.usesInternet = main.usesInternet
            record.metaData = main.metaData
            record.signatureSchemes = main.signatureSchemes
            record.signers = main.signers
            record.verified = main.verified
        }
        record.filingNumbers = search.numbers
        record.filingSystemLinks = search.links

        let mainKeys = Set(record.signers.map(\.sha256))
        for (index, part) in others {
            let path = parts[index].name
            if let package = part.package, let expected = record.package, package != expected {
                record.warnings.append(Diagnostic(
                    .warning, "rpk.component-package-mismatch", "\(path) is package \(package), the app is \(expected)",
                    location: location.appending(path)))
            }
            let keys = Set(part.signers.map(\.sha256))
            if main != nil, keys != mainKeys {
                record.warnings.append(Diagnostic(
                    .warning, "rpk.component-signer-mismatch",
                    "\(path) is signed by \(describe(keys)), the app by \(describe(mainKeys))", location: location.appending(path)))
            }
        }
        // hap-toolkit signs the .rpks too; the runtime checks the parts, so only a contradiction matters.
        let outer = RPK.SigningBlock.read(archive)
        record.warnings += outer.warnings.map { $0.located(location) }
        let outerKeys = Set(outer.signers.map(\.sha256))
        if main != nil, !outerKeys.isEmpty, outerKeys != mainKeys {
            record.warnings.append(Diagnostic(
                .warning, "rpk.component-signer-mismatch",
                "the .rpks itself is signed by \(describe(outerKeys)), the app by \(describe(mainKeys))", location: location))
        }
        return record
    }

    private static func describe(_ keys: Set<String>) -> String {
        keys.isEmpty ? "no certificate" : keys.sorted().joined(separator: ", ")
    }

    /// `cn.example.app.sub1.srpk` → `sub1` (`base` for the main one); nil for the whole `.rpk`.
    static func subpackageName(_ path: String, package: String?) -> String? {
        guard path.lowercased().hasSuffix(".srpk") else { return nil }
        var stem = String(path.dropLast(".srpk".count))
        if let package, stem.hasPrefix(package + ".") {
            stem = String(stem.dropFirst(package.count + 1))
        } else if let dot = stem.lastIndex(of: ".") {
            stem = String(stem[stem.index(after: dot)...])
        }
        return stem.isEmpty ? nil : stem
    }
}
