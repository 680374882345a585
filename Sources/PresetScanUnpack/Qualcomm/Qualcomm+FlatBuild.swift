#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PresetScanCore

extension Qualcomm {
    /// The partitions a folder's flash plans split over several files, each joined into one view
    /// (`<folder>/rawprogram0.xml!/system`), and the files so joined, which the folder walk then
    /// skips. Pieces that are chunks of one sparse image with the image's whole geometry (as
    /// `simg2simg` splits) are joined as `simg2img a b c` joins them; otherwise each piece, sparse
    /// or raw, is placed at its `start_sector` relative to the label's first one.
    public struct FlatBuild {
        public struct Partition {
            /// `<plan>!/<label>`, relative to the folder.
            public var path: String
            public var source: ByteSource
            public var pieces: [String]
        }

        /// Joined partitions, per plan file name.
        public private(set) var partitions: [String: [Partition]] = [:]
        /// Files of the folder read as pieces of a joined partition.
        public private(set) var consumed: Set<String> = []
        /// Paths relative to the folder.
        public private(set) var notes: [ContainerNote] = []

        /// Reads the plans among `names` (the folder's entries) and joins what they split.
        public init(folder: String, names: [String]) {
            for plan in names where Qualcomm.isPlan(plan) {
                guard let file = try? FileByteSource(path: folder + "/" + plan) else { continue }
                guard file.size <= Qualcomm.maxPlanBytes, let text = try? file.readAll() else {
                    notes.append(ContainerNote(.error, "qualcomm.plan-too-large",
                        "flash plan of \(file.size) bytes is larger than \(Qualcomm.maxPlanBytes); the partitions it splits are read file by file", path: plan))
                    continue
                }
                let parsed = RawProgram(text: text)
                for n in parsed.notes { notes.append(ContainerNote(.error, "qualcomm.plan-truncated", n, path: plan)) }
                var order: [String] = []
                var byLabel: [String: [Program]] = [:]
                for p in parsed.programs where !p.filename.isEmpty && !p.label.isEmpty {
                    if byLabel[p.label] == nil { order.append(p.label) }
                    if !(byLabel[p.label] ?? []).contains(where: { $0.filename == p.filename }) { byLabel[p.label, default: []].append(p) }
                }
                for label in order {
                    guard let programs = byLabel[label], programs.count > 1 else { continue }
                    join(folder: folder, plan: plan, label: label, programs: programs, names: Set(names))
                }
            }
        }

        private mutating func join(folder: String, plan: String, label: String, programs: [Program], names: Set<String>) {
            let path = plan + "!/" + label
            var pieces: [(program: Program, file: FileByteSource)] = []
            for p in programs {
                guard !p.filename.contains("/"), p.filename != "..", names.contains(p.filename),
                      let file = try? FileByteSource(path: folder + "/" + p.filename)
                else {
                    notes.append(ContainerNote(.error, "qualcomm.missing-piece",
                        "\(p.filename), a piece of \(label), is not in the folder; the partition is read without it", path: path))
                    continue
                }
                pieces.append((p, file))
            }
            guard !pieces.isEmpty else { return }
            do {
                let (source, joinNotes) = try Self.joined(pieces)
                notes += joinNotes.map { ContainerNote($0.diagnostic.severity, $0.diagnostic.code, $0.diagnostic.message, path: path) }
                partitions[plan, default: []].append(Partition(path: path, source: source, pieces: pieces.map(\.program.filename)))
                consumed.formUnion(pieces.map(\.program.filename))
            } catch {
                notes.append(ContainerNote(.error, "qualcomm.join-failed",
                    "the \(pieces.count) pieces of \(label) cannot be joined (\(error)); each piece is read on its own", path: path))
            }
        }

        /// One view over the pieces of one label.
        static func joined(_ pieces: [(program: Program, file: FileByteSource)]) throws -> (ByteSource, [ContainerNote]) {
            var images: [Sparse.Image?] = []
            var notes: [ContainerNote] = []
            for piece in pieces {
                if ContentDetector.detect(piece.file) == .sparse {
                    let image = try Sparse.Image(source: piece.file)
                    notes += image.notes
                    images.append(image)
                } else {
                    images.append(nil)
                }
            }
            let starts = Set(pieces.map { $0.program.startSector })
            let sparseSet = images.compactMap { $0 }
            if sparseSet.count == pieces.count, starts.count == 1 {
                // Chunks of one sparse image, each with the whole image's geometry.
                return (try Sparse.Image.joined(sparseSet), notes)
            }
            var placed: [(offset: UInt64, piece: Int)] = []
            for (i, piece) in pieces.enumerated() {
                guard let start = piece.program.startSector else {
                    throw ContainerError("qualcomm.no-start-sector", "\(piece.program.filename) has no start_sector")
                }
                let (offset, overflow) = start.multipliedReportingOverflow(by: piece.program.sectorSize)
                guard !overflow else { throw ContainerError("qualcomm.start-out-of-range", "start_sector \(start) of \(piece.program.filename) overflows") }
                placed.append((offset, i))
            }
            let base = placed.map(\.offset).min() ?? 0
            var segments: [MappedByteSource.Segment] = []
            var size: UInt64 = 0
            for (offset, i) in placed {
                let at = offset - base
                let length = images[i]?.header.expandedSize ?? pieces[i].file.size
                let (end, overflow) = at.addingReportingOverflow(length)
                guard !overflow else { throw ContainerError("qualcomm.start-out-of-range", "\(pieces[i].program.filename) ends past 2^64") }
                size = max(size, end)
                if let image = images[i] {
                    for s in image.segments { segments.append(.init(start: at + s.start, length: s.length, backing: s.backing)) }
                } else {
                    segments.append(.init(start: at, length: length, backing: .source(pieces[i].file, offset: 0)))
                }
            }
            return (try MappedByteSource(size: size, segments: segments), notes)
        }
    }
}
