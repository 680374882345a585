import PresetScanCore

/// A ZIP archive opened from its central directory, as Android's libziparchive opens APKs.
///
/// Only the EOCD and the central directory are read up front; entry data is read on demand,
/// in place for stored entries.
public final class ZipArchive: @unchecked Sendable {
    public let source: ByteSource
    public let limits: Limits
    public let endOfCentralDirectory: Zip.EndOfCentralDirectory
    /// Where the central directory really starts (differs from the EOCD's claim when data was prepended).
    public let centralDirectoryOffset: UInt64
    /// Added to every offset the archive states: non-zero only for prepended data.
    public let offsetAdjustment: UInt64
    /// Entries in central directory order, duplicates included.
    public let entries: [Zip.Entry]
    /// Tricks and inconsistencies noticed while opening (code prefix `zip.`).
    public private(set) var diagnostics: [Diagnostic] = []
    private let firstIndexByName: [String: Int]

    public init(source: ByteSource, limits: Limits = .default) throws {
        self.source = source
        self.limits = limits
        var notes: [Diagnostic] = []
        let eocd = try Self.findEndOfCentralDirectory(in: source, notes: &notes)
        self.endOfCentralDirectory = eocd

        // The CD should end where the EOCD (or zip64 record) starts; if the stated offset
        // does not hold a CD but the computed one does, data was prepended (self-extractor style).
        let stated = eocd.centralDirectoryOffset
        var cdOffset = stated
        var adjustment: UInt64 = 0
        let cdEndLimit = eocd.offset
        guard eocd.centralDirectorySize <= cdEndLimit else {
            throw ZipError.malformed(ParseError("ZIP end of central directory", at: eocd.offset,
                "central directory size \(eocd.centralDirectorySize) exceeds its offset"))
        }
        let computed = cdEndLimit - eocd.centralDirectorySize
        if eocd.entries > 0, !(try Self.hasSignature(source, at: stated, Zip.Entry.signature)) {
            if computed > stated, try Self.hasSignature(source, at: computed, Zip.Entry.signature) {
                adjustment = computed - stated
                cdOffset = computed
                notes.append(Diagnostic(.warning, "zip.prepended-data",
                    "\(adjustment) bytes precede the archive and its offsets do not account for them; Android would refuse to open it"))
            } else {
                throw ZipError.malformed(ParseError("ZIP central directory", at: stated,
                    "no central directory header at the offset the EOCD states"))
            }
        } else if stated &+ eocd.centralDirectorySize > cdEndLimit || stated > cdEndLimit {
            throw ZipError.malformed(ParseError("ZIP end of central directory", at: eocd.offset,
                "central directory (\(stated)+\(eocd.centralDirectorySize)) overlaps the EOCD"))
        }
        self.centralDirectoryOffset = cdOffset
        self.offsetAdjustment = adjustment

        let parsed = try Self.readCentralDirectory(
            source, offset: cdOffset, size: eocd.centralDirectorySize, expected: eocd.entries,
            limits: limits, notes: &notes)
        self.entries = parsed

        var index: [String: Int] = [:]
        var duplicates: Set<String> = []
        var minLocal = UInt64.max
        for (i, entry) in parsed.enumerated() {
            if index[entry.name] == nil { index[entry.name] = i } else { duplicates.insert(entry.name) }
            minLocal = min(minLocal, entry.localHeaderOffset)
            if entry.claimsEncryption {
                notes.append(Diagnostic(.warning, "zip.encryption-flag",
                    "\(entry.name) sets the encryption flag; Android ignores it and so does presetscan"))
            }
            if entry.method != Zip.methodStored && entry.method != Zip.methodDeflate {
                notes.append(Diagnostic(.warning, "zip.unknown-method",
                    "\(entry.name) uses compression method \(entry.method); Android reads it as stored, presetscan inflates it when its sizes differ"))
            }
            if Self.isSuspiciousName(entry.nameBytes) {
                notes.append(Diagnostic(.warning, "zip.suspicious-name", "entry name \(entry.debugName) is not a plain relative path"))
            }
        }
        for name in duplicates.sorted() {
            notes.append(Diagnostic(.error, "zip.duplicate-entry",
                "\(name) appears more than once; Android refuses such an APK, presetscan reads the first"))
        }
        if adjustment == 0, minLocal != .max, minLocal > 0, !parsed.isEmpty {
            notes.append(Diagnostic(.warning, "zip.prepended-data",
                "\(minLocal) bytes precede the first local file header"))
        }
        self.firstIndexByName = index
        self.diagnostics = notes
    }

