import PresetScanCore

/// Counts the bytes read through a source (the benchmark's "bytes read" figure).
public final class ReadCounter: Sendable {
    private let total = Locked<UInt64>(0)
    public init() {}
    public func add(_ n: Int) { total.withLock { $0 &+= UInt64(n) } }
    public var bytesRead: UInt64 { total.withLock { $0 } }
}

/// A pass-through source that adds every read's length to a `ReadCounter`.
public final class CountingByteSource: ByteSource, Sendable {
    public let base: ByteSource
    public let counter: ReadCounter
    public var size: UInt64 { base.size }

    public init(_ base: ByteSource, counter: ReadCounter) {
        self.base = base
        self.counter = counter
    }

    public func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        let bytes = try base.read(at: offset, count: count)
        counter.add(bytes.count)
        return bytes
    }
}
