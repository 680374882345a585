import PresetScanCore

/// What a run of bytes is, decided by magic numbers only (SPEC §6), never by a name.
public enum ContentKind: String, Sendable, CaseIterable {
    /// PKWARE ZIP (APKs, split-APK sets, OTA zips): `PK\3\4` or an empty archive's `PK\5\6`.
    case zip
    /// Android sparse image (AOSP `sparse_format.h`), magic 0xed26ff3a.
    case sparse
    /// ext2/3/4 superblock magic 0xEF53 at byte 1080.
    case ext4
    /// Dynamic partitions (`super.img`): LP geometry magic 0x616c4467 at byte 4096.
    case superImage = "super"
    /// EROFS (kernel `erofs_fs.h`): superblock magic 0xE0F5E1E2 at byte 1024.
    case erofs
    /// squashfs 4.0: magic `hsqs` at byte 0.
    case squashfs
    /// A/B OTA `payload.bin` (`update_engine` payload): magic `CrAU` at byte 0.
    case payload
    /// A format read through libarchive: tar (plain or gz/bz2/xz/zstd/lz4), cpio, 7z, iso9660, ar.
    case archive
    /// Unisoc/Spreadtrum `.pac` firmware package: UTF-16LE `BP_R` (BP_R1.0.0, BP_R2.0.1) at byte 0.
    case pac
    /// Huawei `UPDATE.APP`: block magic 0xA55AAA55 after 92 zero bytes.
    case huaweiApp = "huawei-app"
    /// Rockchip `update.img`: RKFW (loader + embedded RKAF) or a bare RKAF, magic at byte 0.
    case rockchip
    /// Amlogic burning image (`aml_upgrade_package.img`): magic 0x27B51956 at byte 8.
    case amlogic
    /// f2fs (kernel `f2fs_fs.h`): superblock magic 0xF2F52010 at byte 1024.
    case f2fs
    case unknown
}

/// Content detection from magic bytes.
public enum ContentDetector {
    /// Bytes of the head that detection looks at (enough for the LP geometry at 4096).
    public static let headLength = 4100
    /// The iso9660 primary volume descriptor identifier `CD001` sits at 32769.
    static let isoMagicOffset: UInt64 = 32769
    /// Prefix of a streamed entry kept before deciding what it is (reaches the iso9660 magic).
    public static let streamHeadLength = 32774

    /// Detects the kind of `source`, reading at most its first 4100 bytes (and 5 bytes at 32769).
    public static func detect(_ source: ByteSource) -> ContentKind {
        let n = Int(min(source.size, UInt64(headLength)))
        guard let head = try? source.read(at: 0, count: n) else { return .unknown }
        return detectWithoutHead(source, head: head)
    }

    /// What `source` is: its kind, and when presetscan does not read it, the name of a format it
    /// knows by magic but does not read (`UnsupportedFormat`), from the same head. `farMagics` also
    /// reads the 8 bytes at 64 KiB where btrfs keeps its magic (top-level inputs: inside images that
    /// costs a read per data file for a format firmware does not nest).
    public static func identify(_ source: ByteSource, fileName: String, farMagics: Bool) -> (kind: ContentKind, unsupported: String?) {
        let n = Int(min(source.size, UInt64(headLength)))
        guard let head = try? source.read(at: 0, count: n) else { return (.unknown, nil) }
        let kind = detectWithoutHead(source, head: head)
        guard kind == .unknown else { return (kind, nil) }
        var probe = head
        if farMagics, source.size >= UInt64(UnsupportedFormat.farthest), let far = try? source.read(at: 0x10040, count: 8) {
            probe += [UInt8](repeating: 0, count: 0x10040 - probe.count) + far
        }
        return (.unknown, UnsupportedFormat.name(head: probe) ?? UnsupportedFormat.name(fileName: fileName))
    }

    private static func detectWithoutHead(_ source: ByteSource, head: [UInt8]) -> ContentKind {
        let kind = detect(head: head)
        if kind != .unknown { return kind }
        if source.size >= isoMagicOffset + 5, let iso = try? source.read(at: isoMagicOffset, count: 5),
           iso == Array("CD001".utf8) {
            return .archive
        }
        if hasTrailingZipDirectory(source) { return .zip }
        return .unknown
    }