    /// A NUL, an absolute path or a `..` component: names meant to escape an extraction folder.
    static func isSuspiciousName(_ name: [UInt8]) -> Bool {
        if name.first == UInt8(ascii: "/") || name.contains(0) { return true }
        var componentStart = 0
        for i in 0...name.count where i == name.count || name[i] == UInt8(ascii: "/") {
            if i - componentStart == 2, name[componentStart] == UInt8(ascii: "."), name[componentStart + 1] == UInt8(ascii: ".") {
                return true
            }
            componentStart = i + 1
        }
        return false
    }

    /// The first entry with this exact name (libziparchive's lookup).
    public func entry(named name: String) -> Zip.Entry? {
        firstIndexByName[name].map { entries[$0] }
    }

    // MARK: - EOCD

    static func hasSignature(_ source: ByteSource, at offset: UInt64, _ signature: UInt32) throws -> Bool {
        guard offset <= source.size, source.size - offset >= 4 else { return false }
        let b = try source.read(at: offset, count: 4)
        return ByteReader.u32le(b, 0) == signature
    }

    static func findEndOfCentralDirectory(in source: ByteSource, notes: inout [Diagnostic]) throws -> Zip.EndOfCentralDirectory {
        let size = source.size
        guard size >= UInt64(Zip.EndOfCentralDirectory.fixedSize) else { throw ZipError.notAZip }
        let window = min(size, UInt64(Zip.EndOfCentralDirectory.fixedSize + Zip.EndOfCentralDirectory.maxCommentLength))
        let start = size - window
        let tail = try source.read(at: start, count: Int(window))
        // Scan backwards: the last record in the file wins, as in libziparchive.
        var i = tail.count - Zip.EndOfCentralDirectory.fixedSize
        while i >= 0 {
            if tail[i] == 0x50, tail[i + 1] == 0x4b, tail[i + 2] == 0x05, tail[i + 3] == 0x06 { break }
            i -= 1
        }
        guard i >= 0 else { throw ZipError.notAZip }
        var r = ByteReader(tail, base: start, structure: "ZIP end of central directory")
        try r.seek(to: i + 4)
        let disk = try r.u16le()
        let cdDisk = try r.u16le()
        let onDisk = try r.u16le()
        let total = try r.u16le()
        let cdSize = try r.u32le()
        let cdOffset = try r.u32le()
        let commentLength = try r.u16le()
        let offset = start + UInt64(i)
        let trailing = tail.count - i - Zip.EndOfCentralDirectory.fixedSize
        if Int(commentLength) != trailing {
            notes.append(Diagnostic(.warning, "zip.comment-length",
                "EOCD comment length \(commentLength) but \(trailing) bytes follow the record"))
        }
        var eocd = Zip.EndOfCentralDirectory(
            offset: offset, diskNumber: disk, centralDirectoryDisk: cdDisk, entriesOnDisk: UInt64(onDisk),
            entries: UInt64(total), centralDirectorySize: UInt64(cdSize), centralDirectoryOffset: UInt64(cdOffset),
            commentLength: commentLength, isZip64: false)
        if onDisk == 0xffff || total == 0xffff || cdSize == 0xffff_ffff || cdOffset == 0xffff_ffff {
            if let z = try readZip64(source, eocdOffset: offset) {
                eocd.entries = z.entries
                eocd.entriesOnDisk = z.entriesOnDisk
                eocd.centralDirectorySize = z.cdSize
                eocd.centralDirectoryOffset = z.cdOffset
                eocd.diskNumber = UInt16(truncatingIfNeeded: z.disk)
                eocd.isZip64 = true
                // The CD then ends at the zip64 record, not at the EOCD.
                eocd.offset = z.recordOffset
            }
        }
        guard eocd.diskNumber == 0, eocd.centralDirectoryDisk == 0 || eocd.isZip64, eocd.entriesOnDisk == eocd.entries else {
            throw ZipError.spanned
        }
        return eocd
    }

    private static func readZip64(_ source: ByteSource, eocdOffset: UInt64) throws
        -> (entries: UInt64, entriesOnDisk: UInt64, cdSize: UInt64, cdOffset: UInt64, disk: UInt32, recordOffset: UInt64)?
    {
        guard eocdOffset >= 20 else { return nil }
        var loc = ByteReader(try source.read(at: eocdOffset - 20, count: 20), base: eocdOffset - 20,
                             structure: "ZIP64 end of central directory locator")
        guard try loc.u32le() == Zip.zip64LocatorSignature else { return nil }
        _ = try loc.u32le()
        let recordOffset = try loc.u64le()
        guard recordOffset < eocdOffset - 20, eocdOffset - 20 - recordOffset >= 56 else {
            throw ZipError.malformed(loc.error("zip64 record offset \(recordOffset) out of range"))
        }
        var rec = ByteReader(try source.read(at: recordOffset, count: 56), base: recordOffset,
                             structure: "ZIP64 end of central directory record")
        guard try rec.u32le() == Zip.zip64EndSignature else {
            throw ZipError.malformed(rec.error("bad zip64 end of central directory signature"))
        }
        _ = try rec.u64le()  // record size
        _ = try rec.u16le()  // version made by
        _ = try rec.u16le()  // version needed
        let disk = try rec.u32le()
        _ = try rec.u32le()  // disk with CD
        let onDisk = try rec.u64le()
        let total = try rec.u64le()
        let cdSize = try rec.u64le()
        let cdOffset = try rec.u64le()
        return (total, onDisk, cdSize, cdOffset, disk, recordOffset)
    }

