import PresetScanCore

/// Mach-O executables (`<mach-o/loader.h>`, `<mach-o/fat.h>`): thin 32/64-bit in either byte
/// order, or universal (`FAT_MAGIC` 0xcafebabe, `FAT_MAGIC_64` 0xcafebabf, always big-endian).
///
/// Only what presetscan needs is read: each slice's header and load commands, its
/// `LC_CODE_SIGNATURE` and the file range of the string sections. Every offset is checked against
/// the slice and the file.
enum MachO {
    static let fatMagic: UInt32 = 0xCAFE_BABE
    static let fatMagic64: UInt32 = 0xCAFE_BABF
    static let magic32: UInt32 = 0xFEED_FACE
    static let magic64: UInt32 = 0xFEED_FACF
    static let loadCommandSegment: UInt32 = 0x1
    static let loadCommandSegment64: UInt32 = 0x19
    static let loadCommandCodeSignature: UInt32 = 0x1D
    static let loadCommandEncryptionInfo: UInt32 = 0x21
    static let loadCommandEncryptionInfo64: UInt32 = 0x2C
    /// Architectures accepted in a universal header. Java class files share 0xcafebabe and put
    /// their version (45 and up) where `nfat_arch` is, so a small bound also tells them apart.
    static let maxArchitectures = 32
    /// `sizeofcmds` accepted; real executables have tens of kilobytes of load commands.
    static let maxLoadCommandBytes = 8 << 20
    /// Sections listed per slice.
    static let maxSections = 4096

    /// One architecture's Mach-O image: a whole thin file, or one `fat_arch` range of a universal file.
    struct Slice: Equatable {
        /// Offset and size of the slice in the file.
        var offset: UInt64
        var size: UInt64
        var cpuType: UInt32
        var is64Bit: Bool
        var bigEndian: Bool
        /// `LC_CODE_SIGNATURE` `linkedit_data_command`: the signature's offset (from the slice start) and size.
        var codeSignature: (offset: UInt32, size: UInt32)?
        /// `LC_ENCRYPTION_INFO(_64)` with a non-zero `cryptid`: the range (from the slice start)
        /// that FairPlay encrypts in App Store downloads; its bytes are not the program's.
        var encryptedRange: Range<UInt64>?
        var sections: [Section]

        static func == (a: Slice, b: Slice) -> Bool {
            a.offset == b.offset && a.size == b.size && a.cpuType == b.cpuType && a.is64Bit == b.is64Bit
                && a.bigEndian == b.bigEndian && a.encryptedRange == b.encryptedRange && a.codeSignature?.offset == b.codeSignature?.offset
                && a.codeSignature?.size == b.codeSignature?.size && a.sections == b.sections
        }

        /// `arm64`, `armv7`, `x86_64`, ... for messages.
        var architecture: String {
            switch cpuType {
            case 0x0100_000C: "arm64"
            case 0x0200_000C: "arm64_32"
            case 12: "arm"
            case 0x0100_0007: "x86_64"
            case 7: "i386"
            case 18: "ppc"
            case 0x0100_0012: "ppc64"
            default: "cpu \(cpuType)"
            }
        }
    }

    /// A `section`/`section_64` with file contents: its names and file range within the slice.
    struct Section: Equatable {
        var segment: String
        var name: String
        var offset: UInt64
        var size: UInt64

        /// The file range within the slice (ending at UInt64.max when offset + size overflows).
        var range: Range<UInt64> {
            let (end, overflow) = offset.addingReportingOverflow(size)
            return offset..<(overflow ? .max : end)
        }
    }

    /// Whether the first four bytes are a Mach-O or universal magic.
    static func isMachO(_ head: [UInt8]) -> Bool {
        guard head.count >= 4 else { return false }
        let be = UInt32(head[0]) << 24 | UInt32(head[1]) << 16 | UInt32(head[2]) << 8 | UInt32(head[3])
        let le = be.byteSwapped
        return be == fatMagic || be == fatMagic64 || [magic32, magic64].contains(be) || [magic32, magic64].contains(le)
    }

