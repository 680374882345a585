import PresetScanCore

extension RK {
    /// An RKAF `update.img` (afptool's `unpack_update`, `rkunpack.c`'s `unpack_rkaf`): every part with
    /// bytes is an entry named by its file name (`Image/super.img`), a view of the image; `parameter`
    /// is its text without the PARM framing, as both tools extract it. `SELF` and `RESERVED` parts
    /// have no bytes; a part that repeats another's bytes (A/B slots packed once) is visited once.
    public final class Update: Container, @unchecked Sendable {
        public let source: ByteSource
        public let header: UpdateHeader
        public let parts: [UpdatePart]
        /// Trouble found while reading the header (visited as notes by `forEachFile`).
        public private(set) var notes: [ContainerNote] = []

        public init(source: ByteSource) throws {
            self.source = source
            let headerEnd = UpdateHeader.partsOffset
            guard source.size >= UInt64(headerEnd) else {
                throw ContainerError("rockchip.truncated", "RKAF header truncated: \(source.size) bytes")
            }
            var r = ByteReader(try source.read(at: 0, count: headerEnd), structure: "RKAF header")
            header = try UpdateHeader.parse(&r)
            var count = Int(min(header.partCount, UInt32(UpdateHeader.maxParts)))
            if header.partCount > UInt32(UpdateHeader.maxParts) {
                notes.append(ContainerNote(.error, "rockchip.count-overflow",
                    "RKAF says \(header.partCount) parts; packers write at most \(UpdateHeader.maxParts), so only those are read"))
            }
            let fits = Int(min((source.size - UInt64(headerEnd)) / UInt64(UpdatePart.size), UInt64(UpdateHeader.maxParts)))
            if count > fits {
                notes.append(ContainerNote(.error, "rockchip.count-overflow",
                    "RKAF part table of \(count) parts runs past the end of the \(source.size)-byte image; \(fits) are read"))
                count = fits
            }
            let table = try source.read(at: UInt64(headerEnd), count: count * UpdatePart.size)
            var tr = ByteReader(table, base: UInt64(headerEnd), structure: "RKAF part table")
            parts = try (0..<count).map { _ in try UpdatePart.parse(&tr) }
            let expected = UInt64(header.length) + 4
            if expected != source.size {
                notes.append(ContainerNote(expected > source.size ? .error : .warning, "rockchip.size-mismatch",
                    "RKAF length says \(expected) bytes with its CRC, the image has \(source.size)"))
            } else if source.size <= RK.checksumLimit {
                let stored = ByteReader.u32le(try source.read(at: UInt64(header.length), count: 4), 0)
                let computed = try RK.crc(of: source, offset: 0, length: UInt64(header.length))
                if stored != computed {
                    notes.append(ContainerNote(.warning, "rockchip.crc-mismatch",
                        "RKAF CRC is \(hex(stored)), its bytes give \(hex(computed))"))
                }
            }
        }

        /// The `parameter` part's text and flash layout, when it has a well-formed PARM framing.
        public func parameter() -> Parameter? {
            guard let part = parts.first(where: { $0.name == "parameter" && $0.hasData }),
                  UInt64(part.offset) + UInt64(part.size) <= source.size,
                  let bytes = try? source.read(at: UInt64(part.offset), count: Int(min(part.size, Parameter.maxLength + 12)))
            else { return nil }
            return try? Parameter.parse(bytes, partSize: UInt64(part.size))
        }

        public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
            notes.forEach(note)
            var seen: [String: (offset: UInt32, size: UInt32)] = [:]
            var ranges: [(start: UInt64, end: UInt64, path: String)] = []
            var entries: [(path: String, offset: UInt64, length: UInt64, part: UpdatePart)] = []
            for (index, part) in parts.enumerated() where part.hasData {
                var path = Self.entryPath(part, index: index)
                if let other = seen[path] {
                    if other == (part.offset, part.size) { continue }  // the same file for another slot
                    path += "#\(index)"
                }
                seen[path] = (part.offset, part.size)
                var offset = UInt64(part.offset)
                var length = UInt64(part.size)
                guard offset <= source.size, length <= source.size - offset else {
                    note(ContainerNote(.error, "rockchip.item-out-of-range",
                        "RKAF part \(part.name) (\(offset)+\(length)) lies outside the \(source.size)-byte image", path: path))
                    continue
                }
                if UInt64(part.paddedSize) < length {
                    note(ContainerNote(.warning, "rockchip.bad-padded-size",
                        "RKAF part \(part.name): padded size \(part.paddedSize) is smaller than its size \(length)", path: path))
                }
                if offset < UInt64(UpdateHeader.partsOffset + parts.count * UpdatePart.size) {
                    note(ContainerNote(.warning, "rockchip.item-overlap", "RKAF part \(part.name) overlaps the RKAF header", path: path))
                }
                if part.name == "parameter" {
                    guard let (textOffset, textLength) = parameterText(part, path: path, note) else { continue }
                    (offset, length) = (offset + textOffset, textLength)
                }
                ranges.append((UInt64(part.offset), UInt64(part.offset) + UInt64(part.size), path))
                entries.append((path, offset, length, part))
            }
            ranges.sort { ($0.start, $0.end) < ($1.start, $1.end) }
            for (a, b) in zip(ranges, ranges.dropFirst()) where b.start < a.end && (a.start, a.end) != (b.start, b.end) {
                note(ContainerNote(.warning, "rockchip.item-overlap", "RKAF parts \(a.path) and \(b.path) share image bytes"))
            }
            for e in entries {
                try visit(ContainerEntry(path: e.path, size: e.length, source: try source.slice(offset: e.offset, length: e.length)))
            }
        }

        /// Where the text of the `parameter` part lies within it; a bad framing or CRC is noted.
        private func parameterText(_ part: UpdatePart, path: String, _ note: (ContainerNote) -> Void) -> (UInt64, UInt64)? {
            let bytes: [UInt8]
            do {
                bytes = try source.read(at: UInt64(part.offset), count: Int(min(part.size, Parameter.maxLength + 12)))
            } catch {
                note(ContainerNote(.error, "rockchip.unreadable", "\(error)", path: path))
                return nil
            }
            guard bytes.starts(with: Parameter.magic) else {
                // No framing: some packers store the text as it is; hand it over whole.
                return (0, UInt64(part.size))
            }
            do {
                let parameter = try Parameter.parse(bytes, partSize: UInt64(part.size))
                if parameter.storedCRC != parameter.computedCRC {
                    note(ContainerNote(.warning, "rockchip.crc-mismatch",
                        "parameter CRC is \(hex(parameter.storedCRC)), its text gives \(hex(parameter.computedCRC))", path: path))
                }
                return (parameter.textOffset, UInt64(parameter.textLength))
            } catch {
                note(ContainerNote(.error, "rockchip.bad-parameter", "\(error)", path: path))
                return nil
            }
        }

        /// The part's file name as a path inside the package (`Image/super.img`); its name when it has none.
        static func entryPath(_ part: UpdatePart, index: Int) -> String {
            var components = part.fileName.split(separator: "/").filter { $0 != "." && !$0.isEmpty }
            if components.isEmpty { components = [Substring(part.name.isEmpty ? "part\(index)" : part.name)] }
            return components.joined(separator: "/")
        }
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
