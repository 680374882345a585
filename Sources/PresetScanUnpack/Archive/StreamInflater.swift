import CZlib

/// A raw-deflate (RFC 1951) stream decoder fed chunk by chunk; the zlib stream is freed in deinit.
///
/// The `z_stream` lives at a fixed address of its own: zlib's state points back at it, and an
/// inout access to a stored property is not promised to pass the same address each time.
final class StreamInflater {
    private let stream: UnsafeMutablePointer<z_stream> = {
        let p = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        p.initialize(to: z_stream())
        return p
    }()
    private(set) var finished = false

    init() throws {
        let code = inflateInit2_(stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else { throw InflateError.initFailed(code) }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Inflates `input` and hands each produced chunk to `sink`; returns when the input is used up or the stream ends.
    func feed(_ input: [UInt8], _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var out = [UInt8](repeating: 0, count: 256 << 10)
        try input.withUnsafeBufferPointer { inBuf in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.pointee.avail_in = UInt32(inBuf.count)
            while !finished {
                var status: Int32 = Z_OK
                let produced: Int = out.withUnsafeMutableBufferPointer { outBuf in
                    stream.pointee.next_out = outBuf.baseAddress
                    stream.pointee.avail_out = UInt32(outBuf.count)
                    status = inflate(stream, Z_NO_FLUSH)
                    return outBuf.count - Int(stream.pointee.avail_out)
                }
                if produced > 0 { try out.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
                if status == Z_STREAM_END { finished = true; break }
                if status == Z_BUF_ERROR || (status == Z_OK && stream.pointee.avail_in == 0 && produced == 0) { break }
                guard status == Z_OK else {
                    throw InflateError.dataError(stream.pointee.msg.map { String(cString: $0) } ?? "code \(status)")
                }
                if stream.pointee.avail_in == 0 && stream.pointee.avail_out != 0 { break }
            }
        }
    }
}
