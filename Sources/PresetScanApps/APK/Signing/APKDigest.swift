import PresetScanCore
import PresetScanCrypto

/// The content digests of APK Signature Scheme v2/v3 (source.android.com "APK Signature Scheme v2",
/// "Integrity-protected contents"; apksig `ApkSigningBlockUtils.computeContentDigests`).
///
/// The protected content is three sections: the ZIP entries (up to the APK Signing Block), the
/// central directory, and the end of central directory record whose central directory offset is
/// replaced by the signing block's offset. Each section is cut into 1 MiB chunks; a chunk's digest
/// is `H(0xa5 || u32le(length) || chunk)`, and the top-level digest `H(0x5a || u32le(count) || chunk digests)`.
enum APKContentDigest: UInt32, Sendable, CaseIterable {
    case chunkedSHA256 = 1
    case chunkedSHA512 = 2
    case verityChunkedSHA256 = 3

    var name: String {
        switch self {
        case .chunkedSHA256: "CHUNKED_SHA256"
        case .chunkedSHA512: "CHUNKED_SHA512"
        case .verityChunkedSHA256: "VERITY_CHUNKED_SHA256"
        }
    }

    static let chunkSize = 1 << 20
    /// Bytes read per call: a multiple of the chunk size, so reads and chunks line up.
    static let readSize = 8 << 20

    /// The top-level digests of `algorithms` over the three sections (verity: `verity(...)`).
    ///
    /// `signingBlockOffset` is where the ZIP entries end; `centralDirectory` is `offset..<end`;
    /// `eocd` is the end of central directory record as read (its offset field is patched here).
    static func compute(
        _ algorithms: Set<APKContentDigest>, source: ByteSource, signingBlockOffset: UInt64,
        centralDirectory: Range<UInt64>, eocd: [UInt8]
    ) throws -> [APKContentDigest: [UInt8]] {
        let wanted = algorithms.filter { $0 != .verityChunkedSHA256 }.sorted { $0.rawValue < $1.rawValue }
        var out: [APKContentDigest: [UInt8]] = [:]
        if algorithms.contains(.verityChunkedSHA256) {
            out[.verityChunkedSHA256] = try verity(
                source: source, signingBlockOffset: signingBlockOffset, centralDirectory: centralDirectory, eocd: eocd)
        }
        guard !wanted.isEmpty else { return out }
        let patched = try patch(eocd, signingBlockOffset: signingBlockOffset)

        var states: [ChunkState] = []
        for algorithm in wanted { states.append(try ChunkState(algorithm)) }

        try digestRange(0..<signingBlockOffset, of: source, into: &states)
        try digestRange(centralDirectory, of: source, into: &states)
        try patched.withUnsafeBytes { buffer in
            for i in states.indices { try states[i].addChunk(buffer) }
        }
        for state in states { out[state.algorithm] = try state.top() }
        return out
    }

    /// The end of central directory record with its central directory offset pointing at the
    /// signing block, as the signer saw it.
    private static func patch(_ eocd: [UInt8], signingBlockOffset: UInt64) throws -> [UInt8] {
        guard eocd.count >= 22 else { throw ParseError("end of central directory", at: 0, "shorter than 22 bytes") }
        var patched = eocd
        let offset = UInt32(truncatingIfNeeded: signingBlockOffset)
        for i in 0..<4 { patched[16 + i] = UInt8(truncatingIfNeeded: offset >> (8 * UInt32(i))) }
        return patched
    }

    /// Page size of the verity tree.
    static let verityPage = 4096
    /// Salt before every hash of the tree.
    static let veritySalt = [UInt8](repeating: 0, count: 8)

