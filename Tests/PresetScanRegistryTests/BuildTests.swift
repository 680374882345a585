import Foundation
import Testing

@testable import PresetScanRegistry

/// Building snapshots: metadata, duplicates, conflicts, and never a half-written file.
@Suite struct BuildTests {
    @Test func buildWritesMetadataAndCounts() throws {
        let scratch = Scratch()
        let records = scratch.write("r.csv", Fixture.csv + Fixture.csv.split(separator: "\n")[1] + "\n")
        var builder = Fixture.builder
        builder.source = "MIIT export 2026-11"
        let summary = try builder.build(records: [records], to: scratch.path("s.sqlite"))
        #expect(summary.recordCount == 4)
        #expect(summary.duplicateRows == 1)
        #expect(summary.filingCount == 3)
        #expect(summary.identifierCount == 4)
        #expect(summary.certificateCount == 2)
        #expect(summary.builtAt == "2026-10-12")
        let info = try Fixture.open(scratch.path("s.sqlite")).info
        #expect(info.recordCount == 4)
        #expect(info.source == "MIIT export 2026-11")
        #expect(info.builtAt == "2026-10-12")
        #expect(info.ageDays == 48)
        #expect(info.isStale)
        #expect(info.sha256 == summary.sha256)
        #expect(info.countsByPlatform == ["android": 3, "ios": 1])
        #expect(info.countsByStatus == ["active": 2, "cancelled": 1])
        #expect(info.contentDigest.count == 64)
        #expect(info.signature == .unchecked(signaturePresent: false))
    }

    @Test func builtAtGivenWinsAndSourceDefaultsToFileNames() throws {
        let scratch = Scratch()
        var builder = Fixture.builder
        builder.builtAt = RegistryDate(text: "2026-11-28")
        let a = scratch.write("a.csv", Fixture.csv)
        let b = scratch.write("b.jsonl", "{\"备案号\": \"浙ICP备2021000002号-1A\", \"app_name\": \"x\", \"sponsor\": \"y\", \"identifier\": \"cn.example.x\"}\n")
        let summary = try builder.build(records: [a, b], to: scratch.path("s.sqlite"))
        #expect(summary.builtAt == "2026-11-28")
        #expect(summary.source == "a.csv, b.jsonl")
        #expect(summary.filingCount == 4)
    }

    @Test func sameInputGivesTheSameFileAndDigest() throws {
        let scratch = Scratch()
        let records = scratch.write("r.csv", Fixture.csv)
        _ = try Fixture.builder.build(records: [records], to: scratch.path("one.sqlite"))
        _ = try Fixture.builder.build(records: [records], to: scratch.path("two.sqlite"))
        let one = try Fixture.open(scratch.path("one.sqlite")).info
        let two = try Fixture.open(scratch.path("two.sqlite")).info
        #expect(one.sha256 == two.sha256)
        #expect(one.contentDigest == two.contentDigest)
    }

    @Test func badRowFailsTheBuildAndLeavesNothing() throws {
        let scratch = Scratch()
        let records = scratch.write("r.csv", Fixture.csv + "京ICP备2023012345号,Bad,S,android,cn.example.bad,,active,\n")
        #expect(throws: RegistryError.self) { try Fixture.builder.build(records: [records], to: scratch.path("s.sqlite")) }
        do {
            _ = try Fixture.builder.build(records: [records], to: scratch.path("s.sqlite"))
        } catch let RegistryError.badRows(rows, total) {
            #expect(total == 1)
            #expect(rows.first?.line == 6)
            #expect(rows.first?.file == records)
        }
        #expect(scratch.contents == ["r.csv"])
    }

    @Test func failedBuildKeepsTheExistingSnapshot() throws {
        let scratch = Scratch()
        let path = try Fixture.snapshot(in: scratch, name: "s.sqlite")
        let before = try Fixture.open(path).info.sha256
        let bad = scratch.write("bad.csv", "filing_number,app_name,sponsor,identifier\nnope,a,b,c\n")
        #expect(throws: RegistryError.self) { try Fixture.builder.build(records: [bad], to: path) }
        #expect(try Fixture.open(path).info.sha256 == before)
        #expect(scratch.contents == ["bad.csv", "s.sqlite", "s.sqlite.csv"])
    }

    @Test func skipBadRowsImportsTheRest() throws {
        let scratch = Scratch()
        let records = scratch.write("r.csv", Fixture.csv + "京ICP备2023012345号,Bad,S,android,cn.example.bad,,active,\n")
        var builder = Fixture.builder
        builder.skipBadRows = true
        let summary = try builder.build(records: [records], to: scratch.path("s.sqlite"))
        #expect(summary.recordCount == 4)
        #expect(summary.badRowCount == 1)
        #expect(summary.badRows.first?.line == 6)
    }

    @Test func conflictingFilingFieldsAreABadRow() throws {
        let scratch = Scratch()
        let records = scratch.write("r.csv", Fixture.csv + "京ICP备2023012345号-1A,Other name,示例科技,android,cn.example.other,,active,2026-10-12\n")
        do {
            _ = try Fixture.builder.build(records: [records], to: scratch.path("s.sqlite"))
            Issue.record("expected the build to fail")
        } catch let RegistryError.badRows(rows, _) {
            #expect(rows.first?.line == 6)
            #expect(rows.first?.reason.contains("r.csv:2") == true)
        }
    }

    @Test func noRecordsIsAnError() throws {
        let scratch = Scratch()
        let records = scratch.write("r.csv", "filing_number,app_name,sponsor,identifier\n")
        #expect(throws: RegistryError.noRecords) { try Fixture.builder.build(records: [records], to: scratch.path("s.sqlite")) }
        #expect(scratch.contents == ["r.csv"])
    }

    @Test func missingInputOrFolderIsAnError() throws {
        let scratch = Scratch()
        #expect(throws: RegistryError.self) { try Fixture.builder.build(records: [scratch.path("none.csv")], to: scratch.path("s.sqlite")) }
        let records = scratch.write("r.csv", Fixture.csv)
        #expect(throws: RegistryError.self) { try Fixture.builder.build(records: [records], to: scratch.path("no/such/s.sqlite")) }
        #expect(scratch.contents == ["r.csv"])
    }
}
