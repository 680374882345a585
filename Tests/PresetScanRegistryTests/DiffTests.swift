import Testing

@testable import PresetScanRegistry

/// `SnapshotDiff`: what a maker re-checks when a new snapshot arrives.
@Suite struct DiffTests {
    @Test func diffFindsEveryKindOfChange() throws {
        let scratch = Scratch()
        let old = try Fixture.open(try Fixture.snapshot(in: scratch, name: "old.sqlite"))
        let newCSV = """
            filing_number,app_name,sponsor,platform,identifier,cert_md5,status,approved_on
            京ICP备2023012345号-1A,Hello,示例科技,android,cn.example.hello,\(Fixture.md5B),active,2026-10-12
            粤ICP备2024054321号-2A,Offline,深圳示例,android,cn.example.offline,\(Fixture.md5B),revoked,2026-09-30
            浙ICP备2021000002号-1A,New,杭州示例,android,cn.example.new,,active,2026-11-20

            """
        let new = try Fixture.open(try Fixture.snapshot(in: scratch, name: "new.sqlite", csv: newCSV))
        let diff = try SnapshotDiff(old: old, new: new)
        #expect(diff.added.map(\.number) == ["浙ICP备2021000002号-1A"])
        #expect(diff.removed.map(\.number) == ["沪ICP备2022000001号-3A"])
        #expect(diff.statusChanged.map { "\($0.filing.number) \($0.from)->\($0.to)" } == ["粤ICP备2024054321号-2A active->revoked"])
        let change = try #require(diff.appsChanged.first)
        #expect(diff.appsChanged.count == 1)
        #expect(change.filing.number == "京ICP备2023012345号-1A")
        #expect(change.identifiersRemoved == ["ios:cn.example.hello.ios"])
        #expect(change.identifiersAdded == [])
        #expect(change.certificatesAdded == ["android:cn.example.hello md5:\(Fixture.md5B)"])
        #expect(change.certificatesRemoved == ["android:cn.example.hello md5:\(Fixture.md5A)"])
    }

    @Test func identicalSnapshotsHaveNoDiff() throws {
        let scratch = Scratch()
        let a = try Fixture.open(try Fixture.snapshot(in: scratch, name: "a.sqlite"))
        let b = try Fixture.open(try Fixture.snapshot(in: scratch, name: "b.sqlite"))
        #expect(try SnapshotDiff(old: a, new: b).isEmpty)
        #expect(try SnapshotDiff(old: a, new: a).isEmpty)
    }
}
