import Foundation
import Testing

/// Android build outputs are ZIPs and already walk: proven here.
@Suite(.serialized) struct TargetFilesListTests {
    /// IMAGES/*.img (raw and sparse, deflated) and the SYSTEM/ PRODUCT/ VENDOR/ SYSTEM_EXT/ trees.
    @Test func targetFilesZip() throws { try VendorSamples.agree("target_files.zip", minimum: 30) }

    /// fastboot's img.zip: super.img and a sparse image at the root.
    @Test func imgZip() throws { try VendorSamples.agree("img.zip", minimum: 30) }
}
