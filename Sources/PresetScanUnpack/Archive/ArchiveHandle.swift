import CArchive
import PresetScanCore

/// Why libarchive could not read an archive.
public struct ArchiveError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A libarchive read handle over a `ByteSource` (seekable, so 7z and iso9660 read in place);
/// freed in deinit. No libarchive type leaves this file.
final class ArchiveHandle {
    /// Callback state: the source and the cursor libarchive moves.
    final class Cursor {
        let source: ByteSource
        var position: UInt64 = 0
        var buffer: [UInt8] = []
        init(source: ByteSource) { self.source = source }
    }

    private let handle: OpaquePointer
    private let cursor: Cursor
    private var entry: OpaquePointer?

    init(source: ByteSource) throws {
        guard let a = archive_read_new() else { throw ArchiveError(message: "libarchive: out of memory") }
        handle = a
        cursor = Cursor(source: source)
        archive_read_support_filter_all(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_cpio(a)
        archive_read_support_format_7zip(a)
        archive_read_support_format_iso9660(a)
        archive_read_support_format_ar(a)
        archive_read_support_format_raw(a)
        let context = Unmanaged.passUnretained(cursor).toOpaque()
        archive_read_set_callback_data(a, context)
        archive_read_set_read_callback(a) { _, data, buffer in
            guard let data, let buffer else { return -1 }
            let c = Unmanaged<ArchiveHandle.Cursor>.fromOpaque(data).takeUnretainedValue()
            let n = Int(min(UInt64(1 << 20), c.source.size - min(c.position, c.source.size)))
            guard n > 0 else { return 0 }
            guard let bytes = try? c.source.read(at: c.position, count: n) else { return -1 }
            c.buffer = bytes
            c.position += UInt64(n)
            c.buffer.withUnsafeBytes { buffer.pointee = $0.baseAddress }
            return n
        }
        archive_read_set_seek_callback(a) { _, data, offset, whence in
            guard let data else { return -1 }
            let c = Unmanaged<ArchiveHandle.Cursor>.fromOpaque(data).takeUnretainedValue()
            let base: Int64
            switch whence {
            case SEEK_SET: base = 0
            case SEEK_CUR: base = Int64(c.position)
            case SEEK_END: base = Int64(c.source.size)
            default: return -1
            }
            let target = base + offset
            guard target >= 0, UInt64(target) <= c.source.size else { return -1 }
            c.position = UInt64(target)
            return target
        }
        archive_read_set_skip_callback(a) { _, data, request in
            guard let data, request >= 0 else { return 0 }
            let c = Unmanaged<ArchiveHandle.Cursor>.fromOpaque(data).takeUnretainedValue()
            let step = min(UInt64(request), c.source.size - min(c.position, c.source.size))
            c.position += step
            return Int64(step)
        }
        guard archive_read_open1(a) == ARCHIVE_OK else {
            let message = errorString
            archive_read_free(a)
            throw ArchiveError(message: "libarchive: \(message)")
        }
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
        guard status >= ARCHIVE_WARN, let e else { throw ArchiveError(message: errorString) }
        entry = e
        let name = archive_entry_pathname_utf8(e).map { String(cString: $0) }
            ?? archive_entry_pathname(e).map { String(decoding: Array(String(cString: $0).utf8), as: UTF8.self) } ?? ""
        let type = archive_entry_filetype(e)
        let link = archive_entry_symlink(e).map { String(cString: $0) }
        return Header(path: name, isRegular: type == 0o100000, isSymlink: type == 0o120000, symlinkTarget: link,
                      size: archive_entry_size_is_set(e) != 0 ? UInt64(max(0, archive_entry_size(e))) : nil,
                      warning: status == ARCHIVE_WARN ? errorString : nil)
    }

    /// The next block of the current entry's data with its offset (sparse entries skip ahead); nil at its end.
    func nextBlock() throws -> (offset: UInt64, bytes: UnsafeRawBufferPointer)? {
        var buffer: UnsafeRawPointer?
        var size = 0
        var offset: Int64 = 0
        let status = archive_read_data_block(handle, &buffer, &size, &offset)
        if status == ARCHIVE_EOF { return nil }
        guard status >= ARCHIVE_WARN else { throw ArchiveError(message: errorString) }
        return (UInt64(max(0, offset)), UnsafeRawBufferPointer(start: buffer, count: size))
    }
}
