import PresetScanCore

extension EROFS.Filesystem {
    /// Entries of a directory inode, in name order, without `.` and `..`.
    func directoryEntries(_ dir: EROFS.Inode) throws -> [EROFS.DirectoryEntry] {
        // A directory this large does not exist in firmware; a hostile i_size must not make the walk read forever.
        guard dir.size <= 64 << 20 else {
            throw ParseError("EROFS inode \(dir.nid)", at: dir.offset, "directory size \(dir.size) exceeds 64 MiB")
        }
        let data = try contents(of: dir)
        var entries: [EROFS.DirectoryEntry] = []
        var offset: UInt64 = 0
        while offset < data.size {
            let n = Int(min(blockSize, data.size - offset))
            entries += try EROFS.DirectoryEntry.parseBlock(try data.read(at: offset, count: n), base: offset)
            offset += UInt64(n)
        }
        return entries.filter { $0.name != [0x2e] && $0.name != [0x2e, 0x2e] }.sorted { $0.name.lexicographicallyPrecedes($1.name) }
    }

    /// A symlink's target, for messages.
    func symlinkTarget(_ inode: EROFS.Inode) -> String {
        guard inode.size < 4096, let source = try? contents(of: inode), let bytes = try? source.readAll() else { return "?" }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Visits every regular file depth-first in name order. Symbolic links are reported when they
    /// name an app package and never followed; a directory reached twice is a loop.
    public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
        if source.size < declaredSize {
            note(ContainerNote(.error, "erofs.truncated",
                "EROFS image truncated: \(source.size) bytes of \(declaredSize); files past the end cannot be read"))
        }
        var visitedDirectories: Set<UInt64> = []
        var bounds = WalkBounds(limits)
        func walk(_ nid: UInt64, _ prefix: String, depth: Int) throws {
            guard !bounds.stopped else { return }
            let at = prefix.isEmpty ? nil : prefix
            guard visitedDirectories.insert(nid).inserted else {
                note(ContainerNote(.error, "erofs.directory-loop", "directory nid \(nid) is reached twice; not entered again", path: at))
                return
            }
            guard depth < 512 else {
                note(ContainerNote(.error, "limit.path-length", "directories nested deeper than 512; not entered", path: at))
                return
            }
            let entries: [EROFS.DirectoryEntry]
            do {
                let dir = try inode(nid)
                guard dir.isDirectory else { throw ParseError("EROFS inode \(nid)", at: dir.offset, "not a directory") }
                entries = try directoryEntries(dir)
            } catch {
                note(ContainerNote(.error, "erofs.unreadable-directory", "directory unreadable: \(error)", path: at))
                return
            }
            for entry in entries {
                guard bounds.count(note) else { return }
                guard let path = bounds.path(entry.name, under: prefix, note) else { continue }
                let name = String(decoding: entry.name, as: UTF8.self)
                let child: EROFS.Inode
                do { child = try inode(entry.nid) } catch {
                    note(ContainerNote(.error, "erofs.unreadable-inode", "\(error)", path: path))
                    continue
                }
                if child.isDirectory {
                    try walk(entry.nid, path, depth: depth + 1)
                } else if child.isSymlink {
                    if name.lowercased().hasSuffix(".apk") {
                        note(ContainerNote(.info, "erofs.symlink", "symbolic link to \(symlinkTarget(child)); not followed", path: path))
                    }
                } else if child.isRegular {
                    let source: ByteSource
                    do { source = try contents(of: child) } catch {
                        let code = (error as? ContainerError)?.code ?? "erofs.unreadable-file"
                        note(ContainerNote(.error, code, "\(error)", path: path))
                        continue
                    }
                    try visit(ContainerEntry(path: path, size: child.size, source: source))
                }
            }
        }
        try walk(UInt64(superblock.rootNid), "", depth: 0)
    }
}
