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

