import PresetScanCore

extension Qualcomm {
    /// One `<program/>` element of a `rawprogram*.xml` (only the attributes the join needs).
    public struct Program: Sendable, Equatable {
        public var filename: String
        public var label: String
        /// `start_sector`: where the file's bytes go, in sectors of `sectorSize`.
        public var startSector: UInt64?
        /// `SECTOR_SIZE_IN_BYTES` (512 on eMMC, 4096 on UFS).
        public var sectorSize: UInt64
        /// `sparse="true"`: the file is an Android sparse image (or a chunk of one).
        public var sparse: Bool
    }

    /// A flash plan: its `<program>` elements in document order. A small scanner, not an XML
    /// parser: plans are flat lists of empty elements with double-quoted attributes (`ptool.py`
    /// writes them so); comments are skipped and entities are not expanded.
    public struct RawProgram: Sendable {
        public var programs: [Program] = []
        public var notes: [String] = []

        public init(text bytes: [UInt8]) {
            var i = 0
            let n = bytes.count
            func starts(_ s: String, at j: Int) -> Bool {
                let u = Array(s.utf8)
                return j + u.count <= n && bytes[j..<j + u.count].elementsEqual(u)
            }
            while i < n {
                guard bytes[i] == UInt8(ascii: "<") else { i += 1; continue }
                if starts("<!--", at: i) {
                    var j = i + 4
                    while j < n, !starts("-->", at: j) { j += 1 }
                    i = j + 3
                    continue
                }
                var j = i + 1
                while j < n, bytes[j] != UInt8(ascii: ">") { j += 1 }
                let tag = Array(bytes[(i + 1)..<min(j, n)])
                i = j + 1
                guard let element = RawProgram.element(tag), element.name.lowercased() == "program" else { continue }
                guard programs.count < Qualcomm.maxPrograms else {
                    notes.append("more than \(Qualcomm.maxPrograms) <program> elements; the rest is not read")
                    return
                }
                let a = element.attributes
                let sector = a["SECTOR_SIZE_IN_BYTES"].flatMap { UInt64($0) } ?? 512
                programs.append(Program(
                    filename: a["filename"] ?? "", label: a["label"] ?? "",
                    startSector: a["start_sector"].flatMap { UInt64($0.trimmingSpaces) },
                    sectorSize: sector == 0 ? 512 : sector,
                    sparse: a["sparse"]?.lowercased() == "true"))
            }
        }

        /// Name and attributes of a tag's text (between `<` and `>`).
        static func element(_ tag: [UInt8]) -> (name: String, attributes: [String: String])? {
            var i = 0
            let n = tag.count
            func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0d }
            func isNameByte(_ b: UInt8) -> Bool { !isSpace(b) && b != UInt8(ascii: "=") && b != UInt8(ascii: "/") && b != UInt8(ascii: "\"") && b != UInt8(ascii: "'") }
            while i < n, isNameByte(tag[i]) { i += 1 }
            guard i > 0 else { return nil }
            let name = String(decoding: tag[0..<i], as: UTF8.self)
            var attributes: [String: String] = [:]
            while i < n {
                while i < n, isSpace(tag[i]) || tag[i] == UInt8(ascii: "/") { i += 1 }
                let keyStart = i
                while i < n, isNameByte(tag[i]) { i += 1 }
                let key = String(decoding: tag[keyStart..<i], as: UTF8.self)
                while i < n, isSpace(tag[i]) { i += 1 }
                guard i < n, tag[i] == UInt8(ascii: "=") else {
                    if i == keyStart { i += 1 }
                    continue
                }
                i += 1
                while i < n, isSpace(tag[i]) { i += 1 }
                guard i < n, tag[i] == UInt8(ascii: "\"") || tag[i] == UInt8(ascii: "'") else { continue }
                let quote = tag[i]
                i += 1
                let valueStart = i
                while i < n, tag[i] != quote { i += 1 }
                if !key.isEmpty, attributes[key] == nil { attributes[key] = String(decoding: tag[valueStart..<min(i, n)], as: UTF8.self) }
                i += 1
            }
            return (name, attributes)
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
