import CArchive
import PresetScanCore

/// Why libarchive could not read an archive.
public struct ArchiveError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The client data of libarchive's read callbacks (`archive_read_set_callback_data`): the source, the
/// cursor libarchive moves, and the one block buffer the read callback hands out.
///
/// libarchive may read a returned block until the next read callback, so the block is allocated once
/// and lives as long as this object; `ArchiveHandle` keeps it alive until `archive_read_free` is done.
final class ArchiveClient {
    /// Bytes handed to libarchive per read callback.
    static let blockSize = 1 << 20

    let source: ByteSource
    private(set) var position: UInt64 = 0
    private let block: UnsafeMutableRawBufferPointer

    init(source: ByteSource) {
        self.source = source
        block = .allocate(byteCount: Self.blockSize, alignment: 16)
    }

    deinit { block.deallocate() }

    /// `archive_read_callback`: the next bytes in `block`; 0 at the end, -1 when the source fails.
    func read(_ out: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        let left = source.size - min(position, source.size)
        let n = Int(min(UInt64(block.count), left))
        guard n > 0 else { return 0 }
        guard let bytes = try? source.read(at: position, count: n), bytes.count == n,
              let base = block.baseAddress else { return -1 }
        bytes.withUnsafeBytes { block.copyMemory(from: $0) }
        position += UInt64(n)
        out.pointee = UnsafeRawPointer(base)
        return n
    }

    /// `archive_seek_callback`: the new position, or -1 (`ARCHIVE_FATAL` would be wrong here) when outside the source.
    func seek(_ offset: Int64, _ whence: Int32) -> Int64 {
        let base: Int64
        switch whence {
        case SEEK_SET: base = 0
        case SEEK_CUR: base = Int64(clamping: position)
        case SEEK_END: base = Int64(clamping: source.size)
        default: return -1
        }
        let (target, overflow) = base.addingReportingOverflow(offset)
        guard !overflow, target >= 0, UInt64(target) <= source.size else { return -1 }
        position = UInt64(target)
        return target
    }

    /// `archive_skip_callback`: skips at most `request` bytes and says how many.
    func skip(_ request: Int64) -> Int64 {
        guard request > 0 else { return 0 }
        let step = min(UInt64(request), source.size - min(position, source.size))
        position += step
        return Int64(step)
    }
}

/// A libarchive read handle over a `ByteSource` (seekable, so 7z and iso9660 read in place).
///
/// The handle is freed exactly once, in deinit — also when `init` throws, since Swift runs deinit
/// for a fully initialised object whose initialiser throws — and the callback client outlives it.
/// Each C call has one small wrapper below. No libarchive type leaves this file.
final class ArchiveHandle {
    private let handle: OpaquePointer
    private let client: ArchiveClient

    init(source: ByteSource) throws {
        guard let a = archive_read_new() else { throw ArchiveError(message: "libarchive: out of memory") }
        handle = a
        client = ArchiveClient(source: source)
        // From here on a failure only throws: deinit frees `handle`.
        try supportFormats()
        try setCallbacks()
        try open()
    }

    deinit { archive_read_free(handle) }

    var errorString: String { archive_error_string(handle).map { String(cString: $0) } ?? "unknown error" }

    /// The archive's format name once a header was read (e.g. `GNU tar format`).
    var formatName: String { archive_format_name(handle).map { String(cString: $0) } ?? "?" }

    /// Bytes libarchive consumed from the source (compressed side).
    var compressedBytesRead: UInt64 { UInt64(max(0, archive_filter_bytes(handle, -1))) }

    struct Header {
        var path: String
        var isRegular: Bool
        var isSymlink: Bool
        var symlinkTarget: String?
        var size: UInt64?
        var warning: String?
    }

    /// Next entry header; nil at the end. Throws on a fatal error.
    func nextHeader() throws -> Header? {
        var e: OpaquePointer?
        let status = archive_read_next_header(handle, &e)
        if status == ARCHIVE_EOF { return nil }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let e else { throw failure("next header", status) }
        let name = archive_entry_pathname_utf8(e).map { String(cString: $0) }
            ?? archive_entry_pathname(e).map { String(decoding: Array(String(cString: $0).utf8), as: UTF8.self) } ?? ""
        let type = archive_entry_filetype(e)
        let link = archive_entry_symlink(e).map { String(cString: $0) }
        return Header(path: name, isRegular: type == 0o100000, isSymlink: type == 0o120000, symlinkTarget: link,
                      size: archive_entry_size_is_set(e) != 0 ? UInt64(max(0, archive_entry_size(e))) : nil,
                      warning: status == ARCHIVE_WARN ? errorString : nil)
    }

    /// The next block of the current entry's data with its offset (sparse entries skip ahead); nil at its end.
    /// The bytes belong to libarchive and are valid until the next call on this handle.
    func nextBlock() throws -> (offset: UInt64, bytes: UnsafeRawBufferPointer)? {
        var buffer: UnsafeRawPointer?
        var size = 0
        var offset: Int64 = 0
        let status = archive_read_data_block(handle, &buffer, &size, &offset)
        if status == ARCHIVE_EOF { return nil }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN else { throw failure("entry data", status) }
        guard size >= 0, offset >= 0, buffer != nil || size == 0 else {
            throw ArchiveError(message: "libarchive: entry data: bad block (\(size) bytes at \(offset))")
        }
        return (UInt64(offset), UnsafeRawBufferPointer(start: buffer, count: size))
    }

    // MARK: one wrapper per C call

    private func failure(_ what: String, _ status: Int32) -> ArchiveError {
        ArchiveError(message: "libarchive: \(what): \(errorString)")
    }

    /// `ARCHIVE_OK` or `ARCHIVE_WARN` goes on; anything else is this call's failure.
    private func check(_ what: String, _ status: Int32) throws {
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN else { throw failure(what, status) }
    }

    /// Every filter; the container formats presetscan looks into, and `raw` for a lone compressed stream.
    private func supportFormats() throws {
        try check("filters", archive_read_support_filter_all(handle))
        try check("tar", archive_read_support_format_tar(handle))
        try check("cpio", archive_read_support_format_cpio(handle))
        try check("7zip", archive_read_support_format_7zip(handle))
        try check("iso9660", archive_read_support_format_iso9660(handle))
        try check("ar", archive_read_support_format_ar(handle))
        try check("raw", archive_read_support_format_raw(handle))
    }

    /// Points the callbacks at `client`, unretained: `client` is a stored property, released after deinit frees the handle.
    private func setCallbacks() throws {
        try check("callback data", archive_read_set_callback_data(handle, Unmanaged.passUnretained(client).toOpaque()))
        try check("read callback", archive_read_set_read_callback(handle) { _, data, out in
            guard let data, let out else { return -1 }
            return Unmanaged<ArchiveClient>.fromOpaque(data).takeUnretainedValue().read(out)
        })
        try check("seek callback", archive_read_set_seek_callback(handle) { _, data, offset, whence in
            guard let data else { return -1 }
            return Unmanaged<ArchiveClient>.fromOpaque(data).takeUnretainedValue().seek(offset, whence)
        })
        try check("skip callback", archive_read_set_skip_callback(handle) { _, data, request in
            guard let data else { return 0 }
            return Unmanaged<ArchiveClient>.fromOpaque(data).takeUnretainedValue().skip(request)
        })
    }

    private func open() throws {
        try check("open", archive_read_open1(handle))
    }
}
