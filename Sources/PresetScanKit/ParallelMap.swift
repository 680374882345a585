import Dispatch
import PresetScanCore

/// Applies `body` to every item on up to `jobs` threads and returns the results in input order.
///
/// Items are handed out one at a time in `order` (indices into `items`, default input order), so
/// callers can start with the costliest and keep one large item from finishing alone at the end.
/// `completed` is called after each item with the count done so far (for progress bars).
func parallelMap<Item: Sendable, Result: Sendable>(
    _ items: [Item], jobs: Int, order: [Int]? = nil, completed: (@Sendable (Int) -> Void)? = nil,
    _ body: @Sendable (Item) -> Result
) -> [Result] {
    let order = order ?? Array(items.indices)
    let results = Locked<[Result?]>(Array(repeating: nil, count: items.count))
    let next = Locked(0)
    let done = Locked(0)
    DispatchQueue.concurrentPerform(iterations: min(max(1, jobs), max(1, items.count))) { _ in
        while true {
            let i = next.withLock { n -> Int in defer { n += 1 }; return n }
            guard i < order.count else { return }
            let result = body(items[order[i]])
            results.withLock { $0[order[i]] = result }
            let count = done.withLock { d -> Int in d += 1; return d }
            completed?(count)
        }
    }
    return results.withLock { $0.compactMap { $0 } }
}
