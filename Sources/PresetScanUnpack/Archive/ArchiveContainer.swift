import PresetScanCore

/// An archive read through libarchive (tar with any filter, cpio, 7z, iso9660, ar, or a single
/// compressed stream). Entries are streamed: one whose first bytes show a known format is spilled to
/// the run's temporary folder (bounded by the run's byte budget); the rest are only counted.
public final class ArchiveContainer: Container {
    let source: ByteSource
    let context: UnpackContext

    public init(source: ByteSource, context: UnpackContext) {
        self.source = source
        self.context = context
    }

    /// A name cleaned for a location part: no leading `./` or `/`.
    static func clean(_ path: String) -> String {
        var p = Substring(path)
        while p.hasPrefix("./") || p.hasPrefix("/") { p = p.hasPrefix("./") ? p.dropFirst(2) : p.dropFirst() }
        return String(p)
    }

    public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
        let handle: ArchiveHandle
        do { handle = try ArchiveHandle(source: source) } catch let e as ArchiveError {
            throw ContainerError("archive.unreadable", e.message)
        }
        let limits = context.limits
        var count = 0
        var produced: UInt64 = 0
        while true {
            let header: ArchiveHandle.Header
            do {
                guard let h = try handle.nextHeader() else { return }
                header = h
            } catch let e as ArchiveError {
                note(ContainerNote(.error, "archive.truncated", "archive unreadable after \(count) entries: \(e.message)"))
                return
            }
            count += 1
            if count > limits.maxEntries {
                note(ContainerNote(.error, "limit.entries", "more than \(limits.maxEntries) entries; the rest is not read"))
                return
            }
            let path = Self.clean(header.path)
            if let w = header.warning { note(ContainerNote(.warning, "archive.warning", w, path: path)) }
            if path.split(separator: "/").contains("..") {
                note(ContainerNote(.warning, "archive.suspicious-name", "entry name \(header.path) climbs out of the archive", path: path))
            }
            if path.utf8.count > limits.maxPathLength {
                note(ContainerNote(.error, "limit.path-length", "entry name longer than \(limits.maxPathLength) bytes; not read",
                                   path: String(path.prefix(256))))
                continue
            }
            if header.isSymlink, path.lowercased().hasSuffix(".apk") {
                note(ContainerNote(.info, "archive.symlink", "symbolic link to \(header.symlinkTarget ?? "?"); not followed", path: path))
            }
            guard header.isRegular else { continue }
            var head: [UInt8] = []
            var writer: SpillWriter?
            var decided = false
            var kind = ContentKind.unknown
            var size: UInt64 = 0
            var stopped = false
            do {
                while let (offset, block) = try handle.nextBlock() {
                    let end = offset + UInt64(block.count)
                    let grown = end > size ? end - size : 0
                    produced += grown
                    let compressed = max(handle.compressedBytesRead, 1)
                    if produced > 64 << 20, produced / compressed > limits.maxCompressionRatio {
                        note(ContainerNote(.error, "limit.ratio",
                            "archive decompresses \(produced) bytes from \(compressed) (ratio limit \(limits.maxCompressionRatio)); the rest is not read",
                            path: path))
                        return
                    }
                    guard context.budget.take(grown) else {
                        note(ContainerNote(.error, "limit.total-bytes",
                            "total decompressed bytes limit \(context.budget.limit) reached; the rest is not read", path: path))
                        return
                    }
                    if stopped { size = max(size, end); continue }
                    if let writer {
                        if offset > size { try writeZeros(writer, offset - size) }
                        if offset >= size || end > size {
                            try writer.write(UnsafeRawBufferPointer(rebasing: block[Int(size > offset ? size - offset : 0)...]))
                        }
                        size = max(size, end)
                        continue
                    }
                    if offset > UInt64(head.count) { head += [UInt8](repeating: 0, count: Int(min(offset - UInt64(head.count), 1 << 16))) }
                    head += block
                    size = max(size, end)
                    if head.count >= ContentDetector.streamHeadLength {
                        decided = true
                        kind = ContentDetector.detect(head: head)
                        if kind == .unknown { stopped = true; continue }
                        let w = try context.temporary.makeFile()
                        try head.withUnsafeBytes { try w.write($0) }
                        writer = w
                    }
                }
            } catch let e as ArchiveError {
                note(ContainerNote(.error, "archive.truncated", "entry data unreadable: \(e.message)", path: path))
                return
            }
            if let writer {
                let spilled = try writer.finish()
                try visit(ContainerEntry(path: path, size: spilled.size, source: spilled))
            } else if decided {
                try visit(ContainerEntry(path: path, size: size, source: nil, knownKind: .unknown,
                                         head: Array(head.prefix(ContentDetector.streamHeadLength))))
            } else {
                try visit(ContainerEntry(path: path, size: UInt64(head.count), source: MemoryByteSource(head)))
            }
        }
    }

    private func writeZeros(_ writer: SpillWriter, _ count: UInt64) throws {
        let zeros = [UInt8](repeating: 0, count: 64 << 10)
        var left = count
        while left > 0 {
            let n = Int(min(left, UInt64(zeros.count)))
            try zeros.withUnsafeBytes { try writer.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            left -= UInt64(n)
        }
    }
}
