/// An insert-only map from byte strings to 32-bit values, exact (keys are compared byte for byte)
/// and built for millions of keys: keys live back to back in one byte arena and the table is flat
/// arrays (open addressing, linear probing), so an entry costs no allocation, no reference
/// counting and no per-entry deallocation, and hashing needs no `Hasher` per lookup.
///
/// The hash is seeded per table from the system's random generator, so crafted input cannot
/// predict collisions; the order of entries (and so every id handed out) does not depend on it.
struct ByteKeyTable {
    /// Key bytes, back to back.
    private var arena: [UInt8] = []
    /// Per entry: where its key starts in `arena` (the next entry's start, or `arena.count`, ends it).
    private var starts: [Int] = []
    private var hashes: [UInt64] = []
    private var values: [UInt32] = []
    /// Per slot: the hash's upper 32 bits and, below them, entry index + 1; 0 is empty. The tag
    /// lets a probe skip other keys without touching their entries (a cache miss each, in tables of
    /// millions). The count is a power of two, at most half full.
    private var slots: [UInt64]
    private var mask: Int
    private let seed: UInt64

    var count: Int { values.count }

    init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
        var generator = SystemRandomNumberGenerator()
        seed = generator.next()
    }

    /// The value stored for `key`, or stores `value()` under it (when `value` returns nil, nothing is
    /// stored) and answers nil.
    mutating func valueOrInsert(_ key: UnsafeRawBufferPointer, _ value: () -> UInt32?) -> UInt32? {
        let hash = Self.hash(key, seed: seed)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let occupant = slots[slot]
            if occupant == 0 { break }
            if occupant & 0xFFFF_FFFF_0000_0000 == tag {
                let entry = Int(occupant & 0xFFFF_FFFF) - 1
                if hashes[entry] == hash, keyEquals(entry, key) { return values[entry] }
            }
            slot = (slot + 1) & mask
        }
        guard let newValue = value(), values.count < Int(UInt32.max) - 1 else { return nil }
        starts.append(arena.count)
        arena.append(contentsOf: key)
        hashes.append(hash)
        values.append(newValue)
        slots[slot] = tag | UInt64(values.count)
        if values.count * 2 > slots.count { grow() }
        return nil
    }

    private func keyEquals(_ entry: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = starts[entry]
        let end = entry + 1 < starts.count ? starts[entry + 1] : arena.count
        guard end - start == key.count else { return false }
        return arena.withUnsafeBytes { stored in
            key.count == 0 || memcmpBytes(stored.baseAddress! + start, key.baseAddress!, key.count)
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var fresh = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        for entry in 0..<hashes.count {
            let hash = hashes[entry]
            var slot = Int(truncatingIfNeeded: hash) & newMask
            while fresh[slot] != 0 { slot = (slot + 1) & newMask }
            fresh[slot] = hash & 0xFFFF_FFFF_0000_0000 | UInt64(entry + 1)
        }
        slots = fresh
        mask = newMask
    }

    /// A seeded 64-bit hash of `bytes`: eight bytes a step, multiply-rotate mixing, a final avalanche.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var h = seed ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            var w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) &* 0x87C3_7B91_1142_53D5
            w = (w << 31) | (w >> 33)
            h ^= w &* 0x4CF5_AD43_2745_937F
            h = ((h << 27) | (h >> 37)) &* 5 &+ 0x52DC_E729
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                tail |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            tail = tail &* 0x87C3_7B91_1142_53D5
            tail = (tail << 31) | (tail >> 33)
            h ^= tail &* 0x4CF5_AD43_2745_937F
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}

@inline(__always)
private func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    memcmp(a, b, count) == 0
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reusable buffer that composite keys (an id, a platform, text) are serialised into, unambiguously.
struct KeyBuilder {
    private(set) var bytes: [UInt8] = []

    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    mutating func append(_ value: Int64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ byte: UInt8) { bytes.append(byte) }

    /// Text with its length first, so that two fields can never run into each other.
    mutating func append(lengthPrefixed text: String) {
        append(Int64(text.utf8.count))
        bytes.append(contentsOf: text.utf8)
    }

    /// Text as the last field (its length is implied).
    mutating func append(last text: String) {
        bytes.append(contentsOf: text.utf8)
    }
}
