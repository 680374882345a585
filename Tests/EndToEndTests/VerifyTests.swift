import Foundation
import Testing

/// Issue 12: `scan` fails (exit 1, PS011) on every tampered APK, with the default policy.
@Suite struct VerifyTests {
    @Test(arguments: ["block-byte.apk", "cd-byte.apk", "entry-byte.apk", "stripped-v2.apk", "transplanted.apk"])
    func scanFailsOnTamperedAPK(_ name: String) throws {
        let result = try CLI.run([
            "scan", CLI.sample("tampered/\(name)"), "--registry", "Samples/registry/filings.csv", "--format", "json",
            "--no-progress",
        ])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("\"PS011\""), "\(result.stdout.prefix(2000))")
        #expect(result.stdout.contains("signature-invalid"))
    }

    @Test func inspectReportsVerifiedFalseWithTheReason() throws {
        let result = try CLI.run(["inspect", CLI.sample("tampered/entry-byte.apk"), "--format", "json"])
        #expect(result.status == 0 || result.status == 3)
        #expect(result.stdout.contains("\"verified\" : false") || result.stdout.contains("\"verified\":false"))
        #expect(result.stdout.contains("signing.verify-failed"))
    }

    @Test func signedSampleStillPasses() throws {
        let result = try CLI.run(["inspect", CLI.sample("hello.apk"), "--format", "json"])
        #expect(result.stdout.contains("\"verified\" : true") || result.stdout.contains("\"verified\":true"))
    }
}
