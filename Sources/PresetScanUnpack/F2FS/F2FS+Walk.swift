import PresetScanCore

extension F2FS.Filesystem {
    /// Entries of a directory, in name order, without `.` and `..`: the inline dentry area, or every
    /// dentry block of its data (all hash levels and buckets alike), with the count of unusable slots.
    func directoryEntries(_ dir: F2FS.Inode) throws -> (entries: [F2FS.DirectoryEntry], bad: Int) {
        var entries: [F2FS.DirectoryEntry] = []
        var bad = 0
        if dir.hasInlineDentry {
            (entries, bad) = F2FS.DirectoryEntry.parseInline(dir.inlineArea)
        } else {
            // A directory of millions of entries stays far below this; a hostile i_size must not make
            // the walk read forever.
            guard dir.size <= 1 << 30 else {
                throw ContainerError("f2fs.bad-inode", "directory inode \(dir.ino): size \(dir.size) exceeds 1 GiB")
            }
            var blocks: [(UInt64, UInt32)] = []
            try forEachAddress(dir, blocks: Self.blocks(dir.size)) { blocks.append(($0, $1)) }
            for (logical, address) in blocks {
                let block = try readBlock(address, "directory inode \(dir.ino) block \(logical)")
                let (e, b) = F2FS.DirectoryEntry.parseBlock(block)
                entries += e
                bad += b
            }
        }
        let dots: Set<[UInt8]> = [[0x2e], [0x2e, 0x2e]]
        return (entries.filter { !dots.contains($0.name) }.sorted { $0.name.lexicographicallyPrecedes($1.name) }, bad)
    }

    /// A symlink's target: inline in the inode or in its data block.
    func symlinkTarget(_ inode: F2FS.Inode) -> String {
        guard inode.size < 4096, !inode.isEncrypted, let source = try? contents(of: inode),
              let bytes = try? source.readAll() else { return "?" }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Visits every regular file depth-first in name order. Symbolic links are reported when they
    /// name an app package and never followed; a directory reached twice is a loop; encrypted and
    /// undecodable compressed files are notes with their path.
    public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
        for n in openingNotes { note(n) }
        if source.size < declaredSize {
            note(ContainerNote(.error, "f2fs.truncated",
                "f2fs image truncated: \(source.size) bytes of \(declaredSize); files past the end cannot be read"))
        }
        if checkpoint.flags & F2FS.Checkpoint.flagUnmount == 0 {
            // An image taken from a running device: what was fsynced after the last checkpoint lives
            // only in node blocks that roll-forward recovery would replay (`f2fs_recover_fsync_data`).
            note(ContainerNote(.warning, "f2fs.needs-recovery",
                "the filesystem was not cleanly unmounted; files written after its last checkpoint are not read"))
        }
        var visitedDirectories: Set<UInt32> = []
        var bounds = WalkBounds(limits)
        func walk(_ dirIno: UInt32, _ prefix: String, depth: Int) throws {
            guard !bounds.stopped else { return }
            let at = prefix.isEmpty ? nil : prefix
            guard visitedDirectories.insert(dirIno).inserted else {
                note(ContainerNote(.error, "f2fs.directory-loop", "directory inode \(dirIno) is reached twice; not entered again", path: at))
                return
            }
            guard depth <= 512 else {
                note(ContainerNote(.error, "limit.depth", "directories nested more than 512 deep; not entered", path: at))
                return
            }
            let entries: [F2FS.DirectoryEntry]
            do {
                let dir = try inode(dirIno)
                guard dir.isDirectory else {
                    note(ContainerNote(.error, "f2fs.unreadable-directory",
                        "inode \(dirIno) is not a directory (mode 0o\(String(dir.mode, radix: 8))); nothing under it can be listed", path: at))
                    return
                }
                if dir.isEncrypted {
                    note(ContainerNote(.error, "f2fs.encrypted", "directory is encrypted (fscrypt); its files cannot be listed", path: at))
                    return
                }
                let bad: Int
                (entries, bad) = try directoryEntries(dir)
                if bad > 0 {
                    note(ContainerNote(.error, "f2fs.bad-dentry", "\(bad) directory entries are malformed and skipped", path: at))
                }
            } catch {
                note(ContainerNote(.error, (error as? ContainerError)?.code ?? "f2fs.unreadable-directory",
                                   "directory unreadable: \(error)", path: at))
                return
            }
            for entry in entries {
                guard bounds.count(note) else { return }
                guard let path = bounds.path(entry.name, under: prefix, note) else { continue }
                let name = String(decoding: entry.name, as: UTF8.self)
                let child: F2FS.Inode
                do { child = try inode(entry.ino) } catch {
                    note(ContainerNote(.error, (error as? ContainerError)?.code ?? "f2fs.unreadable-inode", "\(error)", path: path))
                    continue
                }
                if child.isDirectory {
                    try walk(entry.ino, path, depth: depth + 1)
                } else if child.isSymlink {
                    if name.lowercased().hasSuffix(".apk") {
                        note(ContainerNote(.info, "f2fs.symlink", "symbolic link to \(symlinkTarget(child)); not followed", path: path))
                    }
                } else if child.isRegular {
                    if child.isEncrypted {
                        note(ContainerNote(.error, "f2fs.encrypted", "file is encrypted (fscrypt); not read", path: path))
                        continue
                    }
                    let source: ByteSource
                    do { source = try contents(of: child) } catch {
                        note(ContainerNote(.error, (error as? ContainerError)?.code ?? "f2fs.unreadable-file", "\(error)", path: path))
                        continue
                    }
                    try visit(ContainerEntry(path: path, size: child.size, source: source))
                }
            }
        }
        try walk(superblock.rootInode, "", depth: 0)
    }
}
