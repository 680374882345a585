import Foundation

@testable import PresetScanRegistry

/// A scratch folder removed when the test's value goes away.
final class Scratch {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("presetscan-registry-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `text` (UTF-8) as `name` and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String, bom: Bool = false) -> String {
        let bytes = (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
        _ = FileManager.default.createFile(atPath: path(name), contents: Data(bytes))
        return path(name)
    }

    /// Names in the folder, hidden ones included.
    var contents: [String] { ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).sorted() }
}

enum Fixture {
    static let md5A = "e038d815edfc62a02b38aec2db7b6f02"
    static let md5B = "7e5aa5aca4d9bf5c1135a0168b59a3a5"
    static let sha1A = "0aa05f0a3c4e9bd54a0b0e6c7f1d2e3a4b5c6d7e"
    static let sha256A = "33de88b47244160ddf2e663c40e9addde4416dd2d27d69d2fa2863f0c1050632"
    static let sha256B = "bb8c8cb87f0f7d3703a67a4592d66b314cf4077472b5f481e03e7d0dac757382"

    /// Filings of other platforms: a HarmonyOS SHA-256 in `cert_md5` and in `cert_sha256`, an iOS
    /// SHA-1 in `cert_md5`, a quick app with no certificate.
    static let platformsCSV = """
        filing_number,app_name,sponsor,platform,identifier,cert_md5,cert_sha1,cert_sha256,status,approved_on
        京ICP备2023012345号-1A,Hello,示例科技,android,cn.example.hello,\(md5A),,,active,2026-10-12
        京ICP备2023012345号-1A,Hello,示例科技,harmony,cn.example.hello,\(sha256A.uppercased()),,,active,2026-10-12
        京ICP备2023012345号-1A,Hello,示例科技,ios,cn.example.hello,\(sha1A),,,active,2026-10-12
        浙ICP备2021000002号-2A,Harmony,杭州示例,harmony,cn.example.harmony,,,\(sha256B),active,2026-11-01
        浙ICP备2021000002号-3K,Quick,杭州示例,quickapp,cn.example.quick,,,,active,2026-11-01

        """

    /// Three filings: hello (two platforms), offline (key B), retired (cancelled).
    static let csv = """
        filing_number,app_name,sponsor,platform,identifier,cert_md5,status,approved_on
        京ICP备2023012345号-1A,Hello,示例科技,android,cn.example.hello,\(md5A),active,2026-10-12
        京ICP备2023012345号-1A,Hello,示例科技,ios,cn.example.hello.ios,,active,2026-10-12
        粤ICP备2024054321号-2A,Offline,深圳示例,android,cn.example.offline,\(md5B),active,2026-09-30
        沪ICP备2022000001号-3A,Retired,上海示例,android,cn.example.retired,,cancelled,2025-03-01

        """

    static var builder: SnapshotBuilder {
        var builder = SnapshotBuilder()
        builder.currentYear = 2026
        builder.now = date("2026-11-29")
        return builder
    }

    static func date(_ text: String) -> Date {
        let day = RegistryDate(text: text)?.daysSinceEpoch ?? 0
        return Date(timeIntervalSince1970: Double(day) * 86400 + 3600)
    }

    /// Builds `csv` in `scratch` as `name` and returns the snapshot path.
    static func snapshot(in scratch: Scratch, name: String = "snap.sqlite", csv: String = Fixture.csv) throws -> String {
        let records = scratch.write(name + ".csv", csv)
        _ = try builder.build(records: [records], to: scratch.path(name))
        return scratch.path(name)
    }

    static func open(_ path: String, _ options: SnapshotOpenOptions = SnapshotOpenOptions()) throws -> RegistrySnapshot {
        var options = options
        options.now = date("2026-11-29")
        return try RegistrySnapshot(path: path, options: options)
    }
}
