import PresetScanCore

extension Ext4.Filesystem {
    /// Entries of a directory inode, in name order, without `.` and `..`.
    func directoryEntries(_ dir: Ext4.Inode) throws -> [Ext4.DirectoryEntry] {
        var entries: [Ext4.DirectoryEntry] = []
        if dir.hasInlineData {
            // i_block: 4-byte parent inode, then entries; more entries in system.data.
            entries += try Ext4.DirectoryEntry.parseBlock(Array(dir.block[4...]), base: dir.offset + 0x2c, blockSize: 56)
            if !dir.inlineDataTail.isEmpty {
                entries += try Ext4.DirectoryEntry.parseBlock(dir.inlineDataTail, base: dir.offset, blockSize: dir.inlineDataTail.count)
            }
        } else {
            // Linear directories this large do not exist (htree caps at ~2^32 entries of 3 levels, far
            // below this in practice); a hostile i_size must not make the walk read forever.
            guard dir.size <= 256 << 20 else {
                throw ParseError("ext4 inode \(dir.number)", at: dir.offset, "directory size \(dir.size) exceeds 256 MiB")
            }
            let data = try contents(of: dir)
            let bs = Int(blockSize)
            var offset: UInt64 = 0
            while offset < data.size {
                let n = Int(min(UInt64(bs), data.size - offset))
                entries += try Ext4.DirectoryEntry.parseBlock(try data.read(at: offset, count: n), base: offset, blockSize: bs)
                offset += UInt64(n)
            }
        }
        return entries.filter { $0.name != [0x2e] && $0.name != [0x2e, 0x2e] }.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    }

    /// A symlink's target (fast symlinks keep it in `i_block`).
    func symlinkTarget(_ inode: Ext4.Inode) -> String {
        guard inode.size < 4096 else { return "?" }
        if !inode.usesExtents, !inode.hasInlineData, inode.size < 60 {
            return String(decoding: inode.block.prefix(Int(inode.size)), as: UTF8.self)
        }
        guard let source = try? contents(of: inode), let bytes = try? source.readAll() else { return "?" }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Visits every regular file depth-first in name order. Symbolic links are reported when
    /// they name an app package and never followed; a directory reached twice is a loop.
    public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
        if source.size < declaredSize {
            note(ContainerNote(.error, "ext4.truncated",
                "ext4 image truncated: \(source.size) bytes of \(declaredSize); files past the end cannot be read"))
        }
        if superblock.featureIncompat & Ext4.Superblock.incompatRecover != 0 {
            note(ContainerNote(.warning, "ext4.needs-recovery", "the journal needs recovery; files are read as the image holds them"))
        }
        var visitedDirectories: Set<UInt32> = []
        var bounds = WalkBounds(limits)
        func walk(_ dirInode: UInt32, _ prefix: String) throws {
            guard !bounds.stopped else { return }
            guard visitedDirectories.insert(dirInode).inserted else {
                note(ContainerNote(.error, "ext4.directory-loop", "directory inode \(dirInode) is reached twice; not entered again",
                                   path: prefix.isEmpty ? nil : prefix))
                return
            }
            let dir: Ext4.Inode
            let entries: [Ext4.DirectoryEntry]
            do {
                dir = try inode(dirInode)
                // Only the root can get here without the mode check below (a zeroed or clobbered
                // inode 2): say so rather than list an empty filesystem.
                guard dir.isDirectory else {
                    note(ContainerNote(.error, "ext4.unreadable-directory",
                        "inode \(dirInode) is not a directory (mode 0o\(String(dir.mode, radix: 8))); nothing under it can be listed",
                        path: prefix.isEmpty ? nil : prefix))
                    return
                }
                entries = try directoryEntries(dir)
            } catch {
                note(ContainerNote(.error, "ext4.unreadable-directory", "directory unreadable: \(error)", path: prefix.isEmpty ? nil : prefix))
                return
            }
            for entry in entries {
                guard bounds.count(note) else { return }
                guard let path = bounds.path(entry.name, under: prefix, note) else { continue }
                let name = String(decoding: entry.name, as: UTF8.self)
                let child: Ext4.Inode
                do { child = try inode(entry.inode) } catch {
                    note(ContainerNote(.error, "ext4.unreadable-inode", "\(error)", path: path))
                    continue
                }
                if child.isDirectory {
                    try walk(entry.inode, path)
                } else if child.isSymlink {
                    if name.lowercased().hasSuffix(".apk") {
                        note(ContainerNote(.info, "ext4.symlink", "symbolic link to \(symlinkTarget(child)); not followed", path: path))
                    }
                } else if child.isRegular {
                    if child.flags & Ext4.Inode.flagEncrypt != 0 {
                        note(ContainerNote(.error, "ext4.encrypted", "file is encrypted (fscrypt); not read", path: path))
                        continue
                    }
                    let source: ByteSource
                    do { source = try contents(of: child) } catch {
                        let code = (error as? ContainerError)?.code ?? "ext4.unreadable-file"
                        note(ContainerNote(.error, code, "\(error)", path: path))
                        continue
                    }
                    try visit(ContainerEntry(path: path, size: child.size, source: source))
                }
            }
        }
        try walk(2, "")
    }
}
