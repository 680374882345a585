import PresetScanCore
import PresetScanCrypto
import PresetScanUnpack

/// The layout of an iOS app archive: `Payload/NAME.app/` with `Info.plist`, the main executable,
/// `*.lproj/`, `embedded.mobileprovision`, and nested bundles (`PlugIns/*.appex`,
/// `Frameworks/*.framework`, `Frameworks/*.dylib`, `Watch/*.app`) that belong to the same app.
enum IPA {
    /// Nested bundles listed as components of one app.
    static let maxComponents = 512

    /// `Payload/NAME.app/` of every bundle with an `Info.plist` directly under `Payload/`, sorted.
    static func appDirectories(_ archive: ZipArchive) -> [String] {
        archive.entries.filter { IPAReader.isMainInfoPlist($0.name) }
            .map { String($0.name.dropLast("Info.plist".count)) }
            .sorted()
    }

    /// One nested bundle of the app (SPEC §7: plug-ins and frameworks belong to the app).
    struct NestedBundle: Hashable {
        /// Path in the archive without a trailing slash: `Payload/X.app/PlugIns/Share.appex`.
        var path: String
        /// `plugin`, `framework` or `watch`.
        var role: String
        /// A bare `*.dylib` is its own executable; a bundle is a directory.
        var isDylib: Bool
    }

    /// The nested bundles under `app` (which ends with `/`), at any depth (a watch app's plug-ins
    /// too), in path order.
    static func nestedBundles(_ archive: ZipArchive, app: String) -> [NestedBundle] {
        var found: Set<NestedBundle> = []
        for entry in archive.entries where entry.name.hasPrefix(app) {
            let parts = entry.name.dropFirst(app.count).split(separator: "/", omittingEmptySubsequences: false)
            for i in parts.indices.dropFirst() {
                let parent = parts[i - 1], name = parts[i]
                let isLast = i == parts.count - 1
                let path = app + parts[0...i].joined(separator: "/")
                if parent == "PlugIns", name.hasSuffix(".appex"), !isLast {
                    found.insert(NestedBundle(path: path, role: "plugin", isDylib: false))
                } else if parent == "Frameworks", name.hasSuffix(".framework"), !isLast {
                    found.insert(NestedBundle(path: path, role: "framework", isDylib: false))
                } else if parent == "Frameworks", name.hasSuffix(".dylib"), isLast {
                    found.insert(NestedBundle(path: path, role: "framework", isDylib: true))
                } else if parent == "Watch", name.hasSuffix(".app"), !isLast {
                    found.insert(NestedBundle(path: path, role: "watch", isDylib: false))
                }
            }
            if found.count >= maxComponents { break }
        }
        return found.sorted { $0.path < $1.path }
    }

    /// Bytes of the entry `name`, bounded; nil when there is no such entry.
    static func entryBytes(_ archive: ZipArchive, _ name: String, maxBytes: Int) throws -> [UInt8]? {
        guard let entry = archive.entry(named: name), !entry.isDirectory else { return nil }
        return try archive.data(of: entry, maxBytes: maxBytes)
    }

    /// A bundle's `Info.plist`, parsed; nil when absent.
    static func infoPlist(_ archive: ZipArchive, bundle: String) throws -> InfoPlist? {
        guard let bytes = try entryBytes(archive, bundle + "/Info.plist", maxBytes: PropertyList.Limits.default.maxBytes) else {
            return nil
        }
        let plist = try PropertyList.parse(bytes)
        guard plist.dictionary != nil else {
            throw ParseError("Info.plist", at: 0, "the property list is not a dictionary")
        }
        return InfoPlist(plist: plist)
    }

    /// What one executable's code signature gives: the signer certificates over every slice,
    /// and the parsed slices and bytes (for the string-section search).
    struct Executable {
        var path: String
        var source: ByteSource?
        var slices: [MachO.Slice] = []
        /// Leaf first, each once, in slice order.
        var signers: [X509Certificate] = []
        var warnings: [Diagnostic] = []

        var signerSha256: [String] { signers.map { Digest.sha256($0.der).hexString } }
    }

    /// Reads the Mach-O at `path` and the CMS signature of each of its slices. Problems are
    /// warnings placed at `location!/path`: an unsigned app is still identified.
    static func executable(_ archive: ZipArchive, path: String, location: Location, limits: Limits) -> Executable {
        var result = Executable(path: path)
        let here = location.appending(path)
        guard let entry = archive.entry(named: path), !entry.isDirectory else {
            result.warnings.append(Diagnostic(.warning, "ipa.no-executable", "\(path) is missing: no code signature to read", location: location))
            return result
        }
        let source: ByteSource
        do {
            source = try archive.entrySource(entry, maxBytes: limits.maxEntryBytes)
            result.source = source
            result.slices = try MachO.slices(of: source)
        } catch {
            result.warnings.append(Diagnostic(.warning, "ipa.macho-unreadable", "\(error)", location: here))
            return result
        }
        for slice in result.slices where slice.encryptedRange != nil {
            result.warnings.append(Diagnostic(.warning, "ipa.executable-encrypted",
                "the \(slice.architecture) slice is FairPlay-encrypted (LC_ENCRYPTION_INFO cryptid set): its strings cannot be searched for filing numbers",
                location: here))
        }
        var perSlice: [(architecture: String, sha256: Set<String>)] = []
        for slice in result.slices {
            do {
                guard let contents = try MachO.SuperBlob.read(slice, in: source) else {
                    result.warnings.append(Diagnostic(.warning, "ipa.codesign-missing",
                        "the \(slice.architecture) slice has no LC_CODE_SIGNATURE: unsigned", location: here))
                    continue
                }
                guard let cms = contents.cms, !cms.isEmpty else {
                    result.warnings.append(Diagnostic(.warning, "ipa.codesign-adhoc",
                        "the \(slice.architecture) slice is ad hoc signed (no CMS signature): no signer certificate", location: here))
                    continue
                }
                let certificates = try MachO.SuperBlob.signers(cms: cms)
                perSlice.append((slice.architecture, Set(certificates.map { Digest.sha256($0.der).hexString })))
                for certificate in certificates where !result.signers.contains(certificate) {
                    result.signers.append(certificate)
                }
            } catch {
                result.warnings.append(Diagnostic(.warning, "ipa.codesign-unreadable", "\(slice.architecture) slice: \(error)", location: here))
            }
        }
        if let first = perSlice.first, let other = perSlice.first(where: { $0.sha256 != first.sha256 }) {
            result.warnings.append(Diagnostic(.warning, "ipa.codesign-slices-differ",
                "the \(first.architecture) and \(other.architecture) slices are signed by different certificates", location: here))
        }
        return result
    }
}