    /// A ZIP whose first bytes are not a local header (a self-extractor stub, junk prepended to an
    /// APK): an end-of-central-directory record without comment in the last 22 bytes, and a central
    /// directory header where it says the directory ends. Android's reader finds such archives from
    /// the end too. Costs 26 bytes of reading per file that nothing else recognised.
    static func hasTrailingZipDirectory(_ source: ByteSource) -> Bool {
        let size = source.size
        guard size >= 22, let eocd = try? source.read(at: size - 22, count: 22),
              eocd[0] == 0x50, eocd[1] == 0x4b, eocd[2] == 0x05, eocd[3] == 0x06,
              eocd[20] == 0, eocd[21] == 0
        else { return false }
        let cdSize = UInt64(ByteReader.u32le(eocd, 12))
        guard cdSize >= 46, cdSize <= size - 22 else { return false }
        guard let header = try? source.read(at: size - 22 - cdSize, count: 4) else { return false }
        return header == [0x50, 0x4b, 0x01, 0x02]
    }

    /// One magic number of a format presetscan reads: `magic` at `offset` of the content.
    public struct Signature: Sendable {
        public let kind: ContentKind
        public let offset: Int
        public let magic: [UInt8]

        public init(_ kind: ContentKind, at offset: Int, _ magic: [UInt8]) {
            self.kind = kind
            self.offset = offset
            self.magic = magic
        }

        public init(_ kind: ContentKind, at offset: Int, _ text: String) { self.init(kind, at: offset, Array(text.utf8)) }
    }

    /// The detection table: the first signature that matches decides. A format presetscan learns to
    /// read adds its signatures here, its `ContentKind`, and its opener in `ContainerFormats.open`.
    public static let signatures: [Signature] = [
        Signature(.zip, at: 0, [0x50, 0x4b, 0x03, 0x04]),
        Signature(.zip, at: 0, [0x50, 0x4b, 0x05, 0x06]),
        Signature(.sparse, at: 0, [0x3a, 0xff, 0x26, 0xed]),
        Signature(.superImage, at: 4096, [0x67, 0x44, 0x6c, 0x61]),
        Signature(.payload, at: 0, "CrAU"),
        Signature(.squashfs, at: 0, "hsqs"),
        // Before ext4: an EROFS superblock covers byte 1080 and could look like ext4's magic.
        Signature(.erofs, at: 1024, [0xe2, 0xe1, 0xf5, 0xe0]),
        Signature(.ext4, at: 1080, [0x53, 0xef]),
        // Unisoc/Spreadtrum PAC and Huawei UPDATE.APP
        Signature(.pac, at: 0, [0x42, 0x00, 0x50, 0x00, 0x5f, 0x00, 0x52, 0x00]),
        Signature(.huaweiApp, at: 92, [0x55, 0xaa, 0x5a, 0xa5]),
        // Rockchip and Amlogic vendor packages
        Signature(.rockchip, at: 0, "RKFW"),
        Signature(.rockchip, at: 0, "RKAF"),
        Signature(.amlogic, at: 8, [0x56, 0x19, 0xb5, 0x27]),
        // f2fs
        Signature(.f2fs, at: 1024, [0x10, 0x20, 0xf5, 0xf2]),
        Signature(.archive, at: 0, [0x1f, 0x8b]),                          // gzip
        Signature(.archive, at: 0, "BZh"),                                 // bzip2
        Signature(.archive, at: 0, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),  // xz
        Signature(.archive, at: 0, [0x28, 0xb5, 0x2f, 0xfd]),              // zstd
        Signature(.archive, at: 0, [0x04, 0x22, 0x4d, 0x18]),              // lz4 frame
        Signature(.archive, at: 0, [0x02, 0x21, 0x4c, 0x18]),              // lz4 legacy
        Signature(.archive, at: 0, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]),  // 7z
        Signature(.archive, at: 0, "!<arch>\n"),                           // ar
        Signature(.archive, at: 0, "070701"),                              // cpio ascii (newc)
        Signature(.archive, at: 0, "070702"),                              // cpio ascii (crc)
        Signature(.archive, at: 0, "070707"),                              // cpio ascii (odc)
        Signature(.archive, at: 0, [0xc7, 0x71]),                          // cpio binary
        Signature(.archive, at: 0, [0x71, 0xc7]),                          // cpio binary, swapped
        Signature(.archive, at: 257, "ustar"),                             // tar (POSIX and GNU)
        Signature(.archive, at: 32769, "CD001"),                           // iso9660
    ]

    /// Detects from a prefix alone (streamed data); iso9660 needs 32774 bytes of prefix.
    public static func detect(head: [UInt8]) -> ContentKind {
        signatures.first { has($0.magic, at: $0.offset, in: head) }?.kind ?? .unknown
    }

    /// Whether `head` holds `magic` at `offset` (false when it is too short to).
    static func has(_ magic: [UInt8], at offset: Int, in head: [UInt8]) -> Bool {
        let end = offset + magic.count
        return end <= head.count && head[offset..<end].elementsEqual(magic)
    }
}

