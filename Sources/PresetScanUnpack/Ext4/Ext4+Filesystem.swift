import PresetScanCore

extension Ext4 {
    /// An ext2/3/4 filesystem read in place from a byte source; files are `MappedByteSource`
    /// views of their extents, never copied.
    public final class Filesystem: Container, @unchecked Sendable {
        public let source: ByteSource
        public let superblock: Superblock
        public let limits: UnpackLimits
        let blockSize: UInt64
        private let descriptors: [GroupDescriptor]

        public init(source: ByteSource, limits: UnpackLimits = UnpackLimits()) throws {
            guard source.size >= Superblock.offset + UInt64(Superblock.size) else {
                throw ContainerError("ext4.truncated", "ext4 image truncated: \(source.size) bytes, the superblock ends at 2048")
            }
            var r = ByteReader(try source.read(at: Superblock.offset, count: Superblock.size), base: Superblock.offset,
                               structure: "ext4 superblock")
            let sb = try Superblock.parse(&r)
            self.source = source
            self.superblock = sb
            self.limits = limits
            self.blockSize = UInt64(sb.blockSize)
            let unsupported: [(UInt32, String)] = [
                (Superblock.incompatJournalDev, "external journal device"), (Superblock.incompatMetaBG, "meta_bg"),
            ]
            for (bit, name) in unsupported where sb.featureIncompat & bit != 0 {
                throw ContainerError("ext4.unsupported", "ext4 feature \(name) is not supported")
            }
            let (groups, descSize) = (sb.groupCount, UInt64(sb.descSize))
            let (tableBytes, overflow) = groups.multipliedReportingOverflow(by: descSize)
            guard !overflow, tableBytes <= 64 << 20 else {
                throw ContainerError("ext4.bad-superblock", "ext4 superblock: \(groups) block groups is implausible")
            }
            let tableOffset = (UInt64(sb.firstDataBlock) + 1) * blockSize
            guard tableOffset <= source.size, tableBytes <= source.size - tableOffset else {
                throw ContainerError("ext4.truncated",
                    "ext4 image truncated: group descriptors at \(tableOffset)+\(tableBytes) pass the end (\(source.size) bytes)")
            }
            let table = try source.read(at: tableOffset, count: Int(tableBytes))
            var descs: [GroupDescriptor] = []
            descs.reserveCapacity(Int(groups))
            for g in 0..<Int(groups) {
                var dr = try ByteReader(table, base: tableOffset, structure: "ext4 group descriptor \(g)")
                    .sub(at: g * Int(descSize), length: Int(descSize))
                descs.append(try GroupDescriptor.parse(&dr, is64Bit: sb.is64Bit))
            }
            self.descriptors = descs
        }

        /// Bytes a complete image needs (a shorter source is a truncated image).
        public var declaredSize: UInt64 { superblock.blocksCount * blockSize }

        func readBlock(_ block: UInt64) throws -> [UInt8] {
            let (offset, overflow) = block.multipliedReportingOverflow(by: blockSize)
            guard !overflow else { throw ByteSourceError.outOfRange(offset: .max, count: Int(blockSize), size: source.size) }
            return try source.read(at: offset, count: Int(blockSize))
        }

        /// Reads inode `number` (1-based) from its group's inode table.
        public func inode(_ number: UInt32) throws -> Inode {
            guard number >= 1, number <= superblock.inodesCount else {
                throw ParseError("ext4 inode", at: 0, "inode number \(number) is outside 1...\(superblock.inodesCount)")
            }
            let index = UInt64(number - 1)
            let group = Int(index / UInt64(superblock.inodesPerGroup))
            guard group < descriptors.count else {
                throw ParseError("ext4 inode", at: 0, "inode \(number) is in group \(group) of \(descriptors.count)")
            }
            let table = descriptors[group].inodeTable
            let inodeSize = UInt64(superblock.inodeSize)
            let (base, o1) = table.multipliedReportingOverflow(by: blockSize)
            let (offset, o2) = base.addingReportingOverflow(index % UInt64(superblock.inodesPerGroup) * inodeSize)
            guard !o1, !o2, table < superblock.blocksCount else {
                throw ParseError("ext4 group descriptor \(group)", at: 0, "inode table block \(table) is outside the filesystem")
            }
            var r = ByteReader(try source.read(at: offset, count: Int(inodeSize)), base: offset, structure: "ext4 inode \(number)")
            return try Inode.parse(&r, number: number, inodeSize: Int(inodeSize))
        }

        /// The file's bytes as a view: extents or block map over the image, inline data from memory.
        public func contents(of inode: Inode) throws -> ByteSource {
            if inode.hasInlineData {
                let bytes = Array((inode.block + inode.inlineDataTail).prefix(Int(min(inode.size, 1 << 20))))
                return MemoryByteSource(bytes)
            }
            let blocksNeeded = inode.size / blockSize + (inode.size % blockSize == 0 ? 0 : 1)
            let runs: [BlockRun]
            if inode.usesExtents {
                runs = try Ext4.extentRuns(root: inode.block, fs: self, inode: inode.number)
            } else {
                runs = try Ext4.blockMapRuns(iBlock: inode.block, fs: self, inode: inode.number, blockCount: blocksNeeded)
            }
            var segments: [MappedByteSource.Segment] = []
            segments.reserveCapacity(runs.count)
            for run in runs where run.logical < blocksNeeded {
                guard run.physical < superblock.blocksCount, run.count <= superblock.blocksCount - run.physical else {
                    throw ContainerError("ext4.extent-out-of-range",
                        "inode \(inode.number): extent \(run.physical)+\(run.count) lies outside the \(superblock.blocksCount)-block filesystem")
                }
                let start = run.logical * blockSize
                let length = min(run.count * blockSize, inode.size - start)
                let backing: MappedByteSource.Backing = run.unwritten ? .zero : .source(source, offset: run.physical * blockSize)
                segments.append(.init(start: start, length: length, backing: backing))
            }
            do {
                return try MappedByteSource(size: inode.size, segments: segments)
            } catch let e as MappedByteSource.MappingError {
                switch e {
                case .overlap: throw ContainerError("ext4.extent-overlap", "inode \(inode.number): extents overlap (\(e))")
                case .backingOutOfRange:
                    throw ContainerError("ext4.truncated", "inode \(inode.number): data lies past the end of the image (\(e))")
                case .outOfRange: throw ContainerError("ext4.extent-out-of-range", "inode \(inode.number): \(e)")
                }
            }
        }
    }
}
