import PresetScanCore

extension Aml {
    /// An Amlogic burning image: every item is an entry named `<sub>.<main>` (`system.PARTITION`), a
    /// view of the image; an item that reuses another's bytes (same range) is visited once. `VERIFY`
    /// items (`sha1sum <hex>`) are checked against their partition and the image CRC against the
    /// image when they are at most `checksumLimit` bytes; a mismatch is a warning, the scan goes on.
    public final class Image: Container, @unchecked Sendable {
        public let source: ByteSource
        public let header: ImageHeader
        public let items: [ItemInfo]
        /// Longest item table read (packers write a few dozen items).
        public static let maxItems = 1024
        public private(set) var notes: [ContainerNote] = []

        public init(source: ByteSource) throws {
            self.source = source
            guard source.size >= UInt64(ImageHeader.size) else {
                throw ContainerError("amlogic.truncated", "Amlogic image header truncated: \(source.size) bytes")
            }
            var r = ByteReader(try source.read(at: 0, count: ImageHeader.size), structure: "Amlogic image header")
            let header = try ImageHeader.parse(&r)
            self.header = header
            let infoSize = header.itemInfoSize
            var count = Int(min(header.itemCount, UInt32(Self.maxItems)))
            let fits = Int(min((source.size - UInt64(ImageHeader.size)) / UInt64(infoSize), UInt64(Self.maxItems)))
            if header.itemCount > UInt32(count) || count > fits {
                count = min(count, fits)
                notes.append(ContainerNote(.error, "amlogic.count-overflow",
                    "Amlogic image says \(header.itemCount) items; its table holds \(count) before the end of the image or the limit \(Self.maxItems)"))
            }
            let table = try source.read(at: UInt64(ImageHeader.size), count: count * infoSize)
            var tr = ByteReader(table, base: UInt64(ImageHeader.size), structure: "Amlogic item table")
            items = try (0..<count).map { _ in try ItemInfo.parse(&tr, nameLength: header.version == 1 ? 32 : 256) }
            if header.imageSize != source.size {
                notes.append(ContainerNote(header.imageSize > source.size ? .error : .warning, "amlogic.size-mismatch",
                    "Amlogic image header says \(header.imageSize) bytes, the image has \(source.size)"))
            } else if source.size <= Aml.checksumLimit {
                let computed = try Aml.imageCRC(of: source, from: 4)
                if computed != header.crc {
                    notes.append(ContainerNote(.warning, "amlogic.crc-mismatch",
                        "Amlogic image CRC is \(hex(header.crc)), its bytes give \(hex(computed))"))
                }
            }
        }

        public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
            notes.forEach(note)
            var used: [String: (UInt64, UInt64)] = [:]
            var visited = Set<[UInt64]>()
            var ranges: [(start: UInt64, end: UInt64, path: String)] = []
            var entries: [(path: String, item: ItemInfo)] = []
            let tableEnd = UInt64(ImageHeader.size) + UInt64(items.count * header.itemInfoSize)
            for (index, item) in items.enumerated() {
                var path = Self.entryPath(item, index: index)
                if let other = used[path], other != (item.offset, item.size) { path += "#\(index)" }
                used[path] = (item.offset, item.size)
                guard item.offset <= source.size, item.size <= source.size - item.offset else {
                    note(ContainerNote(.error, "amlogic.item-out-of-range",
                        "item \(item.fileName) (\(item.offset)+\(item.size)) lies outside the \(source.size)-byte image", path: path))
                    continue
                }
                if item.size > 0, item.offset < tableEnd {
                    note(ContainerNote(.warning, "amlogic.item-overlap", "item \(item.fileName) overlaps the item table", path: path))
                }
                // Backup items and repeated entries point at bytes already listed: read them once.
                guard visited.insert([item.offset, item.size]).inserted else { continue }
                if item.size > 0 { ranges.append((item.offset, item.offset + item.size, path)) }
                entries.append((path, item))
            }
            ranges.sort { ($0.start, $0.end) < ($1.start, $1.end) }
            for (a, b) in zip(ranges, ranges.dropFirst()) where b.start < a.end {
                note(ContainerNote(.warning, "amlogic.item-overlap", "items \(a.path) and \(b.path) share image bytes"))
            }
            checkVerifyItems(entries, note)
            for e in entries {
                try visit(ContainerEntry(path: e.path, size: e.item.size,
                                         source: try source.slice(offset: e.item.offset, length: e.item.size)))
            }
        }

        /// `VERIFY` items hold `sha1sum <40 hex digits>` of the partition of the same sub type.
        private func checkVerifyItems(_ entries: [(path: String, item: ItemInfo)], _ note: (ContainerNote) -> Void) {
            for (path, item) in entries where item.mainType == "VERIFY" {
                guard let partition = items.first(where: { $0.mainType != "VERIFY" && $0.subType == item.subType }) else {
                    note(ContainerNote(.warning, "amlogic.bad-verify", "VERIFY item for \(item.subType) has no partition item", path: path))
                    continue
                }
                guard item.size >= 48, item.size <= 4096, let text = try? source.read(at: item.offset, count: Int(item.size)),
                      text.starts(with: Array("sha1sum ".utf8)) else {
                    note(ContainerNote(.warning, "amlogic.bad-verify", "VERIFY item for \(item.subType) is not a sha1sum line", path: path))
                    continue
                }
                let expected = String(decoding: text[8..<48], as: UTF8.self).lowercased()
                guard partition.size <= Aml.checksumLimit, partition.offset <= source.size,
                      partition.size <= source.size - partition.offset else { continue }
                do {
                    var sha = SHA1()
                    var done: UInt64 = 0
                    while done < partition.size {
                        let n = Int(min(partition.size - done, 1 << 20))
                        sha.update(try source.read(at: partition.offset + done, count: n))
                        done += UInt64(n)
                    }
                    let actual = SHA1.hex(sha.finish())
                    if actual != expected {
                        note(ContainerNote(.warning, "amlogic.verify-mismatch",
                            "\(partition.fileName): VERIFY says SHA-1 \(expected), its bytes give \(actual)", path: path))
                    }
                } catch {
                    note(ContainerNote(.error, "amlogic.unreadable", "\(error)", path: path))
                }
            }
        }

        /// `<sub>.<main>` as the unpackers name the files; slashes would make folders, so they become `_`.
        static func entryPath(_ item: ItemInfo, index: Int) -> String {
            let name = item.mainType.isEmpty && item.subType.isEmpty ? "item\(index)" : item.fileName
            return String(name.map { $0 == "/" ? "_" : $0 })
        }

        private func hex(_ value: UInt32) -> String {
            let digits = String(value, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
        }
    }
}