    /// `VERITY_CHUNKED_SHA256` (apksig `ApkSigningBlockUtils.computeApkVerityDigest`, fs-verity's
    /// Merkle tree): SHA-256 of every 4 KiB page of the three sections chained (the last page zero
    /// padded), each level zero padded to whole pages and hashed again by page until one page is
    /// left; the digest is that page's SHA-256 followed by the content's length (u64 little-endian).
    /// Every hash is salted with 8 zero bytes (apksig's verity salt, checked against apksigner's
    /// output in `VerifyTests`). The ZIP entries must end on a page boundary, as a verity signer pads them.
    static func verity(
        source: ByteSource, signingBlockOffset: UInt64, centralDirectory: Range<UInt64>, eocd: [UInt8]
    ) throws -> [UInt8] {
        guard signingBlockOffset % UInt64(verityPage) == 0 else {
            throw ParseError("APK Signing Block", at: signingBlockOffset, "not page aligned, so no verity digest can match")
        }
        let patched = try patch(eocd, signingBlockOffset: signingBlockOffset)
        let digest = try IncrementalDigest(.sha256)
        var level: [UInt8] = []
        var pending: [UInt8] = []
        pending.reserveCapacity(verityPage)

        func hashPage(_ page: UnsafeRawBufferPointer) throws {
            try digest.update(veritySalt)
            try digest.update(page)
            level += try digest.finish()
        }
        func add(_ bytes: UnsafeRawBufferPointer) throws {
            var start = 0
            if !pending.isEmpty {
                let take = min(verityPage - pending.count, bytes.count)
                pending += bytes[0..<take]
                start = take
                if pending.count == verityPage {
                    try pending.withUnsafeBytes { try hashPage($0) }
                    pending.removeAll(keepingCapacity: true)
                }
            }
            while bytes.count - start >= verityPage {
                try hashPage(UnsafeRawBufferPointer(rebasing: bytes[start..<start + verityPage]))
                start += verityPage
            }
            if start < bytes.count { pending += bytes[start...] }
        }
        for range in [0..<signingBlockOffset, centralDirectory] { try read(range, of: source, add) }
        try patched.withUnsafeBytes { try add($0) }
        if !pending.isEmpty {
            pending += [UInt8](repeating: 0, count: verityPage - pending.count)
            try pending.withUnsafeBytes { try hashPage($0) }
        }

        // Upper levels: pad the level to whole pages, hash page by page, until one page is left.
        func padded(_ bytes: [UInt8]) -> [UInt8] {
            let rest = bytes.count % verityPage
            return rest == 0 ? bytes : bytes + [UInt8](repeating: 0, count: verityPage - rest)
        }
        var current = padded(level)
        while current.count > verityPage {
            level = []
            try current.withUnsafeBytes { buffer in
                var start = 0
                while start < buffer.count {
                    try hashPage(UnsafeRawBufferPointer(rebasing: buffer[start..<start + verityPage]))
                    start += verityPage
                }
            }
            current = padded(level)
        }
        if current.isEmpty { current = [UInt8](repeating: 0, count: verityPage) }
        try digest.update(veritySalt)
        try digest.update(current)
        var out = try digest.finish()
        var length = signingBlockOffset + UInt64(centralDirectory.count) + UInt64(patched.count)
        for _ in 0..<8 {
            out.append(UInt8(truncatingIfNeeded: length))
            length >>= 8
        }
        return out
    }

    private static func digestRange(_ range: Range<UInt64>, of source: ByteSource, into states: inout [ChunkState]) throws {
        try read(range, of: source) { buffer in
            var start = 0
            while start < buffer.count {
                let end = min(start + chunkSize, buffer.count)
                let chunk = UnsafeRawBufferPointer(rebasing: buffer[start..<end])
                for i in states.indices { try states[i].addChunk(chunk) }
                start = end
            }
        }
    }

    /// Hands `range` of `source` to `body` in reads of `readSize` bytes (a multiple of both the
    /// chunk and the verity page, so neither is split across reads).
    private static func read(_ range: Range<UInt64>, of source: ByteSource, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        var offset = range.lowerBound
        while offset < range.upperBound {
            let count = Int(min(UInt64(readSize), range.upperBound - offset))
            try source.read(at: offset, count: count).withUnsafeBytes(body)
            offset += UInt64(count)
        }
    }

    /// One algorithm's running state: a reusable digest and the chunk digests so far.
    private struct ChunkState {
        let algorithm: APKContentDigest
        let digest: IncrementalDigest
        var chunkDigests: [UInt8] = []
        var count: UInt32 = 0

        init(_ algorithm: APKContentDigest) throws {
            self.algorithm = algorithm
            digest = try IncrementalDigest(algorithm == .chunkedSHA512 ? .sha512 : .sha256)
        }

        mutating func addChunk(_ chunk: UnsafeRawBufferPointer) throws {
            try digest.update([0xa5] + littleEndian(UInt32(chunk.count)))
            try digest.update(chunk)
            chunkDigests += try digest.finish()
            count &+= 1
        }

        func top() throws -> [UInt8] {
            try digest.update([0x5a] + littleEndian(count))
            try digest.update(chunkDigests)
            return try digest.finish()
        }

        private func littleEndian(_ n: UInt32) -> [UInt8] {
            [UInt8(n & 0xff), UInt8(n >> 8 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 24)]
        }
    }
}
