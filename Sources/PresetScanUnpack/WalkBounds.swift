/// The bounds every filesystem walk (ext4, EROFS, f2fs, squashfs) keeps while it lists directories:
/// entries counted against `maxEntries` (past it, the walk stops and says so once), and each
/// entry's path against `maxPathLength`. One place, so the four walks stop alike.
struct WalkBounds {
    let limits: UnpackLimits
    /// Entries seen so far.
    private(set) var entries = 0
    /// Set once `maxEntries` is passed: the walk returns without reading more.
    private(set) var stopped = false

    init(_ limits: UnpackLimits) { self.limits = limits }

    /// Counts one directory entry; false (and the walk stopped, with a note) past `maxEntries`.
    mutating func count(_ note: (ContainerNote) -> Void) -> Bool {
        guard !stopped else { return false }
        entries += 1
        guard entries > limits.maxEntries else { return true }
        note(ContainerNote(.error, "limit.entries", "more than \(limits.maxEntries) entries; the rest of the filesystem is not read"))
        stopped = true
        return false
    }

    /// The path of `name` under `prefix`, or nil (with a note) when it is longer than `maxPathLength`.
    func path(_ name: [UInt8], under prefix: String, _ note: (ContainerNote) -> Void) -> String? {
        let name = String(decoding: name, as: UTF8.self)
        let path = prefix.isEmpty ? name : prefix + "/" + name
        guard path.utf8.count > limits.maxPathLength else { return path }
        note(ContainerNote(.error, "limit.path-length", "path longer than \(limits.maxPathLength) bytes; not read",
                           path: String(path.prefix(256))))
        return nil
    }
}
