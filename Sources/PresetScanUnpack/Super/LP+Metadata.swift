import PresetScanCore

extension LP {
    /// The partition table of a `super.img`: geometry, header, partitions and their extents,
    /// read from metadata slot 0 (falling back to the backup geometry).
    public final class Metadata: Container, @unchecked Sendable {
        public let source: ByteSource
        public let geometry: Geometry
        public let header: Header
        public let partitions: [Partition]
        public let extents: [Extent]

        public init(source: ByteSource) throws {
            self.source = source
            func readGeometry(at offset: UInt64) throws -> Geometry {
                guard source.size >= offset + 52 else {
                    throw ContainerError("super.truncated", "super image truncated: \(source.size) bytes, geometry at \(offset)")
                }
                var r = ByteReader(try source.read(at: offset, count: 52), base: offset, structure: "LP geometry")
                return try Geometry.parse(&r)
            }
            let geometry: Geometry
            do { geometry = try readGeometry(at: reservedBytes) } catch {
                geometry = try readGeometry(at: reservedBytes + geometrySize)
            }
            self.geometry = geometry
            // Primary metadata slot 0 follows the two geometry copies.
            let metadataOffset = reservedBytes + 2 * geometrySize
            guard source.size >= metadataOffset + UInt64(geometry.metadataMaxSize) else {
                throw ContainerError("super.truncated", "super image truncated: metadata at \(metadataOffset) needs \(geometry.metadataMaxSize) bytes")
            }
            let block = try source.read(at: metadataOffset, count: Int(geometry.metadataMaxSize))
            var hr = ByteReader(block, base: metadataOffset, structure: "LP metadata header")
            let header = try Header.parse(&hr)
            self.header = header
            guard UInt64(header.headerSize) + UInt64(header.tablesSize) <= UInt64(block.count) else {
                throw ParseError("LP metadata header", at: metadataOffset, "tables (\(header.tablesSize) bytes) exceed the metadata size \(block.count)")
            }
            let tables = try hr.sub(at: Int(header.headerSize), length: Int(header.tablesSize), structure: "LP metadata tables")
            func table<T>(_ d: TableDescriptor, _ entrySize: UInt32, _ name: String, _ parse: (inout ByteReader) throws -> T) throws -> [T] {
                guard d.entrySize == entrySize else {
                    throw ParseError("LP \(name) table", at: tables.absoluteOffset, "entry size \(d.entrySize), expected \(entrySize)")
                }
                let (total, overflow) = d.entries.multipliedReportingOverflow(by: d.entrySize)
                guard !overflow else { throw ParseError("LP \(name) table", at: tables.absoluteOffset, "size overflows") }
                var r = try tables.sub(at: Int(d.offset), length: Int(total), structure: "LP \(name) table")
                return try (0..<d.entries).map { _ in try parse(&r) }
            }
            partitions = try table(header.partitions, Partition.size, "partition", Partition.parse)
            extents = try table(header.extents, Extent.size, "extent", Extent.parse)
        }

        /// A partition's bytes: its LINEAR extents concatenated over the image, ZERO extents as holes.
        public func contents(of partition: Partition) throws -> ByteSource {
            let (end, overflow) = partition.firstExtentIndex.addingReportingOverflow(partition.extentCount)
            guard !overflow, Int(end) <= extents.count else {
                throw ContainerError("super.bad-extent",
                    "partition \(partition.name): extents \(partition.firstExtentIndex)+\(partition.extentCount) outside the table of \(extents.count)")
            }
            var segments: [MappedByteSource.Segment] = []
            var logical: UInt64 = 0
            for (i, e) in extents[Int(partition.firstExtentIndex)..<Int(end)].enumerated() {
                let (length, o1) = e.sectors.multipliedReportingOverflow(by: sectorSize)
                let (physical, o2) = e.targetData.multipliedReportingOverflow(by: sectorSize)
                guard !o1, !o2, logical <= UInt64.max - length else {
                    throw ContainerError("super.bad-extent", "partition \(partition.name): extent \(i) size overflows")
                }
                switch e.targetType {
                case Extent.targetLinear:
                    guard e.targetSource == 0 else {
                        throw ContainerError("super.unsupported",
                            "partition \(partition.name): extent \(i) is on block device \(e.targetSource); only single-device super images are read")
                    }
                    guard physical <= source.size, length <= source.size - physical else {
                        throw ContainerError("super.extent-out-of-range",
                            "partition \(partition.name): extent \(i) (\(physical)+\(length)) lies outside the \(source.size)-byte image")
                    }
                    segments.append(.init(start: logical, length: length, backing: .source(source, offset: physical)))
                case Extent.targetZero:
                    segments.append(.init(start: logical, length: length, backing: .zero))
                default:
                    throw ContainerError("super.bad-extent", "partition \(partition.name): extent \(i) has unknown target type \(e.targetType)")
                }
                logical += length
            }
            return try MappedByteSource(size: logical, segments: segments)
        }

        /// Linear extents of two partitions that share image bytes.
        func overlaps() -> [(String, String)] {
            var ranges: [(start: UInt64, end: UInt64, name: String)] = []
            for p in partitions {
                let end = Int(min(UInt64(p.firstExtentIndex) + UInt64(p.extentCount), UInt64(extents.count)))
                guard Int(p.firstExtentIndex) <= end else { continue }
                for e in extents[Int(p.firstExtentIndex)..<end] where e.targetType == Extent.targetLinear {
                    let s = e.targetData &* sectorSize
                    ranges.append((s, s &+ e.sectors &* sectorSize, p.name))
                }
            }
            ranges.sort { $0.start < $1.start }
            var out: [(String, String)] = []
            for i in ranges.indices.dropFirst() where ranges[i].start < ranges[i - 1].end {
                out.append((ranges[i - 1].name, ranges[i].name))
            }
            return out
        }

        /// Visits every partition with at least one extent, in table order; the entry path is the partition name.
        public func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws {
            for (a, b) in overlaps() {
                note(ContainerNote(.error, "super.extent-overlap", "partitions \(a) and \(b) share image bytes"))
            }
            for p in partitions where p.extentCount > 0 {
                let name = p.name.isEmpty ? "partition" : p.name
                do {
                    let s = try contents(of: p)
                    try visit(ContainerEntry(path: name, size: s.size, source: s))
                } catch let e as ContainerError {
                    note(ContainerNote(.error, e.code, e.message, path: name))
                } catch let e as MappedByteSource.MappingError {
                    note(ContainerNote(.error, "super.bad-extent", "\(e)", path: name))
                }
            }
        }
    }
}
