#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PresetScanCore

/// A plain folder (an unpacked image, partitions pulled with adb). Links to folders are followed
/// only while they stay inside the folder (a folder reached twice is a loop, not re-entered); links
/// to files are reported, not followed, as in filesystem images.
public final class FolderContainer: Container {
    public let root: String
    let limits: UnpackLimits

    public init(root: String, limits: UnpackLimits) {
        self.root = root
        self.limits = limits
    }

    private struct FileID: Hashable { var device: UInt64; var inode: UInt64 }

    public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
        let realRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        var visited: Set<FileID> = []
        var count = 0
        func walk(_ dir: String, _ prefix: String) throws {
            var st = stat()
            guard stat(dir, &st) == 0 else { return }
            guard visited.insert(FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))).inserted else {
                note(ContainerNote(.error, "limit.symlink-loop", "folder reached again through a symbolic link; not entered again",
                                   path: prefix.isEmpty ? nil : prefix))
                return
            }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } } catch {
                note(ContainerNote(.error, "folder.unreadable", "cannot list folder: \(error.localizedDescription)", path: prefix.isEmpty ? nil : prefix))
                return
            }
            // A Qualcomm flat build: partitions its flash plans split over several files are read
            // joined, once; the pieces are not read again on their own.
            let flat = Qualcomm.FlatBuild(folder: dir, names: names)
            for n in flat.notes {
                note(ContainerNote(n.diagnostic.severity, n.diagnostic.code, n.diagnostic.message,
                                   path: n.path.map { prefix.isEmpty ? $0 : prefix + "/" + $0 }))
            }
            for plan in names {
                for partition in flat.partitions[plan] ?? [] {
                    let path = prefix.isEmpty ? partition.path : prefix + "/" + partition.path
                    try visit(ContainerEntry(path: path, size: partition.source.size, source: partition.source))
                }
            }
            for name in names {
                if flat.consumed.contains(name) { continue }
                count += 1
                guard count <= limits.maxEntries else {
                    note(ContainerNote(.error, "limit.entries", "more than \(limits.maxEntries) entries; the rest is not read"))
                    return
                }
                let full = dir + "/" + name
                let path = prefix.isEmpty ? name : prefix + "/" + name
                guard path.utf8.count <= limits.maxPathLength else {
                    note(ContainerNote(.error, "limit.path-length", "path longer than \(limits.maxPathLength) bytes; not read", path: String(path.prefix(256))))
                    continue
                }
                var lst = stat()
                guard lstat(full, &lst) == 0 else { continue }
                var target = lst
                if lst.st_mode & S_IFMT == S_IFLNK {
                    guard stat(full, &target) == 0 else {
                        let code = errno == ELOOP ? "limit.symlink-loop" : "folder.dangling-symlink"
                        note(ContainerNote(errno == ELOOP ? .error : .info, code, "symbolic link cannot be resolved: \(String(cString: strerror(errno)))", path: path))
                        continue
                    }
                    if target.st_mode & S_IFMT != S_IFDIR {
                        // A link to a file is the same file reached twice: reported, not listed again.
                        if name.lowercased().hasSuffix(".apk") {
                            let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "?"
                            note(ContainerNote(.info, "folder.symlink", "symbolic link to \(link); not followed", path: path))
                        }
                        continue
                    }
                    let resolved = URL(fileURLWithPath: full).resolvingSymlinksInPath().path
                    guard resolved == realRoot || resolved.hasPrefix(realRoot + "/") else {
                        note(ContainerNote(.info, "folder.symlink-outside", "symbolic link to \(resolved) leaves the folder; not followed", path: path))
                        continue
                    }
                }
                switch target.st_mode & S_IFMT {
                case S_IFDIR: try walk(full, path)
                case S_IFREG:
                    do {
                        let source = try FileByteSource(path: full)
                        try visit(ContainerEntry(path: path, size: source.size, source: source))
                    } catch let e as ByteSourceError {
                        note(ContainerNote(.error, "folder.unreadable", "\(e)", path: path))
                    }
                default: continue
                }
            }
        }
        try walk(root, "")
    }
}
