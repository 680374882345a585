import PresetScanCore
import PresetScanUnpack

/// What a package reader is told besides the bytes.
public struct PackageReadOptions: Sendable {
    public var limits: Limits
    /// false skips the filing-number search (the costliest step), for callers that do not report numbers.
    public var searchFilingNumbers: Bool
    /// false skips signature verification, which reads every byte of a package (`verified` stays
    /// nil), for callers that do not report it, such as `list`.
    public var verifySignatures: Bool

    public init(limits: Limits = .default, searchFilingNumbers: Bool = true, verifySignatures: Bool = true) {
        self.limits = limits
        self.searchFilingNumbers = searchFilingNumbers
        self.verifySignatures = verifySignatures
    }
}

/// Reads one kind of app package (SPEC §7) from a ZIP whose content says it is that kind.
///
/// A new package kind is one reader plus one entry in `PackageReaders.table`; the firmware walk
/// and `inspect` never branch on kinds.
public protocol PackageReader: Sendable {
    /// The kind names this reader produces (`hap` and `hsp` share a reader).
    static var kinds: [String] { get }
    /// The platform its packages are built for (SPEC §7 table).
    static var platform: Platform { get }
    /// File-name suffixes that say "this kind" (lower case, with the dot): a ZIP so named that no
    /// reader accepts by content is still given to this reader, whose record then says what is missing.
    static var suffixes: [String] { get }
    /// Whether the archive's content (entry names, at most a small entry's bytes) is this kind.
    /// Cheap: it runs on every ZIP the walk meets.
    static func accepts(_ archive: ZipArchive) -> Bool
    /// Reads the package. Never throws: what cannot be read is in the record's `errors`.
    static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord
    /// Why `source`, named `name` and no ZIP at all, is still this kind but unreadable (an
    /// encrypted APKM); nil for the generic "not a ZIP" error.
    static func diagnoseNonZip(source: ByteSource, name: String, location: Location) -> Diagnostic?
}

extension PackageReader {
    public static func diagnoseNonZip(source: ByteSource, name: String, location: Location) -> Diagnostic? { nil }
}

/// The package kinds presetscan reads, in detection order, and the one entry point that reads any.
public enum PackageReaders {
    /// Detection order matters where contents overlap: an APK (manifest at the root) before the
    /// sets and bundles that hold APKs; an IPA before anything with a `manifest.json`.
    public static let table: [any PackageReader.Type] = [
        APKReader.self,
        AABReader.self,
        SplitSetReader.self,
        IPAReader.self,
        HarmonyAppPackReader.self,
        HAPReader.self,
        RPKReader.self,
    ]

    /// Every name suffix that says "app package" (SPEC §6).
    public static var suffixes: [String] { table.flatMap { $0.suffixes } }

    /// Whether `name` says "app package" by its suffix.
    public static func namesPackage(_ name: String) -> Bool {
        let lower = name.lowercased()
        return suffixes.contains { lower.hasSuffix($0) }
    }

    /// The reader whose content test `archive` passes; nil when it is no app package.
    public static func reader(for archive: ZipArchive) -> (any PackageReader.Type)? {
        table.first { $0.accepts(archive) }
    }

    /// The reader for `archive` by content, else by `name`'s suffix; nil: a plain ZIP.
    public static func reader(for archive: ZipArchive, name: String) -> (any PackageReader.Type)? {
        if let reader = reader(for: archive) { return reader }
        let lower = name.lowercased()
        return table.first { reader in reader.suffixes.contains { lower.hasSuffix($0) } }
    }

    /// Reads `source` as whichever package its content says it is (by `name` when the content says
    /// nothing). A source that is no ZIP, or a ZIP that is no package, gives a record whose
    /// `errors` say so: given as a package, it must not vanish.
    public static func read(source: ByteSource, location: Location, name: String, options: PackageReadOptions) -> AppRecord {
        let archive: ZipArchive
        do {
            archive = try ZipArchive(source: source, limits: options.limits)
        } catch let error as ZipError {
            var record = unreadRecord(location: location, name: name, size: source.size)
            if error == .notAZip,
               let reason = table.lazy.compactMap({ $0.diagnoseNonZip(source: source, name: name, location: location) }).first {
                record.errors.append(reason)
                return record
            }
            let code = error == .notAZip ? "\(record.kind).not-a-zip" : "\(record.kind).zip-unreadable"
            record.errors.append(Diagnostic(.error, code, "\(error)", location: location))
            return record
        } catch {
            var record = unreadRecord(location: location, name: name, size: source.size)
            record.errors.append(Diagnostic(.error, "\(record.kind).unreadable", "\(error)", location: location))
            return record
        }
        return read(archive: archive, location: location, name: name, options: options)
    }

    /// Reads an opened ZIP; see `read(source:location:name:options:)`.
    public static func read(archive: ZipArchive, location: Location, name: String, options: PackageReadOptions) -> AppRecord {
        if let reader = reader(for: archive, name: name) {
            return reader.read(archive: archive, location: location, options: options)
        }
        var record = unreadRecord(location: location, name: name, size: archive.source.size)
        record.warnings += archive.diagnostics.map { d in
            var d = d
            if d.location == nil { d.location = location }
            return d
        }
        record.errors.append(Diagnostic(.error, "package.unknown-kind",
            "a ZIP, but no app package of any platform: no AndroidManifest.xml, base/manifest/, toc.pb, module.json, config.json, pack.info, Payload/*.app/ or quick-app manifest.json",
            location: location))
        return record
    }

    /// The kind a name suggests, for records of packages that could not be read.
    static func kindGuess(_ name: String) -> String { guess(name).kind }

    /// The kind and platform of the reader whose suffix `name` has (`apk`, android when none).
    static func guess(_ name: String) -> (kind: String, platform: Platform) {
        let lower = name.lowercased()
        for reader in table {
            for suffix in reader.suffixes where lower.hasSuffix(suffix) {
                let kind = String(suffix.dropFirst())
                return (reader.kinds.contains(kind) ? kind : reader.kinds.first ?? kind, reader.platform)
            }
        }
        return ("apk", .android)
    }

    /// The record of a package that could not be read, with the kind and platform its name suggests.
    static func unreadRecord(location: Location, name: String, size: UInt64) -> AppRecord {
        let (kind, platform) = guess(name)
        return AppRecord(location: location, kind: kind, platform: platform, size: size)
    }
}

extension ZipArchive {
    /// The bytes of `entry` as a source: in place when stored, inflated into memory otherwise
    /// (bounded by `maxBytes`). For packages nested in packages (splits, HAPs of an APP pack).
    public func entrySource(_ entry: Zip.Entry, maxBytes: Int? = nil) throws -> ByteSource {
        if let stored = try storedSource(of: entry) { return stored }
        return MemoryByteSource(try data(of: entry, maxBytes: maxBytes))
    }
}

extension Diagnostic {
    /// The same diagnostic placed at `location` when it has none of its own.
    public func located(_ location: Location) -> Diagnostic {
        var d = self
        if d.location == nil { d.location = location }
        return d
    }
}
