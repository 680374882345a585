import PresetScanCore

extension Squashfs.Image {
    private struct ListingKey: Hashable {
        var block: UInt32
        var offset: UInt16
    }

    /// Visits every regular file depth-first in name order. Symbolic links are reported when they
    /// name an app package and never followed; a directory listing reached twice is a loop; names
    /// that are empty, `.`, `..` or hold `/` (path traversal) are reported and skipped.
    public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
        // The directory reader is stateful: one walk at a time (file reads use their own readers).
        try walking.withLock { _ in try walkAll(note, visit) }
    }

    private func walkAll(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
        for n in openingNotes { note(n) }
        let root: Squashfs.Inode
        do { root = try directories.rootInode() } catch let e as Squashfs.LibraryError {
            throw e.asContainerError
        }
        guard root.kind == .directory else {
            throw ContainerError("squashfs.corrupted", "squashfs: the root inode \(root.number) is not a directory")
        }
        let dataEnd = min(superblock.bytesUsed, source.size)
        var visited: Set<ListingKey> = []
        var bounds = WalkBounds(limits)

        func walk(_ dir: Squashfs.Inode, _ prefix: String, depth: Int) throws {
            let here = prefix.isEmpty ? nil : prefix
            guard !bounds.stopped else { return }
            guard depth <= Squashfs.maxDirectoryDepth else {
                note(ContainerNote(.error, "limit.directory-depth",
                    "directories nested deeper than \(Squashfs.maxDirectoryDepth); not entered", path: here))
                return
            }
            guard let listing = dir.listing,
                  visited.insert(ListingKey(block: listing.block, offset: listing.offset)).inserted else {
                note(ContainerNote(.error, "squashfs.directory-loop",
                    "directory inode \(dir.number) lists a directory already walked; not entered again", path: here))
                return
            }
            let (found, error) = directories.entries(of: dir, limit: limits.maxEntries - bounds.entries)
            if let error {
                note(ContainerNote(.error, error.containerCode, "directory partly unreadable: \(error)", path: here))
            }
            for entry in found.sorted(by: { $0.name.lexicographicallyPrecedes($1.name) }) {
                guard bounds.count(note) else { return }
                let name = String(decoding: entry.name, as: UTF8.self)
                if entry.name.isEmpty || entry.name == [0x2e] || entry.name == [0x2e, 0x2e] || entry.name.contains(0x2f)
                    || entry.name.contains(0) {
                    note(ContainerNote(.error, "squashfs.bad-name", "directory entry name \(name.debugDescription) is not a file name; skipped",
                                       path: here))
                    continue
                }
                guard let path = bounds.path(entry.name, under: prefix, note) else { continue }
                let inode: Squashfs.Inode
                switch entry.inode {
                case .success(let i): inode = i
                case .failure(let e):
                    note(ContainerNote(.error, e.containerCode, "inode unreadable: \(e)", path: path))
                    continue
                }
                switch inode.kind {
                case .directory:
                    try walk(inode, path, depth: depth + 1)
                    if bounds.stopped { return }
                case .symlink:
                    if name.lowercased().hasSuffix(".apk") {
                        note(ContainerNote(.info, "squashfs.symlink", "symbolic link to \(inode.symlinkTarget); not followed", path: path))
                    }
                case .file:
                    if let problem = dataProblem(inode, dataEnd: dataEnd) {
                        note(ContainerNote(.error, problem.code, problem.message, path: path))
                        continue
                    }
                    try visit(ContainerEntry(path: path, size: inode.fileSize, source: Squashfs.FileSource(image: self, inode: inode)))
                case .other:
                    break
                }
            }
        }
        try walk(root, "", depth: 0)
    }

    /// Why a file's data cannot all be read, found from its inode alone: blocks past the end of the
    /// image, or a fragment index outside the fragment table.
    private func dataProblem(_ inode: Squashfs.Inode, dataEnd: UInt64) -> (code: String, message: String)? {
        let start = inode.blockStart
        guard let onDisk = inode.dataBytesOnDisk else {
            return ("squashfs.data-out-of-range", "inode \(inode.number): block sizes overflow")
        }
        let (end, overflow) = start.addingReportingOverflow(onDisk)
        if overflow || end > superblock.bytesUsed {
            return ("squashfs.data-out-of-range",
                    "inode \(inode.number): data blocks at \(start)+\(onDisk) lie outside the \(superblock.bytesUsed)-byte image")
        }
        if end > dataEnd {
            return ("squashfs.truncated", "inode \(inode.number): data at \(start)+\(onDisk) lies past the end of the image (\(source.size) bytes)")
        }
        let fragment = inode.fragment
        if fragment.index != 0xffff_ffff, fragment.offset != 0xffff_ffff, inode.fileSize % UInt64(superblock.blockSize) != 0,
           fragment.index >= superblock.fragmentEntryCount {
            return ("squashfs.bad-fragment",
                    "inode \(inode.number): fragment \(fragment.index) is outside the \(superblock.fragmentEntryCount)-entry fragment table")
        }
        return nil
    }
}
