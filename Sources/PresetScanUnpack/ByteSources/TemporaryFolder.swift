#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import PresetScanCore

/// Why streamed data could not be kept for random access.
public enum SpillError: Error, Equatable, CustomStringConvertible {
    case cannotCreateFolder(errno: Int32)
    case cannotCreateFile(path: String, errno: Int32)
    case writeFailed(path: String, errno: Int32)
    /// The run's spill budget (total decompressed bytes) is used up.
    case budgetExceeded(limit: UInt64)

    public var description: String {
        switch self {
        case let .cannotCreateFolder(code): "cannot create a temporary folder: \(String(cString: strerror(code)))"
        case let .cannotCreateFile(path, code): "cannot create \(path): \(String(cString: strerror(code)))"
        case let .writeFailed(path, code): "cannot write \(path): \(String(cString: strerror(code)))"
        case let .budgetExceeded(limit): "total decompressed bytes would exceed \(limit)"
        }
    }
}

/// A folder created for one run (`mkdtemp`), holding spilled streams (and an imported registry
/// snapshot); removed with everything in it in `deinit`. Nothing is ever written outside it.
public final class TemporaryFolder: @unchecked Sendable {
    public let path: String
    /// Spill files made so far, for their names.
    private let made = Locked<Int>(0)

    public init(parent: String? = nil) throws {
        let base = parent ?? (getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp")
        var template = Array("\(base)/presetscan.XXXXXX".utf8CString)
        var failure: Int32 = 0
        // Made and remembered in one step, so an interrupt cannot fall between the two.
        let made = TemporaryPaths.create {
            let folder = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
            guard folder != nil else {
                failure = errno
                return nil
            }
            return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        guard let made else { throw SpillError.cannotCreateFolder(errno: failure == 0 ? EINTR : failure) }
        path = made
    }

    deinit {
        // Everything in it: spill files, and files others put there (an imported registry snapshot).
        try? FileManager.default.removeItem(atPath: path)
        TemporaryPaths.forget(path)
    }

    /// A new, empty file in the folder, open for writing.
    public func makeFile() throws -> SpillWriter {
        let name = made.withLock { count -> String in
            count += 1
            return "\(path)/spill-\(count)"
        }
        return try SpillWriter(path: name)
    }
}

/// Appends streamed bytes to a spill file; `finish()` reopens it as a `FileByteSource`.
public final class SpillWriter {
    public let path: String
    private var fd: Int32
    public private(set) var written: UInt64 = 0

    init(path: String) throws {
        // An interrupted run is removing its folder: make nothing new in it.
        guard !TemporaryPaths.isEnding else { throw SpillError.cannotCreateFile(path: path, errno: EINTR) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpillError.cannotCreateFile(path: path, errno: errno) }
        self.path = path
        self.fd = fd
    }

    deinit { if fd >= 0 { close(fd) } }

    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard var p = buffer.baseAddress else { return }
        var left = buffer.count
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw SpillError.writeFailed(path: path, errno: errno)
            }
            p += n
            left -= n
            written += UInt64(n)
        }
    }

    /// Closes the file and returns it as a random-access source.
    public func finish() throws -> FileByteSource {
        close(fd)
        fd = -1
        return try FileByteSource(path: path)
    }
}

/// The run-wide budget of bytes decompressed or spilled (SPEC §6: total decompressed bytes).
public final class ByteBudget: Sendable {
    public let limit: UInt64
    private let used = Locked<UInt64>(0)

    public init(limit: UInt64) { self.limit = limit }

    /// Takes `n` bytes from the budget; false (and nothing taken) when that would exceed it.
    public func take(_ n: UInt64) -> Bool {
        used.withLock { u in
            let (sum, overflow) = u.addingReportingOverflow(n)
            guard !overflow, sum <= limit else { return false }
            u = sum
            return true
        }
    }

    public var spent: UInt64 { used.withLock { $0 } }
}
