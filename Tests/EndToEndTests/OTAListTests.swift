import Foundation
import Testing

/// `presetscan list` on OTA zips built by `Samples/make-ota.sh` from make-firmware.sh's images,
/// compared with what the real tools extract (`brotli -d`/`xz -d` + the transfer list, every payload
/// operation decompressed by `xz`/`bzip2`/`zstd`, then `debugfs -R rdump`, `7z x`); the script
/// writes that ground truth to `expected.tsv` and the partitions that need the source build to
/// `expected-diagnostics.tsv`.
@Suite(.serialized) struct OTAListTests {
    static let samples: URL? = CLI.makeFixtures("make-ota.sh", prefix: "presetscan-ota")

    static func rows(_ file: String, _ sample: String) throws -> Set<String> {
        let dir = try #require(samples, "Samples/make-ota.sh failed (needs make-firmware.sh's tools, brotli, xz-utils, bzip2, zstd)")
        return try CLI.rows(of: dir.appendingPathComponent(file), sample: sample)
    }

    /// `list --hash --format json`: (status, location⇥sha256, error diagnostics as location⇥code⇥message).
    static func list(_ sample: String) throws -> (Int32, Set<String>, Set<String>) {
        let dir = try #require(samples)
        let result = try CLI.run(["list", "--hash", "--format", "json", dir.appendingPathComponent(sample).path])
        let doc = try #require(result.json as? [String: Any], "no JSON: \(result.stderr)")
        let prefix = dir.path + "/"
        func strip(_ s: Any?) -> String { (s as? String ?? "").replacingOccurrences(of: prefix, with: "") }
        let packages = Set((doc["packages"] as? [[String: Any]] ?? []).map { "\(strip($0["location"]))\t\($0["sha256"] as? String ?? "")" })
        let errors = Set((doc["diagnostics"] as? [[String: Any]] ?? []).filter { $0["severity"] as? String == "error" }.map {
            "\(strip($0["location"]))\t\($0["code"] as? String ?? "")\t\($0["message"] as? String ?? "")"
        })
        return (result.status, packages, errors)
    }

    @Test(arguments: ["block-ota.zip", "ab-ota.zip"])
    func fullOTAsAgreeWithTheRealTools(sample: String) throws {
        let expected = try Self.rows("expected.tsv", sample)
        // Three partitions of eleven packages each.
        #expect(expected.count == 33)
        let (status, found, errors) = try Self.list(sample)
        #expect(found == expected, "only presetscan \(found.subtracting(expected).sorted()), only the tools \(expected.subtracting(found).sorted())")
        #expect(errors.isEmpty, "\(errors)")
        #expect(status == 0)
    }

    @Test(arguments: ["block-ota-incremental.zip", "ab-ota-incremental.zip"])
    func incrementalOTAsArePS009ForExactlyThePartitionsThatNeedTheSource(sample: String) throws {
        let expectedPackages = try Self.rows("expected.tsv", sample)
        let expectedErrors = try Self.rows("expected-diagnostics.tsv", sample)
        #expect(expectedPackages.count == 11)
        #expect(expectedErrors.count == 1)
        let (status, found, errors) = try Self.list(sample)
        #expect(found == expectedPackages)
        #expect(errors == expectedErrors)
        #expect(errors.allSatisfy { $0.hasSuffix("\tota.incremental\tincremental OTA: needs the source build sample/presetscan/ota:12/SAMPLE.0/1:user/release-keys") })
        #expect(status == 3)
    }

    @Test func bareAndNestedPayloadsAreRead() throws {
        let dir = try #require(Self.samples)
        // payload.bin taken out of its zip, and the whole OTA zip inside a tar.gz.
        let work = dir.appendingPathComponent("nested")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let unzip = Process()
        unzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        unzip.arguments = ["bsdtar", "-x", "-f", dir.appendingPathComponent("ab-ota.zip").path, "-C", work.path, "payload.bin"]
        try unzip.run()
        unzip.waitUntilExit()
        try FileManager.default.copyItem(at: dir.appendingPathComponent("ab-ota.zip"), to: work.appendingPathComponent("ab-ota.zip"))
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["bsdtar", "-c", "-z", "-f", dir.appendingPathComponent("nested/ota.tar.gz").path, "-C", work.path, "ab-ota.zip"]
        try tar.run()
        tar.waitUntilExit()
        let expected = try Self.rows("expected.tsv", "ab-ota.zip")
        let (s1, bare, e1) = try Self.list("nested/payload.bin")
        #expect(bare == Set(expected.map { $0.replacingOccurrences(of: "ab-ota.zip!/payload.bin", with: "nested/payload.bin") }))
        #expect(s1 == 0 && e1.isEmpty)
        let (s2, nested, e2) = try Self.list("nested/ota.tar.gz")
        #expect(nested == Set(expected.map { "nested/ota.tar.gz!/" + $0 }))
        #expect(s2 == 0 && e2.isEmpty)
    }

    @Test func truncatedPayloadReportsTheCutPartitionsAndReadsTheRest() throws {
        let dir = try #require(Self.samples)
        let work = dir.appendingPathComponent("cut")
        try? FileManager.default.removeItem(at: work)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let unzip = Process()
        unzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        unzip.arguments = ["bsdtar", "-x", "-f", dir.appendingPathComponent("ab-ota.zip").path, "-C", work.path, "payload.bin"]
        try unzip.run()
        unzip.waitUntilExit()
        // The blobs are stored partition by partition (system, vendor, product): two thirds of the
        // file keep all of system's and cut into vendor's.
        let data = try Data(contentsOf: work.appendingPathComponent("payload.bin"))
        try data.prefix(data.count * 2 / 3).write(to: work.appendingPathComponent("payload.bin"))
        let (status, found, errors) = try Self.list("cut/payload.bin")
        let system = try Self.rows("expected.tsv", "ab-ota.zip").filter { $0.hasPrefix("ab-ota.zip!/payload.bin!/system!/") }
        #expect(system.count == 11)
        #expect(found == Set(system.map { $0.replacingOccurrences(of: "ab-ota.zip!/payload.bin", with: "cut/payload.bin") }))
        #expect(Set(errors.map { $0.split(separator: "\t").prefix(2).joined(separator: "\t") })
                == ["cut/payload.bin!/vendor\tpayload.truncated", "cut/payload.bin!/product\tpayload.truncated"])
        #expect(status == 3)
    }
}
