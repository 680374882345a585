import PresetScanCore

extension PAC {
    /// A `.pac` package read in place: each file of the table is an entry named by its file name
    /// (`firmware.pac!/super.img`), a view of the package's bytes.
    public final class Package: Container {
        public struct Item: Sendable {
            public var path: String
            public var header: FileHeader
        }

        public let source: ByteSource
        public let header: Header
        public private(set) var items: [Item] = []
        /// Trouble found while reading the header and the table (the items left are readable).
        public private(set) var notes: [ContainerNote] = []

        public init(source: ByteSource, limits: UnpackLimits) throws {
            self.source = source
            guard source.size >= UInt64(Header.size) else {
                throw ContainerError("pac.truncated", "PAC package of \(source.size) bytes is shorter than its \(Header.size)-byte header")
            }
            let head = try source.read(at: 0, count: Header.size)
            header = try Header(head)
            if !Header.knownVersions.contains(header.version) {
                notes.append(ContainerNote(.warning, "pac.unknown-version",
                    "PAC version \"\(header.version)\" is neither BP_R1.0.0 nor BP_R2.0.1; read with the BP_R2 layout"))
            }
            if header.packageSize != source.size {
                notes.append(ContainerNote(header.packageSize > source.size ? .error : .warning, "pac.size-mismatch",
                    "the PAC header states \(header.packageSize) bytes, the file has \(source.size)"
                    + (header.packageSize > source.size ? " (truncated)" : "")))
            }
            if header.magic == PAC.crcMagic {
                let stated = header.headerCRC
                let computed = PAC.crc16(Array(head[0..<(Header.size - 4)]))
                if stated != computed {
                    notes.append(ContainerNote(.warning, "pac.header-crc",
                        "PAC header CRC-16 is 0x\(hex(computed)), the header states 0x\(hex(stated))"))
                }
            }
            readTable(limits: limits)
        }

        private func hex(_ v: UInt16) -> String { String(v, radix: 16) }

        private func readTable(limits: UnpackLimits) {
            let tableStart = UInt64(header.fileTableOffset)
            let stride = UInt64(FileHeader.size)
            guard tableStart >= UInt64(Header.size), tableStart <= source.size else {
                notes.append(ContainerNote(.error, "pac.table-out-of-range",
                    "the file table offset \(tableStart) lies outside the header's end \(Header.size) and the file's end \(source.size)"))
                return
            }
            var count = UInt64(header.fileCount)
            let fit = (source.size - tableStart) / stride
            let overflowed = count > fit
            var badHeaders = 0
            if count > fit {
                notes.append(ContainerNote(.error, "pac.count-overflow",
                    "the header counts \(count) files, but only \(fit) file headers fit between offset \(tableStart) and the end; the rest is not read"))
                count = fit
            }
            if count > UInt64(limits.maxEntries) {
                notes.append(ContainerNote(.error, "limit.entries", "more than \(limits.maxEntries) files; the rest is not read"))
                count = UInt64(limits.maxEntries)
            }
            var names: [String: Int] = [:]
            var ranges: [(start: UInt64, end: UInt64, path: String)] = []
            for index in 0..<count {
                let at = tableStart + index * stride
                guard let bytes = try? source.read(at: at, count: FileHeader.size),
                      let file = try? FileHeader(bytes, wide: header.wide)
                else { continue }
                let label = file.fileName.isEmpty ? (file.fileID.isEmpty ? "file \(index)" : file.fileID) : file.fileName
                guard file.length == UInt32(FileHeader.size) else {
                    // Past an overflowing count, the first header that is none is where the table ends.
                    badHeaders += 1
                    let last = overflowed || badHeaders >= 16
                    notes.append(ContainerNote(.error, "pac.bad-file-header",
                        "file header \(index) (\(label)) at offset \(at) states length \(file.length), not \(FileHeader.size); "
                        + (last ? "the table is not read further" : "not read")))
                    if last { break }
                    continue
                }
                // An operation (file flag 0) or an empty file has nothing to read.
                guard file.fileSize > 0, file.fileFlag != 0 else { continue }
                var path = label.split(separator: "/").filter { $0 != "." && $0 != ".." }.joined(separator: "/")
                if path.isEmpty { path = "file\(index)" }
                let seen = names[path, default: 0]
                names[path] = seen + 1
                if seen > 0 { path += "#\(seen + 1)" }
                let (end, overflow) = file.dataOffset.addingReportingOverflow(file.fileSize)
                guard !overflow, end <= source.size else {
                    notes.append(ContainerNote(.error, "pac.item-out-of-range",
                        "\(file.fileSize) bytes at offset \(file.dataOffset) reach past the end of the \(source.size)-byte package; not read",
                        path: path))
                    continue
                }
                ranges.append((file.dataOffset, end, path))
                items.append(Item(path: path, header: file))
            }
            ranges.sort { ($0.start, $0.end) < ($1.start, $1.end) }
            var furthest: (end: UInt64, path: String)? = nil
            for r in ranges {
                if let f = furthest, r.start < f.end {
                    notes.append(ContainerNote(.warning, "pac.item-overlap",
                        "its bytes \(r.start)..<\(r.end) overlap those of \(f.path); both are read", path: r.path))
                }
                if furthest == nil || r.end > furthest!.end { furthest = (r.end, r.path) }
            }
        }

        public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
            notes.forEach(note)
            checkDataCRC(note)
            for item in items {
                let view = try source.slice(offset: item.header.dataOffset, length: item.header.fileSize)
                try visit(ContainerEntry(path: item.path, size: item.header.fileSize, source: view))
            }
        }

        /// `wCRC2` covers the bytes from the end of the header to the stated end of the package.
        private func checkDataCRC(_ note: (ContainerNote) -> Void) {
            guard header.magic == PAC.crcMagic, header.packageSize == source.size, source.size <= PAC.dataCRCLimit else { return }
            var crc: UInt16 = 0
            var at = UInt64(Header.size)
            while at < source.size {
                let n = Int(min(source.size - at, 1 << 20))
                guard let chunk = try? source.read(at: at, count: n) else { return }
                crc = PAC.crc16(chunk, crc)
                at += UInt64(n)
            }
            if crc != header.dataCRC {
                note(ContainerNote(.warning, "pac.data-crc",
                    "PAC data CRC-16 is 0x\(hex(crc)), the header states 0x\(hex(header.dataCRC)); the files are read all the same"))
            }
        }
    }
}
