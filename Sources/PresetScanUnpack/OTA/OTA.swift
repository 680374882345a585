import PresetScanCore

/// Android OTA update zips: block-based (non-A/B, `<p>.transfer.list` + `<p>.new.dat[.br|.xz]`,
/// see `BlockOTA`) and A/B (`payload.bin`, see `Payload`).
///
/// Locations: a block OTA's partition is named by its new-data entry (`ota.zip!/system.new.dat.br!/app/Foo/Foo.apk`);
/// an A/B OTA's payload is a container whose entries are its partitions
/// (`update.zip!/payload.bin!/system!/system/priv-app/Foo/Foo.apk`).
///
/// Diagnostic codes (all PS009 errors unless noted): `ota.incremental` (a partition that needs the
/// source build; not scanned), `ota.metadata-unreadable`, `ota.streaming-property-mismatch` (warning),
/// `blockota.bad-transfer-list`, `blockota.missing-new-data`, `blockota.bad-new-data`,
/// `blockota.truncated`, `blockota.unreadable`, `payload.truncated`, `payload.bad-extent`,
/// `payload.unknown-operation`, `payload.operation-too-large`, `payload.bad-partition-name`,
/// `payload.duplicate-partition`, `payload.unreadable`, plus the zip and limit codes of any zip.
public enum OTA {
    /// Where an OTA zip states what it is (AOSP `ota_from_target_files`): `key=value` lines.
    public static let metadataEntry = "META-INF/com/android/metadata"
    public static let payloadEntry = "payload.bin"
    public static let transferListSuffix = ".transfer.list"
    /// Largest metadata file or transfer list read into memory.
    static let maxTextBytes = 64 << 20

    /// `META-INF/com/android/metadata`: one `key=value` per line.
    public struct Metadata: Sendable, Equatable {
        public var values: [String: String]

        public init(values: [String: String] = [:]) { self.values = values }

        public init(text: [UInt8]) {
            var values: [String: String] = [:]
            for line in text.split(separator: UInt8(ascii: "\n")) {
                guard let eq = line.firstIndex(of: UInt8(ascii: "=")) else { continue }
                let key = String(decoding: line[line.startIndex..<eq], as: UTF8.self)
                var value = String(decoding: line[(eq + 1)...], as: UTF8.self)
                if value.hasSuffix("\r") { value.removeLast() }
                if values[key] == nil { values[key] = value }
            }
            self.values = values
        }

        /// The build an incremental package applies to (`pre-build`), if stated.
        public var sourceBuild: String? { values["pre-build"].flatMap { $0.isEmpty ? nil : $0 } }

        /// `ota-streaming-property-files`: `name:offset:size` items, offsets into the zip file.
        public var streamingProperties: [String: (offset: UInt64, size: UInt64)] {
            var out: [String: (UInt64, UInt64)] = [:]
            for item in (values["ota-streaming-property-files"] ?? "").split(separator: ",") {
                let f = item.trimmingSpaces.split(separator: ":", omittingEmptySubsequences: false)
                guard f.count == 3, let o = UInt64(f[1]), let s = UInt64(f[2]) else { continue }
                out[String(f[0])] = (o, s)
            }
            return out
        }
    }

    /// The PS009 diagnostic of a partition that only an incremental package updates.
    static func incrementalNote(_ metadata: Metadata, path: String) -> ContainerNote {
        ContainerNote(.error, "ota.incremental",
                      "incremental OTA: needs the source build \(metadata.sourceBuild ?? "(not named: no pre-build in \(metadataEntry))")",
                      path: path)
    }

