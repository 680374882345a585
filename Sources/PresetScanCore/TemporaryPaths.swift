import Foundation

/// The temporary folders a run has made and not yet removed, so that an interrupted run
/// (Ctrl-C, SIGTERM from a CI timeout) can remove them before it exits.
public enum TemporaryPaths {
    private static let live = Locked<Set<String>>([])

    /// Records a folder to remove on interrupt; call `forget` once it is removed normally.
    public static func remember(_ path: String) { live.withLock { _ = $0.insert(path) } }

    public static func forget(_ path: String) { live.withLock { _ = $0.remove(path) } }

    /// Removes every remembered folder with all it holds; returns how many it removed.
    @discardableResult
    public static func removeAll() -> Int {
        let paths = live.withLock { set -> Set<String> in
            let all = set
            set.removeAll()
            return all
        }
        var removed = 0
        for path in paths.sorted() where (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
        return removed
    }
}
