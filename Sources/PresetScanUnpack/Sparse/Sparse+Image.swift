import PresetScanCore

extension Sparse {
    /// A parsed sparse image: its header and where every output block comes from.
    ///
    /// Only the chunk headers are read (one pread each); RAW data stays in the file and is read
    /// on demand through `view`. DONT_CARE chunks are holes (zeros).
    public struct Image: Sendable {
        public var header: Header
        public var segments: [MappedByteSource.Segment]
        /// CRC32 chunks seen (values stated by the image; not verified, to keep reads in place).
        public var statedCRCs: [UInt32]
        /// Trouble that did not stop parsing (a truncated tail).
        public var notes: [ContainerNote]

        /// Reads the chunk table of `source`. A truncated chunk list keeps the chunks before it.
        public init(source: ByteSource) throws {
            let headBytes = try source.read(at: 0, count: Int(min(source.size, UInt64(Header.size))))
            var hr = ByteReader(headBytes, structure: "sparse header")
            header = try Header.parse(&hr)
            segments = []
            statedCRCs = []
            notes = []
            var offset = UInt64(header.fileHeaderSize)
            var block: UInt64 = 0
            let blockSize = UInt64(header.blockSize)
            for index in 0..<header.totalChunks {
                guard offset <= source.size, source.size - offset >= UInt64(header.chunkHeaderSize) else {
                    notes.append(ContainerNote(.error, "sparse.truncated",
                        "sparse image truncated: chunk \(index) of \(header.totalChunks) header at offset \(offset) is past the end (\(source.size) bytes)"))
                    return
                }
                var r = ByteReader(try source.read(at: offset, count: ChunkHeader.size), base: offset, structure: "sparse chunk header")
                let chunk = try ChunkHeader.parse(&r)
                let dataStart = offset + UInt64(header.chunkHeaderSize)
                guard UInt64(chunk.totalSize) >= UInt64(header.chunkHeaderSize) else {
                    throw ParseError("sparse chunk header", at: offset, "total size \(chunk.totalSize) is smaller than the chunk header")
                }
                let dataSize = UInt64(chunk.totalSize) - UInt64(header.chunkHeaderSize)
                let outBytes = UInt64(chunk.chunkBlocks) * blockSize
                guard block + UInt64(chunk.chunkBlocks) <= UInt64(header.totalBlocks) else {
                    throw ParseError("sparse chunk header", at: offset,
                        "chunk \(index) ends at block \(block + UInt64(chunk.chunkBlocks)), past the image's \(header.totalBlocks) blocks")
                }
                let start = block * blockSize
                switch chunk.type {
                case ChunkHeader.raw:
                    guard dataSize == outBytes else {
                        throw ParseError("sparse RAW chunk", at: offset, "holds \(dataSize) bytes for \(chunk.chunkBlocks) blocks")
                    }
                    guard dataStart <= source.size, outBytes <= source.size - dataStart else {
                        notes.append(ContainerNote(.error, "sparse.truncated",
                            "sparse image truncated: RAW chunk \(index) at offset \(offset) needs \(outBytes) bytes, the file ends at \(source.size)"))
                        let have = source.size > dataStart ? (source.size - dataStart) / blockSize * blockSize : 0
                        if have > 0 { segments.append(.init(start: start, length: have, backing: .source(source, offset: dataStart))) }
                        return
                    }
                    segments.append(.init(start: start, length: outBytes, backing: .source(source, offset: dataStart)))
                case ChunkHeader.fill:
                    guard dataSize == 4 else { throw ParseError("sparse FILL chunk", at: offset, "holds \(dataSize) bytes, not 4") }
                    var fr = ByteReader(try source.read(at: dataStart, count: 4), base: dataStart, structure: "sparse FILL chunk")
                    let pattern = try fr.u32le()
                    segments.append(.init(start: start, length: outBytes, backing: pattern == 0 ? .zero : .fill(pattern)))
                case ChunkHeader.dontCare:
                    guard dataSize == 0 else { throw ParseError("sparse DONT_CARE chunk", at: offset, "holds \(dataSize) bytes, not 0") }
                case ChunkHeader.crc32:
                    guard dataSize == 4 else { throw ParseError("sparse CRC32 chunk", at: offset, "holds \(dataSize) bytes, not 4") }
                    var cr = ByteReader(try source.read(at: dataStart, count: 4), base: dataStart, structure: "sparse CRC32 chunk")
                    statedCRCs.append(try cr.u32le())
                default:
                    throw ParseError("sparse chunk header", at: offset, "unknown chunk type 0x\(String(chunk.type, radix: 16))")
                }
                block += UInt64(chunk.chunkBlocks)
                offset = dataStart + dataSize
            }
        }

        /// The expanded image as a random-access view (nothing is expanded to disk or memory).
        public func view() throws -> MappedByteSource {
            try MappedByteSource(size: header.expandedSize, segments: segments)
        }

        /// One view over the pieces of a split sparse set (same block size and block count, as
        /// `simg2img a b c` joins them); a block written by two pieces is an overlap error.
        public static func joined(_ pieces: [Image]) throws -> MappedByteSource {
            guard let first = pieces.first else { return try MappedByteSource(size: 0, segments: []) }
            for p in pieces where p.header.blockSize != first.header.blockSize || p.header.totalBlocks != first.header.totalBlocks {
                throw ContainerError("sparse.set-mismatch",
                    "sparse pieces differ in block size or block count (\(p.header.blockSize)×\(p.header.totalBlocks) vs \(first.header.blockSize)×\(first.header.totalBlocks))")
            }
            return try MappedByteSource(size: first.header.expandedSize, segments: pieces.flatMap(\.segments))
        }
    }
}
