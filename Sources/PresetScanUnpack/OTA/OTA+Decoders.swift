import CBrotli
import CBzip2
import CLZMA
import CZstd

extension OTA {
    /// Why compressed OTA data (a `.new.dat.br`/`.xz`, a payload operation's blob) could not be decoded.
    public enum DecodeError: Error, Equatable, CustomStringConvertible {
        /// The library refused to set up a decoder (out of memory); `code` is its return code.
        case initFailed(codec: String, code: Int)
        /// The data is not valid for the codec; `detail` is the library's word for it.
        case corrupt(codec: String, detail: String)
        /// The input ended before the compressed stream did.
        case truncated(codec: String)
        /// Decoding would produce more than `limit` bytes.
        case tooLarge(codec: String, limit: UInt64)

        public var description: String {
            switch self {
            case let .initFailed(codec, code): "\(codec): cannot start the decoder (code \(code))"
            case let .corrupt(codec, detail): "\(codec) data is corrupt: \(detail)"
            case let .truncated(codec): "\(codec) data ends before its stream does"
            case let .tooLarge(codec, limit): "\(codec) data decodes to more than \(limit) bytes"
            }
        }
    }

    /// The codecs OTA data uses; each maps to one `StreamDecoder`.
    public enum Codec: String, Sendable {
        case brotli, xz, bzip2, zstd

        func makeDecoder() throws -> StreamDecoder {
            switch self {
            case .brotli: try BrotliDecoder()
            case .xz: try XZDecoder()
            case .bzip2: try Bzip2Decoder()
            case .zstd: try ZstdDecoder()
            }
        }

        /// Decodes all of `input` in memory, refusing output beyond `limit` bytes.
        public func decode(_ input: [UInt8], limit: UInt64) throws -> [UInt8] {
            let decoder = try makeDecoder()
            var out: [UInt8] = []
            // Payload operations decode to exactly their limit: one allocation instead of a doubling series.
            out.reserveCapacity(Int(min(limit, 64 << 20)))
            try input.withUnsafeBytes { buf in
                try decoder.feed(buf) { chunk in
                    guard UInt64(out.count) + UInt64(chunk.count) <= limit else {
                        throw DecodeError.tooLarge(codec: rawValue, limit: limit)
                    }
                    out.append(contentsOf: chunk)
                }
            }
            try decoder.finish()
            return out
        }
    }
}

/// A streaming decompressor: input in any pieces, output handed to a sink as it is produced.
protocol StreamDecoder: AnyObject {
    /// Decodes `input`; output goes to `sink` in pieces of at most 256 KiB.
    func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Called when the input has ended: throws `truncated` when the stream has not.
    func finish() throws
}

private let outputChunk = 256 << 10

/// libbrotlidec streaming decoder (`brotli/decode.h`); the state is freed in deinit.
final class BrotliDecoder: StreamDecoder {
    private let state: OpaquePointer
    private var done = false

    init() throws {
        guard let s = BrotliDecoderCreateInstance(nil, nil, nil) else {
            throw OTA.DecodeError.initFailed(codec: "brotli", code: 0)
        }
        state = s
    }

    deinit { BrotliDecoderDestroyInstance(state) }

    func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !done || input.isEmpty else {
            throw OTA.DecodeError.corrupt(codec: "brotli", detail: "data follows the end of the stream")
        }
        var out = [UInt8](repeating: 0, count: outputChunk)
        var availIn = input.count
        var nextIn = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        while true {
            var availOut = out.count
            let (result, produced) = out.withUnsafeMutableBufferPointer { ob -> (BrotliDecoderResult, Int) in
                var nextOut = ob.baseAddress
                let r = BrotliDecoderDecompressStream(state, &availIn, &nextIn, &availOut, &nextOut, nil)
                return (r, ob.count - availOut)
            }
            if produced > 0 { try out.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
            switch result {
            case BROTLI_DECODER_RESULT_SUCCESS:
                done = true
                if availIn > 0 { throw OTA.DecodeError.corrupt(codec: "brotli", detail: "data follows the end of the stream") }
                return
            case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
                return
            case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
                continue
            default:
                let code = BrotliDecoderGetErrorCode(state)
                let name = BrotliDecoderErrorString(code).map { String(cString: $0) } ?? "error \(code.rawValue)"
                throw OTA.DecodeError.corrupt(codec: "brotli", detail: name)
            }
        }
    }

    func finish() throws {
        guard done else { throw OTA.DecodeError.truncated(codec: "brotli") }
    }
}

/// liblzma `.xz` decoder (`lzma_stream_decoder`, concatenated streams allowed); freed in deinit.
final class XZDecoder: StreamDecoder {
    /// At a fixed address of its own, as the C library expects across calls.
    private let stream: UnsafeMutablePointer<lzma_stream> = {
        let p = UnsafeMutablePointer<lzma_stream>.allocate(capacity: 1)
        p.initialize(to: lzma_stream())
        return p
    }()
    private var done = false

    init() throws {
        // 0x08 is `LZMA_CONCATENATED` (container.h), a macro Swift does not import.
        let r = lzma_stream_decoder(stream, UInt64.max, 0x08)
        guard r == LZMA_OK else { throw OTA.DecodeError.initFailed(codec: "xz", code: Int(r.rawValue)) }
    }

    deinit {
        lzma_end(stream)
        stream.deallocate()
    }

