import Foundation
import PresetScanCore
import PresetScanUnpack
import SwiftProtobuf

/// Split APK sets: a base APK and its splits in one ZIP (SPEC §7 `apks`, `xapk`, `apkm`).
enum SplitSet {
    /// Bytes of a table of contents read before decoding (`toc.pb`, `manifest.json`, `info.json`):
    /// real ones are a few KiB; a larger one is refused rather than decoded.
    static let maxMetadataBytes = 4 << 20
    /// APKs read from one set; the rest are reported, never silently skipped.
    static let maxAPKs = 256

    /// What the set's own table of contents says, whichever format it is in.
    struct Metadata: Sendable, Equatable {
        /// `apks` (bundletool `toc.pb`, or no table of contents), `xapk`, `apkm`.
        var kind: String
        /// Where the package name and version were read, for diagnostics (`toc.pb`, `manifest.json`, `info.json`).
        var source: String?
        var package: String?
        var versionCode: UInt64?
        var versionName: String?
        /// Entry paths that may be the base, best first (the first one present in the ZIP wins).
        var baseCandidates: [String]
        /// Role of each APK the table of contents names, by path: `split` or `standalone`.
        var roles: [String: String]
        /// The APKM says its APKs are encrypted (only the APKMirror installer can read them).
        var claimsEncryption = false
        /// What could not be read in the table of contents itself.
        var diagnostics: [Diagnostic] = []

        init(kind: String, source: String? = nil, baseCandidates: [String] = [], roles: [String: String] = [:]) {
            self.kind = kind
            self.source = source
            self.baseCandidates = baseCandidates
            self.roles = roles
        }
    }

    /// Bytes of `manifest.json` / `info.json` looked at by `SplitSetReader.accepts`.
    static let maxDetectionBytes = 256 << 10

    /// Whether a small JSON entry contains one of `keys` (as written, quotes included): a cheap
    /// content test, no JSON parsing.
    static func mentions(_ entry: Zip.Entry, in archive: ZipArchive, anyOf keys: [String]) -> Bool {
        guard entry.uncompressedSize <= UInt64(maxDetectionBytes),
            let bytes = try? archive.data(of: entry, maxBytes: maxDetectionBytes)
        else { return false }
        return keys.contains { key in
            let needle = Array(key.utf8)
            guard bytes.count >= needle.count else { return false }
            return (0...(bytes.count - needle.count)).contains { start in
                bytes[start] == needle[0] && bytes[start..<(start + needle.count)].elementsEqual(needle)
            }
        }
    }

    /// Reads the table of contents: bundletool's `toc.pb`, XAPK's `manifest.json`, APKM's
    /// `info.json`, or none (a set saved as `base.apk` + `split_*.apk`).
    static func metadata(of archive: ZipArchive) -> Metadata {
        if let entry = archive.entry(named: "toc.pb") { return tableOfContents(archive, entry) }
        if let entry = archive.entry(named: "manifest.json") { return xapkManifest(archive, entry) }
        if let entry = archive.entry(named: "info.json") { return apkmInfo(archive, entry) }
        return Metadata(kind: "apks", baseCandidates: ["base.apk", "splits/base-master.apk"])
    }

    /// The bytes of a small metadata entry; nil (and a warning in `metadata`) when they cannot be had.
    private static func bytes(of entry: Zip.Entry, in archive: ZipArchive, code: String, into metadata: inout Metadata) -> [UInt8]? {
        guard entry.uncompressedSize <= UInt64(maxMetadataBytes) else {
            metadata.diagnostics.append(Diagnostic(.warning, code,
                "\(entry.debugName): \(entry.uncompressedSize) bytes, over the \(maxMetadataBytes)-byte limit "
                    + "for a table of contents; not read"))
            return nil
        }
        do {
            return try archive.data(of: entry, maxBytes: maxMetadataBytes)
        } catch {
            metadata.diagnostics.append(Diagnostic(.warning, code, "\(entry.debugName): \(error)"))
            return nil
        }
    }

    // MARK: - bundletool toc.pb

