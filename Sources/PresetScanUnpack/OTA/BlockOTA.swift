import PresetScanCore

/// Block-based (non-A/B) OTA packages: `<p>.transfer.list` says which 4 KiB blocks of partition `<p>`
/// get the next blocks of `<p>.new.dat` (AOSP `bootable/recovery/updater/blockimg.cpp`, transfer
/// list versions 1–4; written by `build/make/tools/releasetools/blockimgdiff.py`).
///
/// A partition is exposed under its new-data entry's name (`ota.zip!/system.new.dat.br!/…`) as a
/// view of the image the transfer list would write: uncompressed new data is read in place, brotli
/// or xz new data is decoded once into a spill file.
public enum BlockOTA {
    /// Block size of every transfer list (`BLOCKSIZE` in blockimg.cpp).
    public static let blockSize: UInt64 = 4096
    /// Highest block number accepted (16 TiB of partition): keeps `block * blockSize` far from overflow.
    static let maxBlock: UInt64 = 1 << 32

    /// A range set as transfer lists write it: `<count>,<a>,<b>,…`, `count` numbers forming
    /// half-open block ranges `[a, b)` (`RangeSet::Parse` in `otautil/rangeset.cpp`).
    public struct RangeSet: Sendable, Equatable {
        public var ranges: [Range<UInt64>]

        public init(_ ranges: [Range<UInt64>]) { self.ranges = ranges }

        public var blockCount: UInt64 { ranges.reduce(0) { $0 + ($1.upperBound - $1.lowerBound) } }
        public var end: UInt64 { ranges.map(\.upperBound).max() ?? 0 }

        /// Parses one range set token; `offset` is where it starts in the list, for errors.
        public static func parse(_ token: Substring, offset: UInt64) throws -> RangeSet {
            let numbers = token.split(separator: ",", omittingEmptySubsequences: false)
            guard let first = numbers.first, let count = Int(first), count >= 2, count % 2 == 0,
                  count == numbers.count - 1
            else {
                throw ParseError("transfer list range set", at: offset, "\"\(token.prefix(64))\" is not <count>,<a>,<b>,…")
            }
            var ranges: [Range<UInt64>] = []
            ranges.reserveCapacity(count / 2)
            var i = 1
            while i < numbers.count {
                guard let a = UInt64(numbers[i]), let b = UInt64(numbers[i + 1]), a < b, b <= maxBlock else {
                    throw ParseError("transfer list range set", at: offset,
                                     "range \(numbers[i])-\(numbers[i + 1]) is empty, reversed or past block \(maxBlock)")
                }
                ranges.append(a..<b)
                i += 2
            }
            return RangeSet(ranges)
        }
    }

    /// A parsed `<p>.transfer.list`.
    public struct TransferList: Sendable, Equatable {
        /// One command line. Only `new`, `zero`, `erase` and `compute_hash_tree` build a partition
        /// without a source build; the others (`move`, `bsdiff`, `imgdiff`, `stash`, `free`) need one.
        public enum Command: Sendable, Equatable {
            case new(RangeSet)
            case zero(RangeSet)
            case erase(RangeSet)
            /// Version 4 (Android P): the verity hash tree is computed on the device into these blocks.
            case computeHashTree(RangeSet)
            /// A command that reads the source partition; its name is kept.
            case incremental(String)
        }

        public var version: Int
        /// Second line: the blocks the list writes (not checked; informative).
        public var totalBlocks: UInt64
        public var commands: [Command]

        public var isIncremental: Bool {
            commands.contains { if case .incremental = $0 { true } else { false } }
        }

        /// Blocks in the partition as the list leaves it: the end of the last range any command touches.
        public var blockCount: UInt64 {
            commands.reduce(0) { m, c in
                switch c {
                case let .new(r), let .zero(r), let .erase(r), let .computeHashTree(r): max(m, r.end)
                case .incremental: m
                }
            }
        }

        /// Parses the text of a transfer list (versions 1–4).
        public static func parse(_ bytes: [UInt8]) throws -> TransferList {
            // Split on bytes: as Characters, "\r\n" is one grapheme and would not split on "\n".
            var lines: [(text: Substring, offset: UInt64)] = []
            var offset: UInt64 = 0
            for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                let line = raw.last == UInt8(ascii: "\r") ? raw.dropLast() : raw
                lines.append((Substring(String(decoding: line, as: UTF8.self)), offset))
                offset += UInt64(raw.count) + 1
            }
            guard lines.count >= 2, let version = Int(lines[0].text), (1...4).contains(version) else {
                throw ParseError("transfer list", at: 0, "first line \"\(lines.first?.text.prefix(32) ?? "")\" is not a version 1-4")
            }
            guard let total = UInt64(lines[1].text) else {
                throw ParseError("transfer list", at: lines[1].offset, "second line is not a block count")
            }
            // Versions 2+ add the stash entry count and the most blocks stashed at once.
            let headerLines = version >= 2 ? 4 : 2
            guard lines.count >= headerLines else {
                throw ParseError("transfer list", at: offset, "version \(version) needs \(headerLines) header lines")
            }
            for l in lines[2..<headerLines] where UInt64(l.text) == nil {
                throw ParseError("transfer list", at: l.offset, "header line \"\(l.text.prefix(32))\" is not a number")
            }
            var commands: [Command] = []
            for (line, at) in lines[headerLines...] where !line.isEmpty {
                let words = line.split(separator: " ", omittingEmptySubsequences: true)
                guard let name = words.first else { continue }
                func ranges() throws -> RangeSet {
                    guard words.count >= 2 else { throw ParseError("transfer list", at: at, "\(name) without a range set") }
                    return try RangeSet.parse(words[1], offset: at + UInt64(name.utf8.count) + 1)
                }
                switch name {
                case "new": commands.append(.new(try ranges()))
                case "zero": commands.append(.zero(try ranges()))
                case "erase": commands.append(.erase(try ranges()))
                case "compute_hash_tree": commands.append(.computeHashTree(try ranges()))
                case "move", "bsdiff", "imgdiff", "stash", "free": commands.append(.incremental(String(name)))
                default:
                    throw ParseError("transfer list", at: at, "unknown command \"\(name.prefix(32))\"")
                }
            }
            return TransferList(version: version, totalBlocks: total, commands: commands)
        }

