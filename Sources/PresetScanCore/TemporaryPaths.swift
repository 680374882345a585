import Foundation

/// The temporary folders a run has made and not yet removed, so that an interrupted run
/// (Ctrl-C, SIGTERM from a CI timeout) can remove them before it exits.
///
/// The signal handler runs on another thread while the run goes on, so creating a path and
/// remembering it happen under one lock (`create`), and once `removeAll` has begun no new path
/// is made: nothing can appear between the list being read and the process exiting.
public enum TemporaryPaths {
    private struct State {
        var live: Set<String> = []
        var ending = false
    }

    private static let state = Locked(State())

    /// Runs `make` (which creates a file or folder and returns its path, or nil on failure) and
    /// remembers the path, atomically with respect to `removeAll`. Returns nil without calling
    /// `make` once the run is ending.
    public static func create(_ make: () -> String?) -> String? {
        state.withLock { state -> String? in
            guard !state.ending, let path = make() else { return nil }
            state.live.insert(path)
            return path
        }
    }

    /// Whether `removeAll` has begun: the run is being interrupted, write nothing new.
    public static var isEnding: Bool { state.withLock { $0.ending } }

    /// Call once a path made by `create` is removed normally.
    public static func forget(_ path: String) { state.withLock { _ = $0.live.remove(path) } }

    /// Removes every remembered path with all it holds, and refuses new ones from now on;
    /// returns how many it removed. A folder that a writer is still filling is retried a few times.
    @discardableResult
    public static func removeAll() -> Int {
        let paths = state.withLock { state -> Set<String> in
            state.ending = true
            let all = state.live
            state.live.removeAll()
            return all
        }
        var removed = 0
        for path in paths.sorted() {
            for attempt in 0..<5 {
                if (try? FileManager.default.removeItem(atPath: path)) != nil || !FileManager.default.fileExists(atPath: path) {
                    removed += 1
                    break
                }
                if attempt < 4 { usleep(10_000) }
            }
        }
        return removed
    }
}