    /// `toc.pb` is a `BuildApksResult` (bundletool commands.proto). The base is the master split
    /// of module `base` in the highest-numbered variant (the one a device prefers); without one,
    /// a standalone or system APK (universal mode, pre-Lollipop variants).
    private static func tableOfContents(_ archive: ZipArchive, _ entry: Zip.Entry) -> Metadata {
        var metadata = Metadata(kind: "apks", source: "toc.pb")
        let toc: Android_Bundle_BuildApksResult
        do {
            guard let data = bytes(of: entry, in: archive, code: "apks.toc-unreadable", into: &metadata) else {
                metadata.baseCandidates = ["splits/base-master.apk", "base.apk"]
                return metadata
            }
            var options = BinaryDecodingOptions()
            options.messageDepthLimit = 32
            options.discardUnknownFields = true
            toc = try Android_Bundle_BuildApksResult(serializedBytes: data, options: options)
        } catch {
            metadata.diagnostics.append(Diagnostic(.warning, "apks.toc-unreadable", "toc.pb is no BuildApksResult: \(error)"))
            metadata.baseCandidates = ["splits/base-master.apk", "base.apk"]
            return metadata
        }
        metadata.package = toc.packageName.isEmpty ? nil : toc.packageName
        var masters: [(variant: UInt32, path: String)] = []
        var standalones: [String] = []
        for variant in toc.variant {
            for set in variant.apkSet {
                for apk in set.apkDescription where !apk.path.isEmpty {
                    switch apk.apkMetadataOneofValue {
                    case .splitApkMetadata(let split)?:
                        metadata.roles[apk.path] = "split"
                        if split.isMasterSplit, set.moduleMetadata.name == "base" {
                            masters.append((variant.variantNumber, apk.path))
                        }
                    case .standaloneApkMetadata?, .systemApkMetadata?:
                        metadata.roles[apk.path] = "standalone"
                        standalones.append(apk.path)
                    default:
                        metadata.roles[apk.path] = "split"
                    }
                }
            }
        }
        for slices in toc.assetSliceSet {
            for apk in slices.apkDescription where !apk.path.isEmpty { metadata.roles[apk.path] = "split" }
        }
        metadata.baseCandidates = masters.sorted { $0.variant > $1.variant }.map(\.path) + standalones
        if metadata.baseCandidates.isEmpty {
            metadata.baseCandidates = ["splits/base-master.apk", "base.apk"]
        }
        return metadata
    }

    // MARK: - XAPK manifest.json

    /// APKPure's `manifest.json`: `package_name`, `version_code`, `version_name`, and `split_apks`
    /// (`[{file, id}]`, the base has id `base`). An older XAPK has no `split_apks`: one APK, named
    /// after the package, beside its `expansions` (OBB files).
    private static func xapkManifest(_ archive: ZipArchive, _ entry: Zip.Entry) -> Metadata {
        var metadata = Metadata(kind: "xapk", source: "manifest.json")
        guard let object = jsonObject(archive, entry, code: "xapk.manifest-unreadable", into: &metadata) else {
            metadata.baseCandidates = ["base.apk"]
            return metadata
        }
        metadata.package = object["package_name"] as? String
        metadata.versionCode = unsigned(object["version_code"])
        metadata.versionName = text(object["version_name"])
        if let splits = object["split_apks"] as? [Any] {
            for case let split as [String: Any] in splits.prefix(maxAPKs) {
                guard let file = split["file"] as? String, !file.isEmpty else { continue }
                metadata.roles[file] = "split"
                if (split["id"] as? String) == "base" { metadata.baseCandidates.append(file) }
            }
        }
        if let package = metadata.package { metadata.baseCandidates.append(package + ".apk") }
        metadata.baseCandidates.append("base.apk")
        return metadata
    }

    // MARK: - APKM info.json

    /// APKMirror's `info.json`: `pname`, `versioncode`, `release_version`, `apkm_version`; the base
    /// is `base.apk`, the splits `split_*.apk`. APKM files of the first format are encrypted as a
    /// whole (no ZIP at all, see `encryptedAPKM(source:name:location:)`); an `info.json` that says
    /// `encrypted`, or APK entries that claim ZIP encryption, mean the same inside a ZIP.
    private static func apkmInfo(_ archive: ZipArchive, _ entry: Zip.Entry) -> Metadata {
        var metadata = Metadata(kind: "apkm", source: "info.json", baseCandidates: ["base.apk"])
        guard let object = jsonObject(archive, entry, code: "apkm.info-unreadable", into: &metadata) else { return metadata }
        metadata.package = object["pname"] as? String
        metadata.versionCode = unsigned(object["versioncode"])
        metadata.versionName = text(object["release_version"])
        if let flag = object["encrypted"] {
            metadata.claimsEncryption = (flag as? Bool) ?? ((flag as? NSNumber)?.intValue ?? 0 != 0)
        }
        return metadata
    }

    private static func jsonObject(
        _ archive: ZipArchive, _ entry: Zip.Entry, code: String, into metadata: inout Metadata
    ) -> [String: Any]? {
        guard let data = bytes(of: entry, in: archive, code: code, into: &metadata) else { return nil }
        guard let value = try? JSONSerialization.jsonObject(with: Data(data), options: [.fragmentsAllowed]),
            let object = value as? [String: Any]
        else {
            metadata.diagnostics.append(Diagnostic(.warning, code, "\(entry.debugName) is not a JSON object"))
            return nil
        }
        return object
    }

    /// A version code written as a number or a string of digits (both occur).
    static func unsigned(_ value: Any?) -> UInt64? {
        switch value {
        case let text as String: return UInt64(text.trimmingCharacters(in: .whitespaces))
        case let number as NSNumber:
            let double = number.doubleValue
            guard double >= 0, double < 18_446_744_073_709_551_616, double == double.rounded() else { return nil }
            return number.uint64Value
        default: return nil
        }
    }

    static func text(_ value: Any?) -> String? {
        switch value {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }
}
