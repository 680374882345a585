import Foundation
import PresetScanCore
import Testing

@testable import PresetScanApps

/// Quick apps on damaged input: reading never traps, and a record always comes back, naming the
/// app or saying why it cannot.
struct RPKReaderHostileTests {
    static func read(_ bytes: [UInt8], _ name: String) -> AppRecord {
        PackageReaders.read(source: MemoryByteSource(bytes), location: Location(path: name), name: name, options: PackageReadOptions())
    }

    @Test(arguments: RPKSamples.names)
    func mutatedBytesNeverTrap(_ name: String) throws {
        let original = try RPKSamples.bytes(name)
        var rng = SplitMix64(state: 0x5250_4b00 &+ UInt64(original.count))
        for round in 0..<60 {
            var bytes = original
            // Damage where parsers look: the tail (signing block, central directory, EOCD) and anywhere.
            for _ in 0..<(1 + round % 6) {
                let tailBias = Int.random(in: 0..<3, using: &rng) == 0
                let i = tailBias ? bytes.count - 1 - Int.random(in: 0..<min(bytes.count, 2048), using: &rng)
                                 : Int.random(in: 0..<bytes.count, using: &rng)
                bytes[i] = UInt8.random(in: 0...255, using: &rng)
            }
            let record = Self.read(bytes, name)
            #expect(record.package != nil || !record.errors.isEmpty, "\(name) round \(round): neither a package nor an error")
            #expect(record.kind == "rpk")
        }
    }

    @Test(arguments: RPKSamples.names)
    func everyTruncationGivesARecord(_ name: String) throws {
        let original = try RPKSamples.bytes(name)
        let step = max(1, original.count / 40)
        for cut in stride(from: 0, to: original.count, by: step) {
            let record = Self.read(Array(original[0..<cut]), name)
            #expect(record.package != nil || !record.errors.isEmpty, "\(name) cut at \(cut)")
        }
    }

    /// The signing block itself, byte by byte: every single-byte change gives a record, never a trap.
    @Test func everyByteOfTheSigningBlockFlipped() throws {
        let original = try RPKSamples.bytes("signed.rpk")
        guard let magic = original.lastRange(of: Array("RPK Sig Block 42".utf8)) else {
            Issue.record("no signing block")
            return
        }
        let size = Int(ByteReader.u32le(original, magic.lowerBound - 8))
        let start = magic.upperBound - size - 8
        for i in stride(from: start, to: magic.upperBound, by: 3) {
            var bytes = original
            bytes[i] ^= 0xA5
            let record = Self.read(bytes, "signed.rpk")
            #expect(record.package == "cn.example.quick", "flip at \(i)")
        }
    }
}

extension Array where Element == UInt8 {
    fileprivate func lastRange(of needle: [UInt8]) -> Range<Int>? {
        guard needle.count <= count else { return nil }
        for start in stride(from: count - needle.count, through: 0, by: -1) where self[start..<start + needle.count].elementsEqual(needle) {
            return start..<start + needle.count
        }
        return nil
    }
}
