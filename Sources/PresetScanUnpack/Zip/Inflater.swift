import CDeflate
import CZlib

/// Why zlib could not inflate a stream.
public enum InflateError: Error, Equatable, CustomStringConvertible {
    /// `inflateInit2` failed (out of memory).
    case initFailed(Int32)
    /// The deflate stream is corrupt; zlib's message is kept.
    case dataError(String)
    /// The stream ended before its final block.
    case truncated

    public var description: String {
        switch self {
        case let .initFailed(code): "zlib inflateInit2 failed (\(code))"
        case let .dataError(message): "corrupt deflate data: \(message)"
        case .truncated: "deflate stream ends early"
        }
    }
}

/// Raw deflate (RFC 1951) through zlib, with a hard cap on output.
public enum Inflater {
    public struct Result: Sendable {
        public var bytes: [UInt8]
        /// Output reached `maxOutput` before the stream ended.
        public var truncatedAtLimit: Bool
    }

    /// Inflates `input`; stops at `maxOutput` bytes so a bomb cannot exhaust memory.
    ///
    /// When the expected size fits the cap, libdeflate inflates the whole buffer at once (2–2.5×
    /// faster than zlib on dex files); a stream that does not end within that size, or that it
    /// rejects, goes through zlib, which bounds, streams and names the error.
    public static func inflateRaw(_ input: [UInt8], expectedSize: Int, maxOutput: Int) throws -> Result {
        if expectedSize > 0, expectedSize <= maxOutput, let whole = inflateWhole(input, size: expectedSize) {
            return Result(bytes: whole, truncatedAtLimit: false)
        }
        return try inflateStreaming(input, expectedSize: expectedSize, maxOutput: maxOutput)
    }

    /// libdeflate's one-shot decompression into exactly `size` bytes; nil unless the stream ends there.
    static func inflateWhole(_ input: [UInt8], size: Int) -> [UInt8]? {
        var filled = false
        let output = [UInt8](unsafeUninitializedCapacity: size) { out, initialized in
            filled = input.withUnsafeBytes { inflateWhole($0, into: UnsafeMutableRawBufferPointer(out)) }
            // Only what libdeflate reports as written is kept.
            initialized = filled ? size : 0
        }
        return filled ? output : nil
    }

    /// libdeflate's one-shot decompression of `input` into the caller's `output`, for callers
    /// that reuse one buffer across entries; true only when the stream ends exactly at
    /// `output.count` bytes (otherwise the contents of `output` are unspecified).
    public static func inflateWhole(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Bool {
        guard let decompressor = libdeflate_alloc_decompressor() else { return false }
        defer { libdeflate_free_decompressor(decompressor) }
        var produced = 0
        let result = libdeflate_deflate_decompress(
            decompressor, input.baseAddress, input.count, output.baseAddress, output.count, &produced)
        return result == LIBDEFLATE_SUCCESS && produced == output.count
    }

    static func inflateStreaming(_ input: [UInt8], expectedSize: Int, maxOutput: Int) throws -> Result {
        // A fixed address for the stream: zlib's state points back at it.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        let initCode = inflateInit2_(stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initCode == Z_OK else { throw InflateError.initFailed(initCode) }
        defer { inflateEnd(stream) }

        var output = [UInt8](repeating: 0, count: max(0, min(expectedSize, maxOutput)) + 1)
        var produced = 0
        var finished = false
        var status: Int32 = Z_OK
        input.withUnsafeBufferPointer { inBuf in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.pointee.avail_in = UInt32(clamping: inBuf.count)
            while true {
                if produced == output.count {
                    if output.count > maxOutput { break }
                    let grown = min(maxOutput + 1, max(output.count * 2, 64 << 10))
                    output.append(contentsOf: repeatElement(0, count: grown - output.count))
                }
                let room = output.count - produced
                output.withUnsafeMutableBufferPointer { outBuf in
                    stream.pointee.next_out = outBuf.baseAddress! + produced
                    stream.pointee.avail_out = UInt32(clamping: room)
                    status = inflate(stream, Z_NO_FLUSH)
                }
                produced = Int(stream.pointee.total_out)
                if status == Z_STREAM_END { finished = true; break }
                if status != Z_OK { break }
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { break }
            }
        }
        if !finished {
            if produced > maxOutput {
                return Result(bytes: Array(output[0..<maxOutput]), truncatedAtLimit: true)
            }
            if status == Z_DATA_ERROR || status == Z_NEED_DICT || status == Z_STREAM_ERROR || status == Z_MEM_ERROR {
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "code \(status)"
                throw InflateError.dataError(message)
            }
            throw InflateError.truncated
        }
        if produced > maxOutput { return Result(bytes: Array(output[0..<maxOutput]), truncatedAtLimit: true) }
        output.removeSubrange(produced...)
        return Result(bytes: output, truncatedAtLimit: false)
    }
}