    func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try run(input, action: LZMA_RUN, sink)
    }

    func finish() throws {
        if !done { try run(UnsafeRawBufferPointer(start: nil, count: 0), action: LZMA_FINISH) { _ in } }
        guard done else { throw OTA.DecodeError.truncated(codec: "xz") }
    }

    private func run(_ input: UnsafeRawBufferPointer, action: lzma_action, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var out = [UInt8](repeating: 0, count: outputChunk)
        stream.pointee.next_in = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        stream.pointee.avail_in = input.count
        while !done {
            let (r, produced) = out.withUnsafeMutableBufferPointer { ob -> (lzma_ret, Int) in
                stream.pointee.next_out = ob.baseAddress
                stream.pointee.avail_out = ob.count
                let r = lzma_code(stream, action)
                return (r, ob.count - stream.pointee.avail_out)
            }
            if produced > 0 { try out.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
            switch r {
            case LZMA_STREAM_END:
                done = true
            case LZMA_OK:
                if stream.pointee.avail_in == 0 && produced < out.count { return }
            case LZMA_BUF_ERROR:
                if action == LZMA_FINISH { throw OTA.DecodeError.truncated(codec: "xz") }
                return
            case LZMA_MEM_ERROR, LZMA_MEMLIMIT_ERROR:
                throw OTA.DecodeError.corrupt(codec: "xz", detail: "needs too much memory")
            case LZMA_FORMAT_ERROR:
                throw OTA.DecodeError.corrupt(codec: "xz", detail: "not an xz stream")
            case LZMA_OPTIONS_ERROR:
                throw OTA.DecodeError.corrupt(codec: "xz", detail: "unsupported options")
            default:
                throw OTA.DecodeError.corrupt(codec: "xz", detail: "liblzma error \(r.rawValue)")
            }
        }
        if stream.pointee.avail_in > 0 { throw OTA.DecodeError.corrupt(codec: "xz", detail: "data follows the end of the stream") }
    }
}

/// libbz2 decoder; concatenated streams (as pbzip2 writes them) are decoded one after another.
final class Bzip2Decoder: StreamDecoder {
    /// At a fixed address of its own: libbz2's state points back at it and checks that it did not move.
    private let stream: UnsafeMutablePointer<bz_stream> = {
        let p = UnsafeMutablePointer<bz_stream>.allocate(capacity: 1)
        p.initialize(to: bz_stream())
        return p
    }()
    private var open = false
    /// True between streams: the last one ended and no byte of another has been seen.
    private var atBoundary = false

    init() throws { try start() }

    deinit {
        if open { BZ2_bzDecompressEnd(stream) }
        stream.deallocate()
    }

    private func start() throws {
        stream.pointee = bz_stream()
        let r = BZ2_bzDecompressInit(stream, 0, 0)
        guard r == BZ_OK else { throw OTA.DecodeError.initFailed(codec: "bzip2", code: Int(r)) }
        open = true
        atBoundary = false
    }

    func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        var out = [UInt8](repeating: 0, count: outputChunk)
        var consumed = 0
        while consumed < input.count {
            if atBoundary { BZ2_bzDecompressEnd(stream); open = false; try start() }
            let left = input.count - consumed
            let take = min(left, Int(UInt32.max))
            stream.pointee.next_in = UnsafeMutablePointer(mutating: (base + consumed).assumingMemoryBound(to: CChar.self))
            stream.pointee.avail_in = UInt32(take)
            var ended = false
            while true {
                let (r, produced) = out.withUnsafeMutableBufferPointer { ob -> (Int32, Int) in
                    ob.baseAddress!.withMemoryRebound(to: CChar.self, capacity: ob.count) { p in
                        stream.pointee.next_out = p
                        stream.pointee.avail_out = UInt32(ob.count)
                        let r = BZ2_bzDecompress(stream)
                        return (r, ob.count - Int(stream.pointee.avail_out))
                    }
                }
                if produced > 0 { try out.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
                if r == BZ_STREAM_END { ended = true; break }
                guard r == BZ_OK else {
                    throw OTA.DecodeError.corrupt(codec: "bzip2", detail: "libbz2 error \(r)")
                }
                if stream.pointee.avail_in == 0 && produced < out.count { break }
            }
            consumed += take - Int(stream.pointee.avail_in)
            if ended { atBoundary = true }
        }
    }

    func finish() throws {
        guard atBoundary else { throw OTA.DecodeError.truncated(codec: "bzip2") }
    }
}

/// libzstd streaming decoder (`ZSTD_decompressStream`); concatenated frames allowed; freed in deinit.
final class ZstdDecoder: StreamDecoder {
    private let stream: OpaquePointer
    /// The last call's return value: 0 when a frame has just ended.
    private var hint = 1

    init() throws {
        guard let s = ZSTD_createDStream() else { throw OTA.DecodeError.initFailed(codec: "zstd", code: 0) }
        stream = s
        let r = ZSTD_initDStream(s)
        if ZSTD_isError(r) != 0 {
            ZSTD_freeDStream(s)
            throw OTA.DecodeError.initFailed(codec: "zstd", code: Int(r))
        }
    }

    deinit { ZSTD_freeDStream(stream) }

    func feed(_ input: UnsafeRawBufferPointer, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard input.count > 0 else { return }
        var inBuf = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var out = [UInt8](repeating: 0, count: outputChunk)
        while true {
            let (r, produced) = out.withUnsafeMutableBytes { ob -> (Int, Int) in
                var outBuf = ZSTD_outBuffer(dst: ob.baseAddress, size: ob.count, pos: 0)
                let r = ZSTD_decompressStream(stream, &outBuf, &inBuf)
                return (r, outBuf.pos)
            }
            if ZSTD_isError(r) != 0 {
                let name = ZSTD_getErrorName(r).map { String(cString: $0) } ?? "error \(r)"
                throw OTA.DecodeError.corrupt(codec: "zstd", detail: name)
            }
            hint = r
            if produced > 0 { try out.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
            if inBuf.pos == inBuf.size && produced < out.count { return }
        }
    }

    func finish() throws {
        guard hint == 0 else { throw OTA.DecodeError.truncated(codec: "zstd") }
    }
}
