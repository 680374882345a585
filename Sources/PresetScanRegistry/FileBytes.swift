#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read forward one byte at a time through a 1 MiB buffer, so records files of any size are
/// read in bounded memory.
final class FileBytes {
    static let chunkSize = 1 << 20

    let path: String
    private let descriptor: Int32
    private var buffer: [UInt8]
    private var position = 0
    private var filled = 0
    private var atEnd = false

    init(path: String) throws(RegistryError) {
        self.path = path
        var info = stat()
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .unreadableInput(path: path, detail: String(cString: strerror(errno))) }
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw .unreadableInput(path: path, detail: "not a regular file")
        }
        descriptor = fd
        buffer = [UInt8](repeating: 0, count: Self.chunkSize)
    }

    deinit { close(descriptor) }

    /// The next byte, or nil at the end of the file.
    @inline(__always)
    func next() throws(RegistryError) -> UInt8? {
        if position == filled {
            try refill()
            if filled == 0 { return nil }
        }
        defer { position += 1 }
        return buffer[position]
    }

    /// Hands `body` the buffered, unread bytes (refilling first when none are left) and consumes as
    /// many as it returns; does nothing at the end of the file. For scanning runs of ordinary bytes.
    func consumeRun(_ body: (UnsafeBufferPointer<UInt8>) -> Int) throws(RegistryError) {
        if position == filled {
            try refill()
            if filled == 0 { return }
        }
        let start = position, end = filled
        let used = buffer.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
        position += min(max(0, used), end - start)
    }

    /// The next byte without consuming it.
    func peek() throws(RegistryError) -> UInt8? {
        if position == filled {
            try refill()
            if filled == 0 { return nil }
        }
        return buffer[position]
    }

    private func refill() throws(RegistryError) {
        position = 0
        filled = 0
        guard !atEnd else { return }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw .unreadableInput(path: path, detail: String(cString: strerror(errno))) }
            if n == 0 { atEnd = true }
            filled = n
            return
        }
    }

    /// Consumes a UTF-8 byte order mark if the file starts with one.
    func skipByteOrderMark() throws(RegistryError) {
        guard try peek() == 0xEF else { return }
        // The buffer holds at least 3 bytes here unless the file is shorter than that.
        if filled - position >= 3, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF { position += 3 }
    }

    /// The first byte that is not ASCII whitespace (after any BOM), without consuming anything.
    func firstSignificantByte() throws(RegistryError) -> UInt8? {
        _ = try peek()
        var i = position
        if filled - i >= 3, buffer[i] == 0xEF, buffer[i + 1] == 0xBB, buffer[i + 2] == 0xBF { i += 3 }
        while i < filled, [0x20, 0x09, 0x0A, 0x0D].contains(buffer[i]) { i += 1 }
        return i < filled ? buffer[i] : nil
    }
}
