import CSquashfs
import PresetScanCore

extension Squashfs {
    /// An `sqfs_file_t` (`sqfs/io.h`) over a `ByteSource`, so an image nested in other containers is
    /// read in place. Read-only: `write_at` and `truncate` fail with `SQFS_ERROR_UNSUPPORTED`.
    ///
    /// The C struct is followed in the same allocation by an unretained pointer to a box holding the
    /// source; the callbacks find the box there. The library never owns the file: `destroy` does
    /// nothing and `deinit` frees it, after everything that points to it (they hold this object).
    final class SourceFile: @unchecked Sendable {
        private final class Box {
            let source: ByteSource
            init(_ source: ByteSource) { self.source = source }
        }

        let source: ByteSource
        let handle: UnsafeMutablePointer<sqfs_file_t>
        private let box: Box
        private let memory: UnsafeMutableRawPointer
        private static let boxOffset = MemoryLayout<sqfs_file_t>.stride

        init(_ source: ByteSource) {
            self.source = source
            box = Box(source)
            memory = UnsafeMutableRawPointer.allocate(
                byteCount: Self.boxOffset + MemoryLayout<UnsafeMutableRawPointer>.stride,
                alignment: max(MemoryLayout<sqfs_file_t>.alignment, MemoryLayout<UnsafeMutableRawPointer>.alignment))
            handle = memory.bindMemory(to: sqfs_file_t.self, capacity: 1)
            handle.initialize(to: sqfs_file_t(
                base: sqfs_object_t(destroy: { _ in }, copy: { _ in nil }),
                read_at: { file, offset, buffer, size in Squashfs.SourceFile.read(file, offset, buffer, size) },
                write_at: { _, _, _, _ in SQFS_ERROR_UNSUPPORTED.rawValue },
                get_size: { file in
                    guard let file else { return 0 }
                    return Squashfs.SourceFile.box(of: file).source.size
                },
                truncate: { _, _ in SQFS_ERROR_UNSUPPORTED.rawValue }))
            (memory + Self.boxOffset).storeBytes(of: Unmanaged.passUnretained(box).toOpaque(), as: UnsafeMutableRawPointer.self)
        }

        deinit {
            handle.deinitialize(count: 1)
            memory.deallocate()
        }

        private static func box(of file: UnsafePointer<sqfs_file_t>) -> Box {
            let raw = UnsafeRawPointer(file) + boxOffset
            return Unmanaged<Box>.fromOpaque(raw.load(as: UnsafeMutableRawPointer.self)).takeUnretainedValue()
        }

        /// `read_at`: exactly `size` bytes at `offset`, or an `SQFS_ERROR` (out of bounds past the end).
        private static func read(_ file: UnsafeMutablePointer<sqfs_file_t>?, _ offset: UInt64,
                                 _ buffer: UnsafeMutableRawPointer?, _ size: Int) -> Int32 {
            guard let file else { return SQFS_ERROR_ARG_INVALID.rawValue }
            if size == 0 { return 0 }
            guard let buffer, size > 0 else { return SQFS_ERROR_ARG_INVALID.rawValue }
            let source = box(of: file).source
            let (end, overflow) = offset.addingReportingOverflow(UInt64(size))
            guard !overflow, end <= source.size else { return SQFS_ERROR_OUT_OF_BOUNDS.rawValue }
            do {
                let bytes = try source.read(at: offset, count: size)
                guard bytes.count == size else { return SQFS_ERROR_IO.rawValue }
                bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(start: buffer, count: size).copyMemory(from: $0) }
                return 0
            } catch ByteSourceError.outOfRange {
                return SQFS_ERROR_OUT_OF_BOUNDS.rawValue
            } catch {
                return SQFS_ERROR_IO.rawValue
            }
        }
    }
}
