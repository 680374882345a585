import PresetScanCore

/// A ZIP that is not an app package (an OTA zip, a split-APK set): its files, stored ones in place,
/// deflated ones inflated only when their first bytes show a format worth opening.
public final class ZipContainer: Container {
    public let archive: ZipArchive
    let context: UnpackContext
    /// Entries a caller has already read (an OTA's payload and metadata); not visited again.
    let skipping: Set<String>
    /// Whether the archive's own diagnostics are reported (false when the caller already did).
    let reportsArchiveDiagnostics: Bool

    public init(archive: ZipArchive, context: UnpackContext, skipping: Set<String> = [], reportsArchiveDiagnostics: Bool = true) {
        self.archive = archive
        self.context = context
        self.skipping = skipping
        self.reportsArchiveDiagnostics = reportsArchiveDiagnostics
    }

    public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
        if reportsArchiveDiagnostics {
            for d in archive.diagnostics { note(ContainerNote(d.severity, d.code, d.message)) }
        }
        let limits = context.limits
        if archive.entries.count > limits.maxEntries {
            note(ContainerNote(.error, "limit.entries", "\(archive.entries.count) entries, limit \(limits.maxEntries); the rest is not read"))
        }
        var seen = skipping
        for entry in archive.entries.prefix(limits.maxEntries) where !entry.isDirectory && !entry.isSymlink {
            let path = entry.debugName
            guard seen.insert(path).inserted else { continue }
            if path.utf8.count > limits.maxPathLength {
                note(ContainerNote(.error, "limit.path-length", "entry name longer than \(limits.maxPathLength) bytes; not read",
                                   path: String(path.prefix(256))))
                continue
            }
            do {
                if let stored = try archive.storedSource(of: entry) {
                    try visit(ContainerEntry(path: path, size: stored.size, source: stored))
                } else {
                    try inflated(entry, path: path, note: note, visit: visit)
                }
            } catch let e as ZipError {
                note(ContainerNote(.error, "zip.entry-unreadable", "\(e)", path: path))
            }
        }
    }

    private func inflated(_ entry: Zip.Entry, path: String, note: (ContainerNote) -> Void,
                          visit: (ContainerEntry) throws -> Void) throws {
        let (start, _) = try archive.dataOffset(of: entry)
        let source = archive.source
        guard start <= source.size, entry.compressedSize <= source.size - start else {
            throw ZipError.entry(name: path, reason: "compressed data runs past the end of the archive")
        }
        let limits = context.limits
        let (ratioCap, overflow) = max(entry.compressedSize, 1).multipliedReportingOverflow(by: limits.maxCompressionRatio)
        if !overflow, entry.uncompressedSize > max(ratioCap, 1 << 20) {
            note(ContainerNote(.error, "limit.ratio",
                "declares \(entry.uncompressedSize) bytes from \(entry.compressedSize) compressed (ratio limit \(limits.maxCompressionRatio)); not read",
                path: path))
            return
        }
        let cap = min(overflow ? UInt64.max : max(ratioCap, 1 << 20), max(entry.uncompressedSize, 0))
        let inflater = try StreamInflater()
        var head: [UInt8] = []
        var writer: SpillWriter?
        var produced: UInt64 = 0
        var consumed: UInt64 = 0
        var decided = false
        struct Stop: Error {}
        do {
            while consumed < entry.compressedSize && !inflater.finished {
                let n = Int(min(1 << 20, entry.compressedSize - consumed))
                let chunk = try source.read(at: start + consumed, count: n)
                consumed += UInt64(n)
                try inflater.feed(chunk) { buf in
                    produced += UInt64(buf.count)
                    guard produced <= cap else {
                        note(ContainerNote(.error, "limit.ratio", "inflates past its declared \(entry.uncompressedSize) bytes; not read", path: path))
                        throw Stop()
                    }
                    guard context.budget.take(UInt64(buf.count)) else {
                        note(ContainerNote(.error, "limit.total-bytes", "total decompressed bytes limit \(context.budget.limit) reached; not read", path: path))
                        throw Stop()
                    }
                    if let writer { try writer.write(buf); return }
                    head += buf
                    if head.count >= ContentDetector.streamHeadLength || produced == entry.uncompressedSize {
                        decided = true
                        if ContentDetector.detect(head: head) == .unknown { throw Stop() }
                        let w = try context.temporary.makeFile()
                        try head.withUnsafeBytes { try w.write($0) }
                        writer = w
                    }
                }
            }
        } catch is Stop {
            if !decided { return }
            if writer == nil {
                try visit(ContainerEntry(path: path, size: entry.uncompressedSize, source: nil, knownKind: .unknown,
                                         head: Array(head.prefix(ContentDetector.streamHeadLength))))
            }
            return
        } catch let e as InflateError {
            note(ContainerNote(.error, "zip.entry-unreadable", "\(e)", path: path))
            return
        }
        if let writer {
            let spilled = try writer.finish()
            try visit(ContainerEntry(path: path, size: spilled.size, source: spilled))
        } else {
            // Ended before the head was complete: small entry, kept in memory.
            try visit(ContainerEntry(path: path, size: UInt64(head.count), source: MemoryByteSource(head)))
        }
    }
}
