import Foundation
import PresetScanCore
import PresetScanUnpack

@testable import PresetScanApps

/// The sample IPAs of `Samples/ipa/` and the ground truth `Samples/tools/make_ipa.py` wrote.
enum IPASamples {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Samples/ipa")

    static func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// `expected.json`: per archive, `plists`, `executables`, `profile` (from plistlib and openssl) and `planted`.
    nonisolated(unsafe) static let expected: [String: [String: Any]] = {
        guard let data = FileManager.default.contents(atPath: path("expected.json")),
            let json = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
        else { return [:] }
        return json
    }()

    static func read(_ name: String, options: PackageReadOptions = PackageReadOptions()) throws -> AppRecord {
        PackageReaders.read(source: try FileByteSource(path: path(name)), location: Location(path: name), name: name, options: options)
    }

    /// Every entry of a sample archive, in order, uncompressed.
    static func entries(_ name: String) throws -> [(name: String, data: [UInt8])] {
        let archive = try ZipArchive(source: try FileByteSource(path: path(name)))
        return try archive.entries.map { ($0.name, try archive.data(of: $0)) }
    }

    /// Signer SHA-256s over the slices of one executable as openssl named them, each once, slice order.
    static func signers(_ truth: [String: Any], executable: String) -> [String] {
        let slices = (truth["executables"] as? [String: [[String: Any]]])?[executable] ?? []
        var out: [String] = []
        for slice in slices {
            for sha in slice["signers"] as? [String] ?? [] where !out.contains(sha) { out.append(sha) }
        }
        return out
    }
}

/// A ZIP of stored entries written in memory, so that a test can damage one entry's bytes and
/// still hand the reader a well-formed archive. CRCs are zero: the reader does not check them.
enum StoredZip {
    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func le32(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24 & 0xFF)] }

    static func make(_ entries: [(name: String, data: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8)
            let offset = out.count
            out += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(0)
                + le32(entry.data.count) + le32(entry.data.count) + le16(name.count) + le16(0) + name + entry.data
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21) + le32(0)
                + le32(entry.data.count) + le32(entry.data.count) + le16(name.count) + le16(0) + le16(0) + le16(0)
                + le16(0) + le32(0) + le32(offset) + name
        }
        let centralOffset = out.count
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(entries.count) + le16(entries.count) + le32(central.count)
            + le32(centralOffset) + le16(0)
        return out
    }
}
