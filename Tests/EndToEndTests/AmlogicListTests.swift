import Foundation
import PresetScanCore
import PresetScanCrypto
import PresetScanUnpack
import Testing

/// `presetscan list` on Amlogic burning images built by `Samples/make-amlogic.sh` around the sample
/// `super.img` and `system.simg`: every APK is found with the SHA-256 it has in the inner image, at
/// `aml_upgrade_package.img!/super.PARTITION!/system_a!/…`.
@Suite(.serialized) struct AmlogicListTests {
    static let samples: URL? = CLI.makeFixtures("make-amlogic.sh", prefix: "presetscan-amlogic")

    static func folder() throws -> URL {
        try #require(samples, "Samples/make-amlogic.sh failed (needs python3 and what make-firmware.sh needs)")
    }

    static func expected(_ sample: String) throws -> Set<String> {
        try CLI.rows(of: try folder().appendingPathComponent("expected.tsv"), sample: sample)
    }

    @Test(arguments: ["aml_upgrade_package.img", "aml-v1.img"])
    func everyAppOfTheInnerImagesIsFound(sample: String) throws {
        let expected = try Self.expected(sample)
        #expect(expected.count >= 30)
        let (status, found, codes) = try RockchipListTests.list(sample, in: try Self.folder())
        #expect(found == expected, "only presetscan \(found.subtracting(expected).sorted()), only the writer \(expected.subtracting(found).sorted())")
        #expect(!codes.contains { $0.hasPrefix("amlogic.") || $0 == "format.unsupported" }, "\(codes)")
        let (inner, _, _) = try RockchipListTests.list("fw/super.img", in: try Self.folder())
        #expect(status == inner)
    }

    /// Each item presetscan reads has the bytes an independent reading of the table gives.
    @Test(arguments: ["aml_upgrade_package.img", "aml-v1.img"])
    func itemsHaveTheWrittenBytes(sample: String) throws {
        let dir = try Self.folder()
        let image = try Aml.Image(source: try FileByteSource(path: dir.appendingPathComponent(sample).path))
        var mine = Set<String>()
        try image.forEachFile({ Issue.record("note \($0.diagnostic.code)") }) { entry in
            mine.insert("\(entry.path)\t\(try RockchipListTests.hex(Digest.sha256(of: entry.source!)))")
        }
        // system_b.PARTITION reuses system's bytes: read once, under system.PARTITION.
        let truth = try CLI.rows(of: dir.appendingPathComponent("items.tsv"), sample: sample).filter { !$0.hasPrefix("system_b.") }
        #expect(mine == truth)
    }

    @Test(arguments: [
        ("aml-verify-bad.img", "amlogic.verify-mismatch"),
        ("aml-far.img", "amlogic.item-out-of-range"),
        ("aml-overlap.img", "amlogic.item-overlap"),
        ("aml-count.img", "amlogic.count-overflow"),
        ("aml-size.img", "amlogic.size-mismatch"),
    ])
    func malformedImagesAreNotedAndTheRestIsRead(sample: String, code: String) throws {
        let expected = try Self.expected(sample)
        let (status, found, codes) = try RockchipListTests.list(sample, in: try Self.folder())
        #expect(codes.contains(code), "\(codes)")
        #expect(found.isSuperset(of: expected), "missing \(expected.subtracting(found).sorted())")
        // A VERIFY mismatch and overlapping items are warnings: every byte is still read.
        #expect(status == (["amlogic.verify-mismatch", "amlogic.item-overlap"].contains(code) ? 0 : 3))
    }
}
