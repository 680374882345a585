import PresetScanCore

extension OTA {
    /// Reading an OTA zip entry's bytes: in place when stored, streamed through zlib when deflated,
    /// spilled to the run's temporary folder (counted against its byte budget) only when a random-access
    /// source is needed.
    enum EntryData {
        /// Bytes per read of stored data.
        static let readChunk = 1 << 20

        /// Hands the entry's bytes (inflated when deflated) to `body` in chunks.
        ///
        /// Deflated data is bounded by the declared size and the compression-ratio limit, and counted
        /// against the run's byte budget.
        static func stream(_ entry: Zip.Entry, in archive: ZipArchive, context: UnpackContext,
                           _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
            let source = archive.source
            if let stored = try archive.storedSource(of: entry) {
                var offset: UInt64 = 0
                while offset < stored.size {
                    let n = Int(min(UInt64(readChunk), stored.size - offset))
                    let chunk = try stored.read(at: offset, count: n)
                    try chunk.withUnsafeBytes(body)
                    offset += UInt64(n)
                }
                return
            }
            let (start, _) = try archive.dataOffset(of: entry)
            guard start <= source.size, entry.compressedSize <= source.size - start else {
                throw ZipError.entry(name: entry.debugName, reason: "compressed data runs past the end of the archive")
            }
            let (ratioCap, overflow) = max(entry.compressedSize, 1).multipliedReportingOverflow(by: context.limits.maxCompressionRatio)
            let cap = min(overflow ? UInt64.max : max(ratioCap, 1 << 20), entry.uncompressedSize)
            let inflater = try StreamInflater()
            var consumed: UInt64 = 0
            var produced: UInt64 = 0
            while consumed < entry.compressedSize && !inflater.finished {
                let n = Int(min(UInt64(readChunk), entry.compressedSize - consumed))
                let chunk = try source.read(at: start + consumed, count: n)
                consumed += UInt64(n)
                try inflater.feed(chunk) { buf in
                    produced += UInt64(buf.count)
                    guard produced <= cap else {
                        throw ZipError.limit(name: entry.debugName,
                            reason: "inflates past \(cap) bytes (declared \(entry.uncompressedSize), ratio limit \(context.limits.maxCompressionRatio))")
                    }
                    guard context.budget.take(UInt64(buf.count)) else { throw SpillError.budgetExceeded(limit: context.budget.limit) }
                    try body(buf)
                }
            }
            guard inflater.finished else { throw InflateError.truncated }
        }

        /// The entry as a random-access source: a view into the zip when stored, else inflated to a
        /// spill file (kept in memory when shorter than the detection head).
        static func source(of entry: Zip.Entry, in archive: ZipArchive, context: UnpackContext) throws -> ByteSource {
            if let stored = try archive.storedSource(of: entry) { return stored }
            var head: [UInt8] = []
            var writer: SpillWriter?
            try stream(entry, in: archive, context: context) { buf in
                if let writer { try writer.write(buf); return }
                head += buf
                guard head.count >= ContentDetector.streamHeadLength else { return }
                let w = try context.temporary.makeFile()
                try head.withUnsafeBytes { try w.write($0) }
                head = []
                writer = w
            }
            if let writer { return try writer.finish() }
            return MemoryByteSource(head)
        }

        /// Decodes `codec` data streamed from the entry into a spill file of at most `limit` bytes.
        static func spillDecoded(_ entry: Zip.Entry, in archive: ZipArchive, codec: Codec, limit: UInt64,
                                 context: UnpackContext) throws -> FileByteSource {
            let decoder = try codec.makeDecoder()
            let writer = try context.temporary.makeFile()
            try stream(entry, in: archive, context: context) { compressed in
                try decoder.feed(compressed) { out in
                    guard writer.written + UInt64(out.count) <= limit else {
                        throw DecodeError.tooLarge(codec: codec.rawValue, limit: limit)
                    }
                    guard context.budget.take(UInt64(out.count)) else { throw SpillError.budgetExceeded(limit: context.budget.limit) }
                    try writer.write(out)
                }
            }
            try decoder.finish()
            return try writer.finish()
        }
    }
}