/// Bounds on unpacking hostile firmware; each one hit is a PS009 diagnostic and the scan goes on.
public struct UnpackLimits: Sendable {
    /// Nesting depth of containers (SPEC §6: default 8).
    public var maxDepth: Int = 8
    /// Bytes decompressed or spilled in one run; default 4× the input size, at least 8 GiB.
    public var maxTotalBytes: UInt64 = 8 << 30
    /// Entries (files and folders) read from one container.
    public var maxEntries: Int = 1 << 20
    /// Longest path inside a container.
    public var maxPathLength: Int = 4096
    /// Largest decompressed/compressed ratio of a stream (zip bomb guard).
    public var maxCompressionRatio: UInt64 = 1000
    /// Symbolic links followed in a row inside a folder before it is called a loop.
    public var maxSymlinkHops: Int = 40

    public init() {}

    /// The default total budget for inputs of `inputBytes`: 4× input, at least 8 GiB.
    public static func defaultTotalBytes(inputBytes: UInt64) -> UInt64 {
        let (four, overflow) = inputBytes.multipliedReportingOverflow(by: 4)
        return overflow ? .max : max(four, 8 << 30)
    }
}

/// Run-wide state shared by containers: the limits, the spill folder and the byte budget.
public final class UnpackContext: Sendable {
    public let limits: UnpackLimits
    public let temporary: TemporaryFolder
    public let budget: ByteBudget

    public init(limits: UnpackLimits, temporary: TemporaryFolder) {
        self.limits = limits
        self.temporary = temporary
        self.budget = ByteBudget(limit: limits.maxTotalBytes)
    }
}

/// One regular file inside a container.
public struct ContainerEntry {
    /// Path inside the container (a `Location` part), `/`-separated, no leading `/`.
    public var path: String
    public var size: UInt64
    /// The entry's bytes; for streamed containers valid only during the visit.
    public var source: ByteSource?
    /// Set when the container already knows the content (a streamed entry whose head matched nothing).
    public var knownKind: ContentKind?
    /// The first bytes of a streamed entry that was not kept, so that a format presetscan knows
    /// but does not read (`UnsupportedFormat`) can still be named.
    public var head: [UInt8]?

    public init(path: String, size: UInt64, source: ByteSource?, knownKind: ContentKind? = nil, head: [UInt8]? = nil) {
        self.path = path
        self.size = size
        self.source = source
        self.knownKind = knownKind
        self.head = head
    }
}

/// A diagnostic raised inside a container; `path` is relative to it (nil: the container itself).
public struct ContainerNote: Sendable {
    public var path: String?
    public var diagnostic: Diagnostic

    public init(_ severity: Diagnostic.Severity, _ code: String, _ message: String, path: String? = nil) {
        self.path = path
        self.diagnostic = Diagnostic(severity, code, message)
    }
}

/// A container of files: an archive, a filesystem image, a partition table, a folder.
///
/// `forEachFile` visits regular files in a deterministic order and reports trouble as notes;
/// it throws only when the container cannot be read at all.
public protocol Container {
    func forEachFile(_ note: (ContainerNote) -> Void, _ visit: (ContainerEntry) throws -> Void) throws
}

/// Container errors that end the read of a whole container (the scan goes on elsewhere).
public struct ContainerError: Error, CustomStringConvertible {
    /// Stable code, e.g. `ext4.bad-superblock`, `limit.depth`.
    public var code: String
    public var message: String

    public init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
