import PresetScanCore

extension Payload {
    /// A `payload.bin` walked as a container: one entry per partition, named by `partition_name`.
    ///
    /// Partitions are views decoded lazily, block by block as they are read. A partition that needs
    /// the source build (any operation other than a full replace/zero/discard, or source extents)
    /// is a PS009 note `ota.incremental`, not an entry.
    public final class File: Container {
        public let source: ByteSource
        public let header: Header
        public let manifest: Manifest
        /// The OTA zip's metadata, when the payload came from one.
        public let metadata: OTA.Metadata
        let context: UnpackContext
        let cache = OperationCache()

        /// Reads the header and the manifest (nothing else); `source` may be a `PackagedSource`.
        public init(source: ByteSource, context: UnpackContext) throws {
            self.source = source
            self.context = context
            self.metadata = (source as? PackagedSource)?.metadata ?? OTA.Metadata()
            let head = try source.read(at: 0, count: Int(min(source.size, UInt64(Header.size))))
            var r = ByteReader(head, structure: "payload header")
            let header = try Header.parse(&r)
            self.header = header
            guard UInt64(Header.size) + header.manifestSize <= source.size else {
                throw ContainerError("payload.truncated",
                    "manifest of \(header.manifestSize) bytes runs past the end of the payload (\(source.size) bytes)")
            }
            guard header.dataOffset <= source.size else {
                throw ContainerError("payload.truncated",
                    "metadata signature of \(header.metadataSignatureSize) bytes runs past the end of the payload (\(source.size) bytes)")
            }
            let bytes = try source.read(at: UInt64(Header.size), count: Int(header.manifestSize))
            self.manifest = try Manifest.parse(bytes, base: UInt64(Header.size))
        }

        public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
            var seen: Set<String> = []
            for (index, partition) in manifest.partitions.enumerated() {
                let name = partition.name
                guard !name.isEmpty, !name.contains("/"), name.utf8.count <= 128 else {
                    note(ContainerNote(.error, "payload.bad-partition-name",
                        "partition \(index) is named \"\(name.prefix(64))\", not a plain partition name; not read"))
                    continue
                }
                guard seen.insert(name).inserted else {
                    note(ContainerNote(.error, "payload.duplicate-partition", "\(name) appears more than once; the first is read", path: name))
                    continue
                }
                // A delta payload (minor_version != 0) may still rebuild some partitions from replaces alone:
                // those are read.
                if !partition.isFull {
                    if partition.operations.contains(where: { OperationType(rawValue: $0.type) == nil }) {
                        note(ContainerNote(.error, "payload.unknown-operation",
                            "\(name) uses an operation type this reader does not know; not read", path: name))
                        continue
                    }
                    note(OTA.incrementalNote(metadata, path: name))
                    continue
                }
                do {
                    let view = try Payload.partitionView(partition, index: index, blockSize: manifest.blockSize, payload: source,
                                                         dataStart: header.dataOffset, cache: cache, budget: context.budget)
                    // A partition whose first operations cannot be decoded would be skipped in silence
                    // as unknown content; it is a PS009 note instead.
                    do { _ = try view.read(at: 0, count: Int(min(view.size, UInt64(ContentDetector.headLength)))) } catch {
                        note(ContainerNote(.error, "payload.unreadable", "\(error)", path: name))
                        continue
                    }
                    try visit(ContainerEntry(path: name, size: view.size, source: view))
                } catch let e as ContainerError {
                    note(ContainerNote(.error, e.code, e.message, path: name))
                } catch let e as ByteSourceError {
                    note(ContainerNote(.error, "payload.unreadable", "\(e)", path: name))
                }
            }
        }
    }
}
