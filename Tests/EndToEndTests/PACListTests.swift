import Foundation
import Testing

/// The vendor packages `Samples/make-vendor.sh` wraps around the sample images (PAC, UPDATE.APP,
/// Qualcomm flat builds, target_files.zip, img.zip), built once per test process.
enum VendorSamples {
    static let folder: URL? = CLI.makeFixtures("make-vendor.sh", prefix: "presetscan-vendor")

    static func dir() throws -> URL {
        try #require(folder, "Samples/make-vendor.sh failed (needs python3, zip and what make-firmware.sh needs)")
    }

    /// location ⇥ sha256 of every APK of `sample`, as the real tools extract them from the wrapped images.
    static func expected(_ sample: String) throws -> Set<String> {
        let text = try String(contentsOf: try dir().appendingPathComponent("expected.tsv"), encoding: .utf8)
        return Set(text.split(separator: "\n").compactMap { line -> String? in
            let f = line.split(separator: "\t").map(String.init)
            return f.count == 3 && f[0] == sample ? "\(f[1])\t\(f[2])" : nil
        })
    }

    /// `list --hash --format json` on `sample`: status, location ⇥ sha256 (relative to the folder), diagnostic codes.
    static func list(_ sample: String) throws -> (status: Int32, found: Set<String>, codes: [String]) {
        let dir = try dir()
        let result = try CLI.run(["list", "--hash", "--format", "json", dir.appendingPathComponent(sample).path])
        let doc = try #require(result.json as? [String: Any], "no JSON: \(result.stderr)")
        let prefix = dir.path + "/"
        let found = Set((doc["packages"] as? [[String: Any]] ?? []).map { p in
            "\((p["location"] as? String ?? "").replacingOccurrences(of: prefix, with: ""))\t\(p["sha256"] as? String ?? "")"
        })
        let codes = (doc["diagnostics"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }.filter { $0 != "ext4.symlink" }
        return (result.status, found, codes)
    }

    /// Every APK of the wrapped images found, with the same SHA-256, at its nested location.
    static func agree(_ sample: String, minimum: Int) throws {
        let expected = try expected(sample)
        #expect(expected.count >= minimum)
        let (status, found, codes) = try list(sample)
        #expect(found == expected, "\(sample): only presetscan \(found.subtracting(expected).sorted()), only expected \(expected.subtracting(found).sorted())")
        #expect(codes.isEmpty, "\(sample): \(codes)")
        #expect(status == 0)
    }

    /// What the wrapped image holds, relative to `sample`'s own rows (malformed variants of it).
    static func found(_ sample: String, like good: String) throws -> (Set<String>, Set<String>, [String], Int32) {
        let expected = Set(try expected(good).map { $0.replacingOccurrences(of: good + "!/", with: sample + "!/") })
        let (status, found, codes) = try list(sample)
        return (expected, found, codes, status)
    }
}

@Suite(.serialized) struct PACListTests {
    @Test func bpR2PackageHoldingSuperImg() throws { try VendorSamples.agree("firmware.pac", minimum: 20) }
    @Test func bpR1PackageHoldingSystemImg() throws { try VendorSamples.agree("firmware-r1.pac", minimum: 10) }

    /// Each malformed package: its note, and every APK of the intact files still found.
    @Test(arguments: [
        ("pac-size-mismatch.pac", ["pac.size-mismatch"]),
        ("pac-count-overflow.pac", ["pac.bad-file-header", "pac.count-overflow"]),
        ("pac-out-of-range.pac", ["pac.item-out-of-range"]),
        ("pac-bad-crc.pac", ["pac.data-crc", "pac.header-crc"]),
    ])
    func malformedPackagesAreNotedAndTheRestRead(sample: String, codes: [String]) throws {
        let (expected, found, got, status) = try VendorSamples.found(sample, like: "firmware.pac")
        #expect(found == expected)
        #expect(got.sorted() == codes)
        #expect(status == (codes.allSatisfy { $0.hasSuffix("crc") } ? 0 : 3))
    }

    @Test func overlappingFilesAreBothRead() throws {
        let (expected, found, codes, _) = try VendorSamples.found("pac-overlap.pac", like: "firmware.pac")
        #expect(found == expected)
        #expect(codes.contains("pac.item-overlap"))
    }
}
