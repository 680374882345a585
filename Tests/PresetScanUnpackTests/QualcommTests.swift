import Foundation
import PresetScanCore
import Testing
@testable import PresetScanUnpack

struct QualcommTests {
    @Test func planScannerReadsProgramsAndSkipsComments() {
        let xml = """
        <?xml version="1.0" ?><data><!-- <program filename="no.img" label="no"/> -->
          <program SECTOR_SIZE_IN_BYTES="4096" filename="system_1.img" label="system" start_sector="10" sparse="true"/>
          <program filename='system_2.img' label = "system" start_sector=" 20 "/>
          <erase label="misc" start_sector="5"/><program filename="" label="userdata"/>
        """
        let plan = Qualcomm.RawProgram(text: Array(xml.utf8))
        #expect(plan.programs.map(\.filename) == ["system_1.img", "system_2.img", ""])
        #expect(plan.programs[0] == .init(filename: "system_1.img", label: "system", startSector: 10, sectorSize: 4096, sparse: true))
        #expect(plan.programs[1].startSector == 20 && plan.programs[1].sectorSize == 512)
        #expect(Qualcomm.RawProgram(text: Array("<program filename=\"a".utf8)).programs.count == 1)
    }

    @Test func rawPiecesArePlacedByStartSectorAndNotWalkedTwice() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qualcomm-test-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data([UInt8](repeating: 1, count: 512)).write(to: dir.appendingPathComponent("p_1.img"))
        try Data([UInt8](repeating: 2, count: 100)).write(to: dir.appendingPathComponent("p_2.img"))
        try Data("""
        <data><program filename="p_1.img" label="p" start_sector="8"/><program filename="p_2.img" label="p" start_sector="10"/>
        <program filename="gone.img" label="q" start_sector="1"/><program filename="p_2.img" label="q" start_sector="1"/></data>
        """.utf8).write(to: dir.appendingPathComponent("rawprogram0.xml"))
        var seen: [String: [UInt8]] = [:], codes: [String] = []
        try FolderContainer(root: dir.path, limits: UnpackLimits()).forEachFile({ codes.append($0.diagnostic.code) }) { e in
            seen[e.path] = try e.source?.readAll()
        }
        #expect(seen.keys.sorted() == ["rawprogram0.xml", "rawprogram0.xml!/p", "rawprogram0.xml!/q"])
        let joined = try #require(seen["rawprogram0.xml!/p"])
        #expect(joined == [UInt8](repeating: 1, count: 512) + [UInt8](repeating: 0, count: 512) + [UInt8](repeating: 2, count: 100))
        #expect(codes == ["qualcomm.missing-piece"])
    }
}
