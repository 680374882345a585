import Foundation
import Testing

@Suite(.serialized) struct QualcommListTests {
    /// Raw pieces placed by start_sector (super), simg2simg chunks (system), sparse pieces placed
    /// by start_sector (vendor): each label read once as one partition, the pieces not again.
    @Test func flatBuildFolderJoinsEachLabel() throws { try VendorSamples.agree("qcom", minimum: 40) }

    @Test func piecesThatCannotBeJoinedAreReadOneByOne() throws {
        let (status, found, codes) = try VendorSamples.list("qcom-broken")
        #expect(codes.contains("qualcomm.join-failed"))
        #expect(codes.contains("qualcomm.missing-piece"))
        // super_1.img read alone: its LP extents reach into super_2.img, so it is noted, not skipped.
        #expect(codes.contains("super.extent-out-of-range"))
        // vendor without its (all-zero) second piece still gives its apps.
        #expect(found.filter { $0.hasPrefix("qcom-broken/rawprogram0.xml!/vendor!/") }.count >= 10)
        #expect(status == 3)
    }
}
