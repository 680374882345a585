import Foundation
import GRDB
import PresetScanCore
import PresetScanCrypto
import Testing

@testable import PresetScanRegistry

/// Opening snapshots (what is refused) and looking records up.
@Suite struct SnapshotTests {
    @Test func lookupByIdentifierAndPlatform() throws {
        let scratch = Scratch()
        let snapshot = try Fixture.open(try Fixture.snapshot(in: scratch))
        let hello = try snapshot.lookup(identifier: "cn.example.hello", platform: .android)
        #expect(hello.count == 1)
        #expect(hello.first?.filing.number == "京ICP备2023012345号-1A")
        #expect(hello.first?.filing.appName == "Hello")
        #expect(hello.first?.identifiers.map(\.identifier) == ["cn.example.hello"])
        #expect(hello.first?.identifiers.first?.certificates.compactMap(\.md5) == [Fixture.md5A])
        #expect(try snapshot.lookup(identifier: "cn.example.hello", platform: .ios).isEmpty)
        #expect(try snapshot.lookup(identifier: "cn.example.hello.ios").first?.identifiers.first?.platform == .ios)
        #expect(try snapshot.lookup(identifier: " cn.example.hello ").count == 1)
        // Package names are case-sensitive.
        #expect(try snapshot.lookup(identifier: "CN.EXAMPLE.HELLO").isEmpty)
        #expect(try snapshot.lookup(identifier: "cn.example.unsigned").isEmpty)
        let retired = try snapshot.lookup(identifier: "cn.example.retired")
        #expect(retired.first?.filing.status == .cancelled)
        #expect(retired.first?.identifiers.first?.certificates == [])
    }

    @Test func lookupByCertificate() throws {
        let scratch = Scratch()
        let snapshot = try Fixture.open(try Fixture.snapshot(in: scratch))
        let matches = try snapshot.lookup(certificateMD5: "7E:5A:A5:AC:A4:D9:BF:5C:11:35:A0:16:8B:59:A3:A5")
        #expect(matches.map(\.filing.number) == ["粤ICP备2024054321号-2A"])
        #expect(try snapshot.lookup(certificateMD5: "00000000000000000000000000000000").isEmpty)
        #expect(try snapshot.lookup(certificateMD5: "not hex").isEmpty)
    }

    @Test func lookupByFilingNumber() throws {
        let scratch = Scratch()
        let snapshot = try Fixture.open(try Fixture.snapshot(in: scratch))
        let filing = try #require(try snapshot.lookup(filingNumber: "京ICP备２０２３０１２３４５号－1a"))
        #expect(filing.identifiers.map(\.identifier) == ["cn.example.hello", "cn.example.hello.ios"])
        #expect(try snapshot.lookup(filingNumber: "京ICP备2023012345号-9A") == nil)
        #expect(try snapshot.lookup(filingNumber: "garbage") == nil)
    }

    @Test(arguments: [
        ("京ICP备2023012345号-1A", "filingNumber"), ("E0:38:D8:15:ED:FC:62:A0:2B:38:AE:C2:DB:7B:6F:02", "certMD5"),
        ("cn.example.hello", "identifier"), ("京ICP备2023012345号", "identifier"),
    ])
    func queryKinds(text: String, kind: String) {
        #expect(RegistryQuery(text: text).kind == kind)
    }

    @Test func oneIdentifierUnderTwoFilings() throws {
        let scratch = Scratch()
        let csv = Fixture.csv + "浙ICP备2021000002号-1A,Hello again,示例科技,android,cn.example.hello,\(Fixture.md5B),active,2026-11-01\n"
        let snapshot = try Fixture.open(try Fixture.snapshot(in: scratch, csv: csv))
        let matches = try snapshot.lookup(identifier: "cn.example.hello", platform: .android)
        #expect(matches.map(\.filing.number) == ["京ICP备2023012345号-1A", "浙ICP备2021000002号-1A"])
    }

    @Test func parallelLookupsAgree() throws {
        let scratch = Scratch()
        let snapshot = try Fixture.open(try Fixture.snapshot(in: scratch))
        let wrong = Locked(0)
        DispatchQueue.concurrentPerform(iterations: 8) { n in
            for i in 0..<200 {
                let hit = (try? snapshot.lookup(identifier: i % 2 == 0 ? "cn.example.hello" : "cn.example.offline")) ?? []
                if hit.count != 1 { wrong.withLock { $0 += 1 } }
                _ = n
            }
        }
        #expect(wrong.withLock { $0 } == 0)
    }

    @Test func maxAgeRefusesOldSnapshots() throws {
        let scratch = Scratch()
        let path = try Fixture.snapshot(in: scratch)
        #expect(throws: RegistryError.tooOld(path: path, ageDays: 48, maxAgeDays: 30)) {
            try Fixture.open(path, SnapshotOpenOptions(maxAgeDays: 30))
        }
        #expect(try Fixture.open(path, SnapshotOpenOptions(maxAgeDays: 48)).info.ageDays == 48)
    }

    @Test func newerSchemaIsRefused() throws {
        let scratch = Scratch()
        let path = try Fixture.snapshot(in: scratch)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "UPDATE metadata SET value = '99' WHERE key = 'schema_version'") }
        try queue.close()
        #expect(throws: RegistryError.newerSchema(path: path, found: 99, supported: SnapshotSchema.version)) {
            try Fixture.open(path)
        }
    }

    @Test func sqliteThatIsNotASnapshotIsRefused() throws {
        let scratch = Scratch()
        let path = scratch.path("other.sqlite")
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "CREATE TABLE t (x)") }
        try queue.close()
        #expect {
            try Fixture.open(path)
        } throws: { error in
            if case .notASnapshot = error as? RegistryError { true } else { false }
        }
    }

    @Test(arguments: ["empty", "text", "truncated", "padded", "garbled"])
    func corruptFilesAreRefused(kind: String) throws {
        let scratch = Scratch()
        let path = try Fixture.snapshot(in: scratch)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        switch kind {
        case "empty": bytes = []
        case "text": bytes = Array("filing_number,app_name\n".utf8)
        case "truncated": bytes = Array(bytes.prefix(bytes.count - 4096))
        case "padded": bytes += [UInt8](repeating: 0, count: 100)
        default:
            // Overwrite every page after the first with noise: the header stays plausible.
            for i in 4096..<bytes.count { bytes[i] = UInt8(truncatingIfNeeded: i &* 2654435761 >> 7) }
        }
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        #expect {
            try Fixture.open(path, SnapshotOpenOptions(checkIntegrity: true))
        } throws: { error in
            switch error as? RegistryError {
            case .snapshotCorrupt, .notASnapshot: true
            default: false
            }
        }
    }

    @Test func missingFileIsUnreadable() {
        #expect {
            try Fixture.open("/nonexistent/snapshot.sqlite")
        } throws: { error in
            if case .snapshotUnreadable = error as? RegistryError { true } else { false }
        }
    }

    @Test func openingDoesNotChangeTheFile() throws {
        let scratch = Scratch()
        let path = try Fixture.snapshot(in: scratch)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let snapshot = try Fixture.open(path, SnapshotOpenOptions(checkIntegrity: true))
        _ = try snapshot.lookup(identifier: "cn.example.hello")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(scratch.contents == ["snap.sqlite", "snap.sqlite.csv"])
    }
}
