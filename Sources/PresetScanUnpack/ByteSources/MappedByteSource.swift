import PresetScanCore

/// A source assembled from ranges of other sources, fill patterns and holes: the view behind a
/// sparse image, an ext4 file's extents and a dynamic partition's LP extents.
///
/// Gaps between segments read as zeros. Segments are validated once at construction (sorted,
/// non-overlapping, inside `size`, backing ranges inside their sources), so reads never trap.
public final class MappedByteSource: ByteSource, Sendable {
    /// What one logical range of the view is made of.
    public enum Backing: Sendable {
        /// Bytes of `source` starting at `offset`.
        case source(ByteSource, offset: UInt64)
        /// A repeated 32-bit little-endian pattern (sparse FILL chunk).
        case fill(UInt32)
        /// Zeros (DONT_CARE, ZERO extents, unwritten extents).
        case zero
    }

    /// One logical range `[start, start+length)` of the view.
    public struct Segment: Sendable {
        public var start: UInt64
        public var length: UInt64
        public var backing: Backing

        public init(start: UInt64, length: UInt64, backing: Backing) {
            self.start = start
            self.length = length
            self.backing = backing
        }

        var end: UInt64 { start &+ length }
    }

    /// Why a set of segments cannot form a view.
    public enum MappingError: Error, Equatable, CustomStringConvertible {
        case overlap(at: UInt64)
        case outOfRange(start: UInt64, length: UInt64, size: UInt64)
        case backingOutOfRange(start: UInt64, offset: UInt64, length: UInt64, backingSize: UInt64)

        public var description: String {
            switch self {
            case let .overlap(at): "ranges overlap at logical offset \(at)"
            case let .outOfRange(start, length, size): "range \(start)+\(length) lies outside the \(size)-byte view"
            case let .backingOutOfRange(start, offset, length, backingSize):
                "range at \(start) maps \(length) bytes at \(offset) of a \(backingSize)-byte source"
            }
        }
    }

    public let size: UInt64
    public let segments: [Segment]

    /// Builds the view; `segments` may come in any order, empty ones are dropped.
    public init(size: UInt64, segments: [Segment]) throws {
        let sorted = segments.filter { $0.length > 0 }.sorted { $0.start < $1.start }
        var previousEnd: UInt64 = 0
        for s in sorted {
            let (end, overflow) = s.start.addingReportingOverflow(s.length)
            guard !overflow, end <= size else { throw MappingError.outOfRange(start: s.start, length: s.length, size: size) }
            guard s.start >= previousEnd else { throw MappingError.overlap(at: s.start) }
            if case let .source(base, offset) = s.backing {
                let (backEnd, o2) = offset.addingReportingOverflow(s.length)
                guard !o2, backEnd <= base.size else {
                    throw MappingError.backingOutOfRange(start: s.start, offset: offset, length: s.length, backingSize: base.size)
                }
            }
            previousEnd = end
        }
        self.size = size
        self.segments = sorted
    }

    /// Index of the first segment whose end is past `offset`.
    private func firstSegment(endingAfter offset: UInt64) -> Int {
        var lo = 0, hi = segments.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if segments[mid].end <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    public func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        try checkRange(offset, count)
        var out = [UInt8](repeating: 0, count: count)
        if count == 0 { return out }
        let end = offset + UInt64(count)
        var i = firstSegment(endingAfter: offset)
        while i < segments.count, segments[i].start < end {
            let s = segments[i]
            let from = max(s.start, offset)
            let to = min(s.end, end)
            let n = Int(to - from)
            let dst = Int(from - offset)
            switch s.backing {
            case .zero:
                break
            case let .fill(pattern):
                for k in 0..<n {
                    let phase = Int((from - s.start + UInt64(k)) & 3)
                    out[dst + k] = UInt8(truncatingIfNeeded: pattern >> (8 * UInt32(phase)))
                }
            case let .source(base, baseOffset):
                let bytes = try base.read(at: baseOffset + (from - s.start), count: n)
                out.replaceSubrange(dst..<dst + n, with: bytes)
            }
            i += 1
        }
        return out
    }
}