    /// The container to walk for a zip that is an OTA package, or nil for any other zip.
    ///
    /// A/B: a `payload.bin` entry and the OTA metadata. Block-based: any `*.transfer.list` entry.
    public static func container(archive: ZipArchive, context: UnpackContext) -> Container? {
        if archive.entry(named: payloadEntry) != nil, archive.entry(named: metadataEntry) != nil {
            return Package(archive: archive, context: context, kind: .ab)
        }
        if archive.entries.contains(where: { $0.name.hasSuffix(transferListSuffix) && !$0.isDirectory }) {
            return Package(archive: archive, context: context, kind: .block)
        }
        return nil
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while s.first == " " || s.first == "\n" { s.removeFirst() }
        while s.last == " " || s.last == "\n" { s.removeLast() }
        return s
    }
}

extension OTA {
    /// An OTA zip walked as a container: its partitions, and its other entries as a plain zip.
    final class Package: Container {
        enum Kind { case ab, block }
        let archive: ZipArchive
        let context: UnpackContext
        let kind: Kind

        init(archive: ZipArchive, context: UnpackContext, kind: Kind) {
            self.archive = archive
            self.context = context
            self.kind = kind
        }

        func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
            for d in archive.diagnostics { note(ContainerNote(d.severity, d.code, d.message)) }
            var metadata = Metadata()
            if let entry = archive.entry(named: metadataEntry) {
                do { metadata = Metadata(text: try archive.data(of: entry, maxBytes: maxTextBytes)) } catch {
                    note(ContainerNote(.error, "ota.metadata-unreadable", "\(error)", path: metadataEntry))
                }
            }
            var handled: Set<String> = [metadataEntry]
            switch kind {
            case .ab:
                handled.insert(payloadEntry)
                try visitPayload(metadata, note, visit)
            case .block:
                try BlockOTA.forEachPartition(archive: archive, context: context, metadata: metadata,
                                              handled: &handled, note, visit)
            }
            try visitOthers(skipping: handled, note, visit)
        }

        /// `payload.bin`, found through `ota-streaming-property-files` when the metadata has it.
        private func visitPayload(_ metadata: Metadata, _ note: (ContainerNote) -> Void,
                                  _ visit: (ContainerEntry) throws -> Void) throws {
            var source: ByteSource?
            let entry = archive.entry(named: payloadEntry)
            if let (offset, size) = metadata.streamingProperties[payloadEntry] {
                let zipSize = archive.source.size
                let (end, overflow) = offset.addingReportingOverflow(size)
                if !overflow, end <= zipSize, size >= 4, let magic = try? archive.source.read(at: offset, count: 4),
                   magic == Array("CrAU".utf8) {
                    source = try archive.source.slice(offset: offset, length: size)
                    if let entry, let stored = try? archive.storedSource(of: entry) as? SliceByteSource,
                       stored.offset != offset || stored.size != size {
                        note(ContainerNote(.warning, "ota.streaming-property-mismatch",
                            "ota-streaming-property-files puts payload.bin at \(offset)+\(size), the zip entry at \(stored.offset)+\(stored.size); read where the metadata says",
                            path: payloadEntry))
                    }
                } else {
                    note(ContainerNote(.warning, "ota.streaming-property-mismatch",
                        "ota-streaming-property-files puts payload.bin at \(offset)+\(size), where no payload is; read the zip entry",
                        path: payloadEntry))
                }
            }
            if source == nil, let entry {
                do { source = try EntryData.source(of: entry, in: archive, context: context) } catch {
                    note(ContainerNote(.error, "zip.entry-unreadable", "\(error)", path: payloadEntry))
                    return
                }
            }
            guard let source else { return }
            try visit(ContainerEntry(path: payloadEntry, size: source.size,
                                     source: Payload.PackagedSource(source, metadata: metadata)))
        }

        /// Entries that are not OTA parts (boot.img, firmware, a stray APK), read as any zip's are.
        private func visitOthers(skipping handled: Set<String>, _ note: (ContainerNote) -> Void,
                                 _ visit: (ContainerEntry) throws -> Void) throws {
            try ZipContainer(archive: archive, context: context, skipping: handled, reportsArchiveDiagnostics: false)
                .forEachFile(note, visit)
        }
    }
}
