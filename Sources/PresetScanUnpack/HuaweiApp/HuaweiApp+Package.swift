import PresetScanCore

extension HuaweiApp {
    /// An `UPDATE.APP` read in place: each block's data is an entry named as splitupdate names the
    /// file it writes (`UPDATE.APP!/super.img`), a view of the package's bytes.
    public final class Package: Container {
        public struct Item: Sendable {
            public var path: String
            public var header: BlockHeader
            public var headerOffset: UInt64
            public var dataOffset: UInt64
        }

        public let source: ByteSource
        public private(set) var items: [Item] = []
        public private(set) var notes: [ContainerNote] = []

        public init(source: ByteSource, limits: UnpackLimits) throws {
            self.source = source
            let first = UInt64(HuaweiApp.leadingZeros)
            guard source.size >= first + UInt64(BlockHeader.size),
                  let head = try? source.read(at: first, count: 4), ByteReader.u32le(head, 0) == HuaweiApp.magic
            else {
                throw ContainerError("huawei-app.truncated", "no UPDATE.APP block header at offset \(first)")
            }
            var offset = first
            var names: [String: Int] = [:]
            while offset < source.size {
                guard items.count < limits.maxEntries else {
                    notes.append(ContainerNote(.error, "limit.entries", "more than \(limits.maxEntries) blocks; the rest is not read"))
                    return
                }
                guard source.size - offset >= UInt64(BlockHeader.size) else {
                    if !allZero(from: offset) {
                        notes.append(ContainerNote(.error, "huawei-app.truncated",
                            "\(source.size - offset) bytes at offset \(offset) are too few for a block header; not read"))
                    }
                    return
                }
                let header = try BlockHeader(try source.read(at: offset, count: BlockHeader.size))
                guard header.magic == HuaweiApp.magic else {
                    if !allZero(from: offset) {
                        notes.append(ContainerNote(.error, "huawei-app.bad-magic",
                            "no block magic 0xA55AAA55 at offset \(offset) after \(items.count) blocks; the rest (\(source.size - offset) bytes) is not read"))
                    }
                    return
                }
                var path = header.entryName.isEmpty ? "block\(header.fileSequence).img" : header.entryName
                let seen = names[path, default: 0]
                names[path] = seen + 1
                if seen > 0 { path += "#\(seen + 1)" }
                guard header.headerLength >= UInt32(BlockHeader.size) else {
                    notes.append(ContainerNote(.error, "huawei-app.bad-header",
                        "block header at offset \(offset) states length \(header.headerLength), less than \(BlockHeader.size); the rest is not read",
                        path: path))
                    return
                }
                let dataOffset = offset + UInt64(header.headerLength)
                let (end, overflow) = dataOffset.addingReportingOverflow(UInt64(header.dataSize))
                guard !overflow, end <= source.size else {
                    notes.append(ContainerNote(.error, "huawei-app.item-out-of-range",
                        "\(header.dataSize) bytes of data at offset \(dataOffset) reach past the end of the \(source.size)-byte package; not read",
                        path: path))
                    return
                }
                if header.blockSize > 0 {
                    let blocks = (UInt64(header.dataSize) + UInt64(header.blockSize) - 1) / UInt64(header.blockSize)
                    let listBytes = UInt64(header.headerLength) - UInt64(BlockHeader.size)
                    if listBytes != blocks * 2 {
                        notes.append(ContainerNote(.warning, "huawei-app.crc-list-size",
                            "the CRC list holds \(listBytes) bytes, \(blocks) blocks of \(header.blockSize) need \(blocks * 2)", path: path))
                    }
                }
                if header.dataSize > 0 {
                    items.append(Item(path: path, header: header, headerOffset: offset, dataOffset: dataOffset))
                }
                offset = (end + 3) & ~3
            }
        }

        /// Zero (or 0xFF) padding at the end of a package is no trouble.
        private func allZero(from offset: UInt64) -> Bool {
            let n = Int(min(source.size - offset, 4096))
            guard source.size - offset <= 4096, let tail = try? source.read(at: offset, count: n) else { return false }
            return tail.allSatisfy { $0 == 0 } || tail.allSatisfy { $0 == 0xff }
        }

        public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
            notes.forEach(note)
            for item in items {
                checkBlockCRCs(item, note)
                let view = try source.slice(offset: item.dataOffset, length: UInt64(item.header.dataSize))
                try visit(ContainerEntry(path: item.path, size: UInt64(item.header.dataSize), source: view))
            }
        }

        /// Compares each `blockSize` run of data with its CRC in the list (small items only).
        private func checkBlockCRCs(_ item: Item, _ note: (ContainerNote) -> Void) {
            let blockSize = UInt64(item.header.blockSize)
            let size = UInt64(item.header.dataSize)
            guard blockSize > 0, size <= HuaweiApp.blockCRCLimit else { return }
            let blocks = (size + blockSize - 1) / blockSize
            guard UInt64(item.header.headerLength) - UInt64(BlockHeader.size) == blocks * 2,
                  let list = try? source.read(at: item.headerOffset + UInt64(BlockHeader.size), count: Int(blocks * 2)),
                  let data = try? source.read(at: item.dataOffset, count: Int(size))
            else { return }
            var bad: [UInt64] = []
            for b in 0..<blocks {
                let start = Int(b * blockSize), end = Int(min(size, (b + 1) * blockSize))
                let stated = ByteReader.u16le(list, Int(b) * 2)
                if HuaweiApp.crc16(data[start..<end]) != stated { bad.append(b) }
            }
            if let first = bad.first {
                note(ContainerNote(.warning, "huawei-app.block-crc",
                    "\(bad.count) of \(blocks) data blocks do not match their CRC (first: block \(first)); read all the same", path: item.path))
            }
        }
    }
}
