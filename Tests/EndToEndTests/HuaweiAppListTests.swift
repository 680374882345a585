import Foundation
import Testing

@Suite(.serialized) struct HuaweiAppListTests {
    @Test func blocksHoldingSuperAndSystem() throws { try VendorSamples.agree("UPDATE.APP", minimum: 30) }

    @Test func aWrongBlockCRCIsAWarning() throws {
        let (expected, found, codes, status) = try VendorSamples.found("UPDATE-bad-crc.APP", like: "UPDATE.APP")
        #expect(found == expected)
        #expect(codes == ["huawei-app.block-crc"])
        #expect(status == 0)
    }

    @Test func aBlockPastTheEndIsAnErrorAndTheOthersAreRead() throws {
        let (expected, found, codes, status) = try VendorSamples.found("UPDATE-out-of-range.APP", like: "UPDATE.APP")
        #expect(found == expected.filter { !$0.contains("!/system.img!/") })
        #expect(found.count >= 20)
        #expect(codes == ["huawei-app.item-out-of-range"])
        #expect(status == 3)
    }
}
