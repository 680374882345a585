import Foundation
import PresetScanApps
import PresetScanCore
import PresetScanCrypto
import PresetScanPolicy

/// CycloneDX 1.5 JSON inventory of the preset apps: one `application` component per app package,
/// with its SHA-256 (when `--hash` computed it) and presetscan's facts as `presetscan:` properties
/// (location, verdict, filing, signer certificates, label, sponsor).
///
/// No timestamp, and a serial number derived from the content, so the same scan gives the same bytes.
public struct CycloneDXScanReporter: ScanReporter {
    public static let format = "cyclonedx"

    /// `presetscan:finding` texts follow its language; property names and verdicts never do.
    public var options: ScanRenderOptions

    public init(options: ScanRenderOptions = ScanRenderOptions()) { self.options = options }

    public func render(_ report: ScanReport) throws -> String {
        var bom = BOM(report, language: options.language)
        // The serial number is a name-based UUID (RFC 9562 version/variant bits; CycloneDX's pattern
        // admits versions 1–5 only, hence 5) over the SHA-256 of the BOM without it.
        let digest = Digest.sha256([UInt8](try Self.encode(bom).utf8))
        bom.serialNumber = Self.uuid(digest)
        return try Self.encode(bom) + "\n"
    }

    static func encode(_ bom: BOM) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(bom), as: UTF8.self)
    }

    static func uuid(_ digest: [UInt8]) -> String {
        var bytes = Array(digest.prefix(16))
        while bytes.count < 16 { bytes.append(0) }
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.hexString
        func slice(_ from: Int, _ to: Int) -> Substring {
            hex[hex.index(hex.startIndex, offsetBy: from)..<hex.index(hex.startIndex, offsetBy: to)]
        }
        return "urn:uuid:\(slice(0, 8))-\(slice(8, 12))-\(slice(12, 16))-\(slice(16, 20))-\(slice(20, 32))"
    }

    struct BOM: Encodable {
        var bomFormat = "CycloneDX"
        var specVersion = "1.5"
        var serialNumber: String?
        var version = 1
        var metadata: Metadata
        var components: [Component]

        init(_ report: ScanReport, language: Language) {
            metadata = Metadata(report)
            var seen: [String: Int] = [:]
            components = report.apps.map { app in
                // bom-refs must be unique; the same package given twice as input would repeat its location.
                let base = app.record.location.description
                let count = seen[base, default: 0] + 1
                seen[base] = count
                return Component(app, bomRef: count == 1 ? base : "\(base)#\(count)", language: language)
            }
        }
    }

    struct Metadata: Encodable {
        var tools: Tools
        /// What was scanned, with each input's SHA-256: only with `--hash-inputs`.
        var component: InputComponent?
        var properties: [Property]

        struct Tools: Encodable { var components: [ToolComponent] }
        struct ToolComponent: Encodable {
            var type = "application"
            var name = "presetscan"
            var version: String
        }

        init(_ report: ScanReport) {
            tools = Tools(components: [ToolComponent(version: report.toolVersion)])
            component = report.inputHashes.map(InputComponent.init)
            let r = report.registry, p = report.policy
            var properties = report.inputs.map { Property("presetscan:input", $0) }
            properties += [
                Property("presetscan:registry:path", r.path),
                Property("presetscan:registry:sha256", r.sha256),
                Property("presetscan:registry:builtAt", r.builtAt),
                Property("presetscan:registry:recordCount", "\(r.recordCount)"),
                Property("presetscan:registry:signature", r.signature),
                Property("presetscan:policy:path", p.path ?? "default"),
                Property("presetscan:policy:failOn", p.failOn.map(\.rawValue).joined(separator: ",")),
                Property("presetscan:result", report.outcome.rawValue),
            ]
            self.properties = properties
        }
    }

    struct Component: Encodable {
        var type = "application"
        var bomRef: String
        var name: String
        var version: String?
        var description: String?
        var hashes: [Hash]?
        var properties: [Property]

        enum CodingKeys: String, CodingKey {
            case type, bomRef = "bom-ref", name, version, description, hashes, properties
        }

        struct Hash: Encodable {
            var alg = "SHA-256"
            var content: String
        }

        init(_ app: AssessedApp, bomRef: String, language l: Language) {
            let record = app.record
            self.bomRef = bomRef
            name = record.package ?? record.location.parts.last ?? record.location.description
            version = record.versionName
            description = record.label
            if let sha256 = app.sha256?.lowercased(), sha256.count == 64, sha256.allSatisfy(\.isHexDigit) {
                hashes = [Hash(content: sha256)]
            }
            var properties = [
                Property("presetscan:location", record.location.description),
                Property("presetscan:kind", record.kind),
                Property("presetscan:platform", app.platform.rawValue),
                Property("presetscan:verdict", app.verdict.rawValue),
            ]
            if let versionCode = record.versionCode { properties.append(Property("presetscan:versionCode", "\(versionCode)")) }
            if let build = record.build { properties.append(Property("presetscan:build", build)) }
            if let label = record.label { properties.append(Property("presetscan:label", label)) }
            if let match = app.match {
                properties += [
                    Property("presetscan:filingNumber", match.filingNumber),
                    Property("presetscan:filingStatus", match.status.rawValue),
                    Property("presetscan:filedAppName", match.appName),
                    Property("presetscan:sponsor", match.sponsor),
                ]
            }
            var seen = Set<String>()
            for signer in record.signers where seen.insert(signer.sha256.lowercased()).inserted {
                properties.append(Property("presetscan:certificate:md5", signer.md5.lowercased()))
                properties.append(Property("presetscan:certificate:sha1", signer.sha1.lowercased()))
                properties.append(Property("presetscan:certificate:sha256", signer.sha256.lowercased()))
            }
            for number in record.filingNumbers where number.kind == .app {
                properties.append(Property("presetscan:embeddedFilingNumber", number.valid ? number.canonical : number.raw))
            }
            for finding in app.findings {
                let id = finding.rule.rawValue, text = finding.text(l)
                let value = if let suppression = finding.suppression {
                    l.text(.cdxFindingSuppressed, id, l.text(suppression.kind.term), text)
                } else if finding.fails {
                    l.text(.cdxFindingFails, id, text)
                } else {
                    l.text(.cdxFindingSeverity, id, l.text(finding.severity.term), text)
                }
                properties.append(Property("presetscan:finding", value))
            }
            self.properties = properties
        }
    }

    /// The scanned device build as the BOM's subject (`metadata.component`, type `firmware`), its
    /// inputs nested: a file with its SHA-256 in `hashes`; a folder (type `data`, it has no bytes of
    /// its own) with its manifest's SHA-256, file count and total size as properties. The sizes are
    /// properties too: CycloneDX has no field for them.
    struct InputComponent: Encodable {
        var type: String
        var bomRef: String
        var name: String
        var hashes: [Component.Hash]?
        var properties: [Property]?
        var components: [InputComponent]?

        enum CodingKeys: String, CodingKey {
            case type, bomRef = "bom-ref", name, hashes, properties, components
        }

        init(_ inputs: [ScanReport.InputHash]) {
            type = "firmware"
            bomRef = "presetscan-inputs"
            name = inputs.map(\.path).joined(separator: " ")
            components = inputs.enumerated().map { InputComponent($0.element, index: $0.offset + 1) }
        }

        init(_ input: ScanReport.InputHash, index: Int) {
            bomRef = "presetscan-input-\(index)"
            name = input.path
            var properties = [Property("presetscan:input:kind", input.kind.rawValue), Property("presetscan:input:size", "\(input.size)")]
            switch input.kind {
            case .file:
                type = "file"
                hashes = [Component.Hash(content: input.sha256)]
            case .folder:
                type = "data"
                properties += [
                    Property("presetscan:input:files", "\(input.files ?? 0)"),
                    Property("presetscan:input:manifestSha256", input.sha256),
                ]
            }
            self.properties = properties
        }
    }

    struct Property: Encodable {
        var name: String
        var value: String

        init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }
}