    /// The slices of a thin or universal file.
    static func slices(of source: ByteSource) throws -> [Slice] {
        guard source.size >= 8 else { throw ParseError("Mach-O header", at: 0, "\(source.size) bytes is too short") }
        var head = ByteReader(try source.read(at: 0, count: 8), structure: "fat_header")
        let magic = try head.u32be()
        guard magic == fatMagic || magic == fatMagic64 else {
            return [try slice(of: source, offset: 0, size: source.size)]
        }
        let count = try head.u32be()
        guard count >= 1, count <= UInt32(maxArchitectures) else {
            throw ParseError("fat_header", at: 4, "nfat_arch \(count) outside 1...\(maxArchitectures) (not a universal Mach-O)")
        }
        let entrySize = magic == fatMagic64 ? 32 : 20
        let tableSize = Int(count) * entrySize
        guard UInt64(8 + tableSize) <= source.size else {
            throw ParseError("fat_arch", at: 8, "\(count) architectures need \(tableSize) bytes; the file has \(source.size)")
        }
        var table = ByteReader(try source.read(at: 8, count: tableSize), base: 8, structure: magic == fatMagic64 ? "fat_arch_64" : "fat_arch")
        var slices: [Slice] = []
        for index in 0..<Int(count) {
            let at = table.absoluteOffset
            _ = try table.u32be()  // cputype: read again from the slice's own header
            _ = try table.u32be()
            let offset: UInt64, size: UInt64
            if magic == fatMagic64 {
                offset = try table.u64be()
                size = try table.u64be()
                try table.skip(8)
            } else {
                offset = UInt64(try table.u32be())
                size = UInt64(try table.u32be())
                try table.skip(4)
            }
            let (end, overflow) = offset.addingReportingOverflow(size)
            guard !overflow, offset >= UInt64(8 + tableSize), end <= source.size else {
                throw ParseError(table.structure, at: at, "architecture \(index): \(size) bytes at \(offset) outside the file (\(source.size) bytes)")
            }
            if let other = slices.first(where: { offset < $0.offset + $0.size && $0.offset < end }) {
                throw ParseError(table.structure, at: at, "architecture \(index) overlaps the one at \(other.offset)")
            }
            slices.append(try slice(of: source, offset: offset, size: size))
        }
        return slices
    }

    /// Reads the header and load commands of the Mach-O image at `[offset, offset+size)`.
    static func slice(of source: ByteSource, offset: UInt64, size: UInt64) throws -> Slice {
        guard size >= 28 else { throw ParseError("mach_header", at: offset, "slice of \(size) bytes is too short") }
        let fixed = try source.read(at: offset, count: 28)
        let raw = UInt32(fixed[0]) << 24 | UInt32(fixed[1]) << 16 | UInt32(fixed[2]) << 8 | UInt32(fixed[3])
        let bigEndian: Bool, is64: Bool
        switch raw {
        case magic32: (bigEndian, is64) = (true, false)
        case magic64: (bigEndian, is64) = (true, true)
        case magic32.byteSwapped: (bigEndian, is64) = (false, false)
        case magic64.byteSwapped: (bigEndian, is64) = (false, true)
        default: throw ParseError("mach_header", at: offset, "magic 0x\(String(raw, radix: 16)) is not Mach-O")
        }
        var header = Fields(ByteReader(fixed, base: offset, structure: is64 ? "mach_header_64" : "mach_header"), bigEndian: bigEndian)
        try header.skip(4)
        let cpuType = try header.u32()
        try header.skip(8)  // cpusubtype, filetype
        let commandCount = try header.u32()
        let commandBytes = try header.u32()
        let headerSize: UInt64 = is64 ? 32 : 28
        guard commandBytes <= UInt32(maxLoadCommandBytes), headerSize + UInt64(commandBytes) <= size else {
            throw ParseError(header.structure, at: offset + 20, "sizeofcmds \(commandBytes) does not fit in the \(size)-byte slice")
        }
        var slice = Slice(offset: offset, size: size, cpuType: cpuType, is64Bit: is64, bigEndian: bigEndian, codeSignature: nil, sections: [])
        let commands = try source.read(at: offset + headerSize, count: Int(commandBytes))
        var reader = Fields(ByteReader(commands, base: offset + headerSize, structure: "load command"), bigEndian: bigEndian)
        // Each command takes at least 8 bytes, which bounds a lying ncmds.
        for _ in 0..<min(Int(commandCount), commands.count / 8) {
            let start = reader.reader.relativePosition
            let command = try reader.u32()
            let commandSize = Int(try reader.u32())
            guard commandSize >= 8, commandSize <= commands.count - start else {
                throw reader.reader.error("cmdsize \(commandSize) of command 0x\(String(command, radix: 16)) runs past sizeofcmds", at: start)
            }
            var body = Fields(try reader.reader.sub(at: start + 8, length: commandSize - 8), bigEndian: bigEndian)
            switch command {
            case loadCommandCodeSignature:
                body.reader.structure = "linkedit_data_command"
                let dataOffset = try body.u32()
                let dataSize = try body.u32()
                guard slice.codeSignature == nil else {
                    throw body.reader.error("a second LC_CODE_SIGNATURE", at: start)
                }
                slice.codeSignature = (dataOffset, dataSize)
            case loadCommandEncryptionInfo, loadCommandEncryptionInfo64:
                body.reader.structure = "encryption_info_command"
                let cryptOffset = UInt64(try body.u32())
                let cryptSize = UInt64(try body.u32())
                if try body.u32() != 0 { slice.encryptedRange = cryptOffset..<cryptOffset + cryptSize }
            case loadCommandSegment, loadCommandSegment64:
                body.reader.structure = command == loadCommandSegment64 ? "segment_command_64" : "segment_command"
                try readSections(&body, is64: command == loadCommandSegment64, into: &slice)
            default:
                break
            }
            try reader.reader.seek(to: start + commandSize)
        }
        return slice
    }

