import PresetScanCore

extension ZipArchive {
    /// Offset of an entry's data: local header offset + 30 + the local name and extra lengths.
    ///
    /// Sizes and method come from the central directory (libziparchive trusts it over the local header).
    public func dataOffset(of entry: Zip.Entry) throws -> (offset: UInt64, local: Zip.LocalHeader) {
        let (headerOffset, overflow) = entry.localHeaderOffset.addingReportingOverflow(offsetAdjustment)
        guard !overflow, headerOffset < source.size else {
            throw ZipError.entry(name: entry.debugName, reason: "local header offset \(entry.localHeaderOffset) out of range")
        }
        let fixed: [UInt8]
        do { fixed = try source.read(at: headerOffset, count: Zip.LocalHeader.fixedSize) } catch {
            throw ZipError.entry(name: entry.debugName, reason: "local header at \(headerOffset) is truncated")
        }
        var r = ByteReader(fixed, base: headerOffset, structure: "ZIP local file header")
        guard try r.u32le() == Zip.LocalHeader.signature else {
            throw ZipError.entry(name: entry.debugName, reason: "no local file header at offset \(headerOffset)")
        }
        try r.skip(4)
        let method = try r.u16le()
        try r.skip(16)
        let nameLength = try r.u16le()
        let extraLength = try r.u16le()
        let nameStart = headerOffset + UInt64(Zip.LocalHeader.fixedSize)
        let nameBytes = (try? source.read(at: nameStart, count: Int(nameLength))) ?? []
        let dataStart = nameStart + UInt64(nameLength) + UInt64(extraLength)
        return (dataStart, Zip.LocalHeader(nameLength: nameLength, extraLength: extraLength, method: method, nameBytes: nameBytes))
    }

    /// Notes inconsistencies between the local header and the central directory for one entry.
    public func localHeaderDiagnostics(for entry: Zip.Entry, local: Zip.LocalHeader) -> [Diagnostic] {
        var notes: [Diagnostic] = []
        if local.nameBytes != entry.nameBytes {
            notes.append(Diagnostic(.warning, "zip.local-name-mismatch",
                "local header of \(entry.debugName) names \(String(decoding: local.nameBytes, as: UTF8.self)); the central directory wins"))
        }
        if local.method != entry.method {
            notes.append(Diagnostic(.warning, "zip.local-method-mismatch",
                "\(entry.debugName): local header says method \(local.method), central directory \(entry.method); the central directory wins"))
        }
        return notes
    }

    /// Whether the entry's bytes are used as they are.
    ///
    /// Android reads an unknown method as stored; apksig (and the platform's JAR verifier) inflate
    /// any non-stored entry. An unknown method whose sizes differ cannot be stored, so it is inflated.
    public func isReadAsStored(_ entry: Zip.Entry) -> Bool {
        entry.method == Zip.methodStored
            || (entry.method != Zip.methodDeflate && entry.compressedSize == entry.uncompressedSize)
    }

    /// The stored bytes of an entry as a view into the archive, without copying, or nil when compressed.
    public func storedSource(of entry: Zip.Entry) throws -> ByteSource? {
        guard isReadAsStored(entry) else { return nil }
        return try rawStoredSource(of: entry)
    }

    private func rawStoredSource(of entry: Zip.Entry) throws -> ByteSource {
        let (start, _) = try dataOffset(of: entry)
        // Stored: the data is the uncompressed size; bounded by the file itself.
        let length = entry.uncompressedSize
        guard start <= source.size, length <= source.size - start else {
            throw ZipError.entry(name: entry.debugName, reason: "stored data (\(length) bytes at \(start)) runs past the end of the archive")
        }
        return try source.slice(offset: start, length: length)
    }

    /// Reads an entry's uncompressed bytes into memory, bounded by `maxBytes` (default: the limit for one entry).
    ///
    /// Methods other than deflate are read as stored, like Android's resource loader.
    public func data(of entry: Zip.Entry, maxBytes: Int? = nil) throws -> [UInt8] {
        let cap = min(maxBytes ?? limits.maxEntryBytes, limits.maxEntryBytes)
        if let stored = try storedSource(of: entry) {
            guard stored.size <= UInt64(cap) else {
                throw ZipError.limit(name: entry.debugName, reason: "\(stored.size) bytes, limit \(cap)")
            }
            return try stored.readAll()
        }
        let (start, _) = try dataOffset(of: entry)
        guard start <= source.size, entry.compressedSize <= source.size - start else {
            throw ZipError.entry(name: entry.debugName, reason: "compressed data (\(entry.compressedSize) bytes at \(start)) runs past the end of the archive")
        }
        guard entry.uncompressedSize <= UInt64(cap) else {
            throw ZipError.limit(name: entry.debugName, reason: "declares \(entry.uncompressedSize) bytes, limit \(cap)")
        }
        // Deflate never grows data by more than a few bytes per 16 KiB block, so compressed input
        // beyond that bound is not read into memory.
        guard entry.compressedSize <= UInt64(cap) + UInt64(cap) / 1000 + 1024 else {
            throw ZipError.limit(name: entry.debugName, reason: "\(entry.compressedSize) compressed bytes, limit \(cap)")
        }
        let (ratioCap, overflow) = entry.compressedSize.multipliedReportingOverflow(by: limits.maxCompressionRatio)
        let outputCap = min(UInt64(cap), overflow ? UInt64(cap) : max(ratioCap, 1 << 20))
        let compressed = try source.read(at: start, count: Int(entry.compressedSize))
        let result: Inflater.Result
        do {
            result = try Inflater.inflateRaw(compressed, expectedSize: Int(entry.uncompressedSize), maxOutput: Int(outputCap))
        } catch let e as InflateError {
            if entry.method != Zip.methodDeflate, let raw = try? rawStoredSource(of: entry), raw.size <= UInt64(cap) {
                return try raw.readAll()
            }
            throw ZipError.entry(name: entry.debugName, reason: "\(e)")
        }
        if result.truncatedAtLimit {
            throw ZipError.limit(name: entry.debugName, reason: "inflates past \(outputCap) bytes (declared \(entry.uncompressedSize))")
        }
        return result.bytes
    }
}