        /// The partition image as a view: `new` ranges take consecutive blocks of `newData`, every
        /// other block reads as zeros. Also returns the bytes of new data the list consumes.
        ///
        /// A `zero`/`erase` over blocks an earlier `new` wrote is not undone (full lists never do that).
        public func image(newData: ByteSource) throws -> (view: MappedByteSource, needed: UInt64) {
            var segments: [MappedByteSource.Segment] = []
            var consumed: UInt64 = 0
            for case let .new(set) in commands {
                for r in set.ranges {
                    let length = (r.upperBound - r.lowerBound) * BlockOTA.blockSize
                    let available = newData.size > consumed ? min(length, newData.size - consumed) : 0
                    if available > 0 {
                        segments.append(.init(start: r.lowerBound * BlockOTA.blockSize, length: available,
                                              backing: .source(newData, offset: consumed)))
                    }
                    let (sum, overflow) = consumed.addingReportingOverflow(length)
                    guard !overflow else { throw ContainerError("blockota.bad-transfer-list", "new ranges add up past 2^64 bytes") }
                    consumed = sum
                }
            }
            do {
                return (try MappedByteSource(size: blockCount * BlockOTA.blockSize, segments: segments), consumed)
            } catch let e as MappedByteSource.MappingError {
                throw ContainerError("blockota.bad-transfer-list", "transfer list writes \(e)")
            }
        }
    }

    /// Visits every partition of a block OTA zip; incremental ones get a PS009 note instead.
    ///
    /// The entries it reads (transfer lists, new data, patch data) are added to `handled`.
    static func forEachPartition(archive: ZipArchive, context: UnpackContext, metadata: OTA.Metadata,
                                 handled: inout Set<String>, _ note: (ContainerNote) -> Void,
                                 _ visit: (ContainerEntry) throws -> Void) throws {
        for entry in archive.entries where entry.name.hasSuffix(OTA.transferListSuffix) && !entry.isDirectory {
            guard handled.insert(entry.name).inserted else { continue }
            let partition = String(entry.name.dropLast(OTA.transferListSuffix.count))
            let candidates: [(String, OTA.Codec?)] = [
                ("\(partition).new.dat.br", .brotli), ("\(partition).new.dat.xz", .xz), ("\(partition).new.dat", nil),
            ]
            for (name, _) in candidates { handled.insert(name) }
            handled.insert("\(partition).patch.dat")
            let newData = candidates.first { archive.entry(named: $0.0) != nil }
            let path = newData?.0 ?? entry.name
            do {
                let list = try TransferList.parse(try archive.data(of: entry, maxBytes: OTA.maxTextBytes))
                let patch = archive.entry(named: "\(partition).patch.dat")
                if list.isIncremental || (patch?.uncompressedSize ?? 0) > 0 {
                    note(OTA.incrementalNote(metadata, path: path))
                    continue
                }
                guard let (name, codec) = newData, let dataEntry = archive.entry(named: name) else {
                    note(ContainerNote(.error, "blockota.missing-new-data",
                        "\(entry.name) has no \(partition).new.dat, .new.dat.br or .new.dat.xz beside it", path: entry.name))
                    continue
                }
                let needed = try list.image(newData: MemoryByteSource([])).needed
                let data: ByteSource
                if let codec {
                    data = try OTA.EntryData.spillDecoded(dataEntry, in: archive, codec: codec, limit: needed, context: context)
                } else {
                    data = try OTA.EntryData.source(of: dataEntry, in: archive, context: context)
                }
                let (view, consumed) = try list.image(newData: data)
                if data.size < consumed {
                    note(ContainerNote(.error, "blockota.truncated",
                        "\(name) holds \(data.size) bytes, the transfer list writes \(consumed); the missing blocks read as zeros",
                        path: name))
                }
                try visit(ContainerEntry(path: name, size: view.size, source: view))
            } catch let e as ParseError {
                note(ContainerNote(.error, "blockota.bad-transfer-list", "\(e)", path: entry.name))
            } catch let e as ContainerError {
                note(ContainerNote(.error, e.code, e.message, path: entry.name))
            } catch let e as OTA.DecodeError {
                note(ContainerNote(.error, "blockota.bad-new-data", "\(e)", path: path))
            } catch let e as SpillError {
                note(ContainerNote(.error, "limit.total-bytes", "\(e)", path: path))
            } catch let e as ZipError {
                note(ContainerNote(.error, "zip.entry-unreadable", "\(e)", path: path))
            } catch let e as InflateError {
                note(ContainerNote(.error, "zip.entry-unreadable", "\(e)", path: path))
            } catch let e as ByteSourceError {
                note(ContainerNote(.error, "blockota.unreadable", "\(e)", path: path))
            }
        }
    }
}
