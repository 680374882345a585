import Foundation
import PresetScanApps
import PresetScanCore

/// `{"packages": [...], "diagnostics": [...], "complete": bool}`, keys sorted, pretty-printed; each package
/// with its identity, size, `sha256` (with `--hash`), `filingNumbers` and `errors`.
public struct JSONListReporter: ListReporter {
    public static let format = "json"

    public init() {}

    struct Package: Encodable {
        var location: Location
        var kind: String
        var package: String?
        var versionCode: UInt64?
        var versionName: String?
        var size: UInt64
        var sha256: String?
        /// Filing numbers and look-alikes the package displays (empty with `--no-filing-search`).
        var filingNumbers: [EmbeddedFilingNumber]
        var errors: [Diagnostic]
    }

    struct Document: Encodable {
        var packages: [Package]
        var diagnostics: [Diagnostic]
        var complete: Bool
    }

    public func render(_ report: ListReport) throws -> String {
        let doc = Document(
            packages: report.packages.map {
                Package(location: $0.record.location, kind: $0.record.kind, package: $0.record.package,
                        versionCode: $0.record.versionCode, versionName: $0.record.versionName, size: $0.record.size,
                        sha256: $0.sha256, filingNumbers: $0.record.filingNumbers, errors: $0.record.errors)
            },
            diagnostics: report.diagnostics, complete: !report.isIncomplete)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(doc), as: UTF8.self) + "\n"
    }
}
