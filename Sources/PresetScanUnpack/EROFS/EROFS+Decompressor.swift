import CLZ4
import CLZMA
import PresetScanCore

extension EROFS {
    /// Why a pcluster could not be decompressed.
    public enum DecompressionError: Error, Equatable, CustomStringConvertible {
        /// lz4 rejected the block or produced fewer bytes than the extent needs.
        case lz4(produced: Int32, expected: Int)
        /// liblzma's MicroLZMA decoder failed with `lzma_ret` `code`, or ended early.
        case microLZMA(code: UInt32, produced: Int, expected: Int)
        /// zlib could not inflate the DEFLATE stream (its message), or it ended early.
        case deflate(String)
        /// The pcluster is all zeros where a stream should start.
        case emptyPcluster
        /// The algorithm has no decoder here (zstd).
        case unsupportedAlgorithm(UInt8)

        public var description: String {
            switch self {
            case let .lz4(produced, expected): "lz4 data is corrupt (decoded \(produced) of \(expected) bytes)"
            case let .microLZMA(code, produced, expected): "MicroLZMA data is corrupt (lzma_ret \(code), decoded \(produced) of \(expected) bytes)"
            case let .deflate(message): "DEFLATE data is corrupt: \(message)"
            case .emptyPcluster: "pcluster holds only zero padding"
            case let .unsupportedAlgorithm(a): "compression algorithm \(a) (\(Algorithm(rawValue: a)?.name ?? "unknown")) is not supported"
            }
        }
    }

    /// One-shot decoders for a pcluster into exactly `count` bytes (the extent, or its first part).
    enum Decompressor {
        /// With 0-padding the stream ends at the pcluster's end and leading zeros (within the first
        /// block) are padding (kernel `z_erofs_fixup_insize`).
        static func strippingPadding(_ input: ArraySlice<UInt8>, firstBlockBytes: Int) throws -> ArraySlice<UInt8> {
            let limit = min(input.count, firstBlockBytes)
            guard let first = input.prefix(limit).firstIndex(where: { $0 != 0 }) else { throw DecompressionError.emptyPcluster }
            return input[first...]
        }

        /// `LZ4_decompress_safe_partial`: stops once `count` bytes are out, so trailing data (legacy
        /// padding, a partially referenced pcluster) is never misread.
        static func lz4(_ input: ArraySlice<UInt8>, count: Int) throws -> [UInt8] {
            guard input.count <= Int(Int32.max), count <= Int(Int32.max) else { throw DecompressionError.lz4(produced: -1, expected: count) }
            var produced: Int32 = 0
            let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                produced = input.withUnsafeBytes { src in
                    LZ4_decompress_safe_partial(src.baseAddress?.assumingMemoryBound(to: CChar.self),
                                                UnsafeMutableRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self),
                                                Int32(input.count), Int32(count), Int32(count))
                }
                initialized = produced > 0 ? min(Int(produced), count) : 0
            }
            guard Int(produced) == count else { throw DecompressionError.lz4(produced: produced, expected: count) }
            return out
        }

        /// liblzma's `lzma_microlzma_decoder` (EROFS's LZMA is MicroLZMA: LZMA1 without header or end marker).
        static func microLZMA(_ input: ArraySlice<UInt8>, count: Int) throws -> [UInt8] {
            var stream = lzma_stream()
            // Each pcluster is coded alone, so no match reaches further back than the extent's own
            // bytes: a dictionary of the extent's size (at most 12 MiB) always suffices, whatever the
            // image's `z_erofs_lzma_cfgs` declares (capped at 8 MiB, as the kernel does, when the image is opened).
            let dict = UInt32(clamping: max(4096, count))
            let initCode = lzma_microlzma_decoder(&stream, UInt64(input.count), UInt64(count), 0, dict)
            guard initCode == LZMA_OK else { throw DecompressionError.microLZMA(code: initCode.rawValue, produced: 0, expected: count) }
            defer { lzma_end(&stream) }
            var code = LZMA_OK
            var produced = 0
            let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                input.withUnsafeBufferPointer { src in
                    stream.next_in = src.baseAddress
                    stream.avail_in = src.count
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = count
                    while code == LZMA_OK, stream.avail_out > 0 {
                        let before = (stream.avail_in, stream.avail_out)
                        code = lzma_code(&stream, LZMA_FINISH)
                        if code == LZMA_OK, before == (stream.avail_in, stream.avail_out) { break }
                    }
                }
                produced = count - stream.avail_out
                initialized = produced
            }
            guard produced == count, code == LZMA_OK || code == LZMA_STREAM_END else {
                throw DecompressionError.microLZMA(code: code.rawValue, produced: produced, expected: count)
            }
            return out
        }

        /// Raw DEFLATE through the shared zlib/libdeflate `Inflater`, capped at `count` bytes.
        static func deflate(_ input: ArraySlice<UInt8>, count: Int) throws -> [UInt8] {
            let result: Inflater.Result
            do { result = try Inflater.inflateRaw(Array(input), expectedSize: count, maxOutput: count) } catch {
                throw DecompressionError.deflate("\(error)")
            }
            guard result.bytes.count == count else { throw DecompressionError.deflate("decoded \(result.bytes.count) of \(count) bytes") }
            return result.bytes
        }
    }
}