    /// The `section`s after a segment command, those with file contents.
    private static func readSections(_ body: inout Fields, is64: Bool, into slice: inout Slice) throws {
        try body.skip(16)  // segname: each section repeats it
        try body.skip(is64 ? 32 : 16)  // vmaddr, vmsize, fileoff, filesize
        try body.skip(8)  // maxprot, initprot
        let count = Int(try body.u32())
        try body.skip(4)
        let sectionSize = is64 ? 80 : 68
        guard count <= body.reader.remaining / sectionSize else {
            throw body.reader.error("nsects \(count) does not fit in the command")
        }
        for _ in 0..<count {
            let name = cString(try body.reader.bytes(16))
            let segment = cString(try body.reader.bytes(16))
            try body.skip(is64 ? 8 : 4)  // addr
            let size = is64 ? try body.u64() : UInt64(try body.u32())
            let offset = UInt64(try body.u32())
            try body.skip(8)  // align, reloff
            try body.skip(4)  // nreloc
            let flags = try body.u32()
            try body.skip(is64 ? 12 : 8)  // reserved1...
            // S_ZEROFILL (1), S_GB_ZEROFILL (0xc), S_THREAD_LOCAL_ZEROFILL (0x12) have no file bytes.
            let type = flags & 0xFF
            guard type != 0x1, type != 0xC, type != 0x12, offset != 0, size != 0 else { continue }
            guard slice.sections.count < maxSections else { continue }
            slice.sections.append(Section(segment: segment, name: name, offset: offset, size: size))
        }
    }

    private static func cString(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// A `ByteReader` that reads integers in the slice's byte order.
    struct Fields {
        var reader: ByteReader
        let bigEndian: Bool

        init(_ reader: ByteReader, bigEndian: Bool) {
            self.reader = reader
            self.bigEndian = bigEndian
        }

        var structure: String { reader.structure }
        mutating func skip(_ count: Int) throws { try reader.skip(count) }
        mutating func u32() throws -> UInt32 { bigEndian ? try reader.u32be() : try reader.u32le() }
        mutating func u64() throws -> UInt64 { bigEndian ? try reader.u64be() : try reader.u64le() }
    }
}

extension MachO.Slice {
    /// Bytes of `section` from the file, checked against the slice; nil when it lies outside.
    func bytes(of section: MachO.Section, in source: ByteSource, maxBytes: Int) throws -> [UInt8]? {
        let (end, overflow) = section.offset.addingReportingOverflow(section.size)
        guard !overflow, end <= size, section.size <= UInt64(maxBytes) else { return nil }
        return try source.read(at: offset + section.offset, count: Int(section.size))
    }
}