    // MARK: - Central directory

    static func readCentralDirectory(
        _ source: ByteSource, offset: UInt64, size: UInt64, expected: UInt64, limits: Limits,
        notes: inout [Diagnostic]
    ) throws -> [Zip.Entry] {
        guard expected <= UInt64(limits.maxZipEntries) else {
            throw ZipError.limit(name: "central directory", reason: "\(expected) entries, limit \(limits.maxZipEntries)")
        }
        // Each entry needs 46 bytes, so a bogus count cannot make us allocate more than the CD holds.
        guard size <= UInt64(limits.maxEntryBytes) else {
            throw ZipError.limit(name: "central directory", reason: "\(size) bytes, limit \(limits.maxEntryBytes)")
        }
        guard expected <= size / UInt64(Zip.Entry.fixedSize) + 1 else {
            throw ZipError.malformed(ParseError("ZIP central directory", at: offset,
                "\(expected) entries cannot fit in \(size) bytes"))
        }
        let bytes: [UInt8]
        do { bytes = try source.read(at: offset, count: Int(size)) } catch {
            throw ZipError.malformed(ParseError("ZIP central directory", at: offset, "\(error)"))
        }
        var r = ByteReader(bytes, base: offset, structure: "ZIP central directory file header")
        var entries: [Zip.Entry] = []
        entries.reserveCapacity(Int(expected))
        do {
            for _ in 0..<expected {
                let headerOffset = r.absoluteOffset
                guard try r.u32le() == Zip.Entry.signature else {
                    throw r.error("bad central directory header signature", at: r.position - 4)
                }
                let madeBy = try r.u16le()
                _ = try r.u16le()  // version needed
                let flags = try r.u16le()
                let method = try r.u16le()
                _ = try r.u32le()  // dos time/date
                let crc = try r.u32le()
                var compressed = UInt64(try r.u32le())
                var uncompressed = UInt64(try r.u32le())
                let nameLength = Int(try r.u16le())
                let extraLength = Int(try r.u16le())
                let commentLength = Int(try r.u16le())
                _ = try r.u16le()  // disk start
                _ = try r.u16le()  // internal attributes
                let external = try r.u32le()
                var localOffset = UInt64(try r.u32le())
                let nameBytes = try r.bytes(nameLength)
                var extra = try r.sub(at: r.relativePosition, length: extraLength, structure: "ZIP extra field")
                try r.skip(extraLength)
                try r.skip(commentLength)
                if uncompressed == 0xffff_ffff || compressed == 0xffff_ffff || localOffset == 0xffff_ffff {
                    try Self.applyZip64Extra(&extra, &uncompressed, &compressed, &localOffset)
                }
                entries.append(Zip.Entry(
                    name: String(decoding: nameBytes, as: UTF8.self), nameBytes: nameBytes, versionMadeBy: madeBy,
                    flags: flags, method: method, crc32: crc, compressedSize: compressed,
                    uncompressedSize: uncompressed, localHeaderOffset: localOffset, externalAttributes: external,
                    centralHeaderOffset: headerOffset))
            }
        } catch let e as ParseError {
            throw ZipError.malformed(e)
        }
        if r.remaining > 0 {
            notes.append(Diagnostic(.warning, "zip.central-directory-trailing",
                "\(r.remaining) bytes follow the last central directory entry"))
        }
        return entries
    }

    /// Zip64 extended information extra field (APPNOTE 4.5.3), header id 0x0001.
    private static func applyZip64Extra(
        _ extra: inout ByteReader, _ uncompressed: inout UInt64, _ compressed: inout UInt64, _ local: inout UInt64
    ) throws {
        while extra.remaining >= 4 {
            let id = try extra.u16le()
            let length = Int(try extra.u16le())
            var field = try extra.sub(at: extra.relativePosition, length: min(length, extra.remaining))
            try extra.skip(min(length, extra.remaining))
            guard id == 0x0001 else { continue }
            if uncompressed == 0xffff_ffff { uncompressed = try field.u64le() }
            if compressed == 0xffff_ffff { compressed = try field.u64le() }
            if local == 0xffff_ffff { local = try field.u64le() }
            return
        }
    }
}

extension Zip.Entry {
    /// The name with control characters escaped, safe to print.
    public var debugName: String {
        String(name.unicodeScalars.map { $0.value < 0x20 || $0 == "\u{7f}" ? "?" : Character($0) })
    }
}
