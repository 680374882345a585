#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Random-access, read-only bytes: a file, a slice of one, or memory.
///
/// Every container and package reader works on a `ByteSource`, so nested data
/// (an APK stored inside an OTA zip inside an image) is read in place.
public protocol ByteSource: AnyObject, Sendable {
    /// Total size in bytes.
    var size: UInt64 { get }
    /// Reads exactly `count` bytes at `offset`; throws `ByteSourceError` when the
    /// range leaves the source or the underlying read fails.
    func read(at offset: UInt64, count: Int) throws -> [UInt8]
}

/// Why a byte source could not deliver the bytes asked for.
public enum ByteSourceError: Error, Equatable, CustomStringConvertible {
    /// `open(2)` failed; `errno` is kept.
    case openFailed(path: String, errno: Int32)
    /// The path is a directory or not a regular file.
    case notARegularFile(path: String)
    /// The requested range ends beyond the source.
    case outOfRange(offset: UInt64, count: Int, size: UInt64)
    /// `pread(2)` failed or returned short at `offset`.
    case readFailed(offset: UInt64, errno: Int32)

    public var description: String {
        switch self {
        case let .openFailed(path, code): "cannot open \(path): \(String(cString: strerror(code)))"
        case let .notARegularFile(path): "\(path) is not a regular file"
        case let .outOfRange(offset, count, size):
            "read of \(count) bytes at offset \(offset) is past the end (size \(size))"
        case let .readFailed(offset, code): "read failed at offset \(offset): \(String(cString: strerror(code)))"
        }
    }
}

extension ByteSource {
    /// Checks that `[offset, offset+count)` lies inside the source without overflow.
    public func checkRange(_ offset: UInt64, _ count: Int) throws {
        guard count >= 0 else { throw ByteSourceError.outOfRange(offset: offset, count: count, size: size) }
        let (end, overflow) = offset.addingReportingOverflow(UInt64(count))
        guard !overflow, end <= size else {
            throw ByteSourceError.outOfRange(offset: offset, count: count, size: size)
        }
    }

    /// All bytes, for sources known to be small (callers check `size` against a limit first).
    public func readAll() throws -> [UInt8] {
        guard size <= UInt64(Int.max) else { throw ByteSourceError.outOfRange(offset: 0, count: Int.max, size: size) }
        return try read(at: 0, count: Int(size))
    }

    /// A view of `[offset, offset+length)` of this source.
    public func slice(offset: UInt64, length: UInt64) throws -> ByteSource {
        let (end, overflow) = offset.addingReportingOverflow(length)
        guard !overflow, end <= size else {
            throw ByteSourceError.outOfRange(offset: offset, count: Int(clamping: length), size: size)
        }
        if let inner = self as? SliceByteSource {
            return SliceByteSource(base: inner.base, offset: inner.offset + offset, length: length)
        }
        return SliceByteSource(base: self, offset: offset, length: length)
    }
}

/// A regular file read with `pread(2)`; the descriptor is closed in `deinit`.
public final class FileByteSource: ByteSource, @unchecked Sendable {
    public let path: String
    public let size: UInt64
    private let fd: Int32

    public init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ByteSourceError.openFailed(path: path, errno: errno) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw ByteSourceError.notARegularFile(path: path)
        }
        self.path = path
        self.fd = fd
        self.size = UInt64(st.st_size)
    }

    deinit { close(fd) }

    public func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        try checkRange(offset, count)
        if count == 0 { return [] }
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + UInt64(done)))
                if n < 0 {
                    if errno == EINTR { continue }
                    initialized = done
                    throw ByteSourceError.readFailed(offset: offset + UInt64(done), errno: errno)
                }
                if n == 0 {
                    initialized = done
                    throw ByteSourceError.readFailed(offset: offset + UInt64(done), errno: EIO)
                }
                done += n
            }
            initialized = count
        }
    }
}

/// Bytes held in memory (decompressed entries, test fixtures).
public final class MemoryByteSource: ByteSource, Sendable {
    public let bytes: [UInt8]
    public var size: UInt64 { UInt64(bytes.count) }

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        try checkRange(offset, count)
        let start = Int(offset)
        return Array(bytes[start..<start + count])
    }
}

/// A window onto another source.
public final class SliceByteSource: ByteSource, Sendable {
    public let base: ByteSource
    public let offset: UInt64
    public let size: UInt64

    public init(base: ByteSource, offset: UInt64, length: UInt64) {
        self.base = base
        self.offset = offset
        self.size = length
    }

    public func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        try checkRange(offset, count)
        return try base.read(at: self.offset + offset, count: count)
    }
}
