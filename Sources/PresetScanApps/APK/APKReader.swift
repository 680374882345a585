import PresetScanCore
import PresetScanCrypto
import PresetScanUnpack

/// Reads one APK the way the platform does and produces its `AppRecord`.
///
/// Only the central directory, `AndroidManifest.xml`, `resources.arsc` (when the manifest
/// refers to it), the signature block files and the APK Signing Block are read.
public enum APKReader: PackageReader {
    /// Android permissions that let an app reach the network.
    public static let internetPermission = "android.permission.INTERNET"

    public static let kinds = ["apk"]

    public static let platform = Platform.android
    public static let suffixes = [".apk"]

    /// An APK has its binary manifest at the root. An APEX (`apex_payload.img`) or compressed
    /// APEX (`original_apex`) has one too, but is a system module whose filesystem image holds
    /// the apps: the walk opens it as a container instead.
    public static func accepts(_ archive: ZipArchive) -> Bool {
        archive.entry(named: "AndroidManifest.xml") != nil
            && archive.entry(named: "apex_payload.img") == nil && archive.entry(named: "original_apex") == nil
    }

    /// - Parameter searchFilingNumbers: false skips the filing-number search (the costliest step),
    ///   for callers that do not report numbers, such as `list`.
    public static func read(
        source: ByteSource, location: Location, limits: Limits = .default, searchFilingNumbers: Bool = true
    ) -> AppRecord {
        let archive: ZipArchive
        do {
            archive = try ZipArchive(source: source, limits: limits)
        } catch let error as ZipError {
            var record = AppRecord(location: location, kind: "apk", size: source.size)
            let code = error == .notAZip ? "apk.not-a-zip" : "apk.zip-unreadable"
            record.errors.append(Diagnostic(.error, code, "\(error)", location: location))
            return record
        } catch {
            var record = AppRecord(location: location, kind: "apk", size: source.size)
            record.errors.append(Diagnostic(.error, "apk.unreadable", "\(error)", location: location))
            return record
        }
        let options = PackageReadOptions(limits: limits, searchFilingNumbers: searchFilingNumbers)
        return read(archive: archive, location: location, options: options)
    }

    /// Reads an APK already opened as a ZIP (given as one, a split of a set, an APK nested in another package).
    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        let limits = options.limits
        var record = AppRecord(location: location, kind: "apk", size: archive.source.size)
        record.warnings += archive.diagnostics.map { located($0, location) }

        var resources = LazyResources(archive: archive, limits: limits)
        let sandbox = readManifest(archive, &record, &resources, limits: limits)
        readSigners(archive, &record, targetSandboxVersion: sandbox, verify: options.verifySignatures)
        if options.searchFilingNumbers {
            var search = FilingSearch(archive: archive, limits: limits)
            search.run(metaData: record.metaData, resources: &resources)
            record.filingNumbers = search.numbers
            record.filingSystemLinks = search.links
            record.warnings += search.warnings.map { located($0, location) }
        }
        record.warnings += resources.diagnostics.map { located($0, location) }
        return record
    }

    private static func located(_ d: Diagnostic, _ location: Location) -> Diagnostic {
        var d = d
        if d.location == nil { d.location = location }
        return d
    }

    // MARK: - Manifest

    /// Returns the manifest's targetSandboxVersion, which signature verification needs.
    @discardableResult
    private static func readManifest(
        _ archive: ZipArchive, _ record: inout AppRecord, _ resources: inout LazyResources, limits: Limits
    ) -> Int? {
        let location = record.location
        guard let entry = archive.entry(named: "AndroidManifest.xml") else {
            record.errors.append(Diagnostic(.error, "apk.no-manifest", "no AndroidManifest.xml entry", location: location))
            return nil
        }
        let manifest: AndroidManifest
        do {
            let (_, local) = try archive.dataOffset(of: entry)
            record.warnings += archive.localHeaderDiagnostics(for: entry, local: local).map { located($0, location) }
            let bytes = try archive.data(of: entry)
            manifest = try AndroidManifest.parse(bytes, limits: limits)
        } catch {
            record.errors.append(Diagnostic(.error, "apk.manifest-unreadable", "AndroidManifest.xml: \(error)", location: location))
            return nil
        }
        record.warnings += manifest.warnings.map { located($0, location.appending("AndroidManifest.xml")) }
        record.package = manifest.package
        if record.package == nil {
            record.errors.append(Diagnostic(.error, "apk.no-package", "the manifest has no package name", location: location))
        }

        let code = integer(manifest.versionCode, &resources)
        let major = integer(manifest.versionCodeMajor, &resources) ?? 0
        if let code {
            record.versionCode = UInt64(UInt32(truncatingIfNeeded: major)) << 32 | UInt64(UInt32(truncatingIfNeeded: code))
        }
        record.versionName = text(manifest.versionName, &resources)
        if let minSdk = manifest.minSdkVersion {
            if let n = integer(minSdk, &resources) {
                record.minSdk = Int(n)
            } else if let name = text(minSdk, &resources) {
                if let n = Int(name) { record.minSdk = n } else { record.minSdkCodename = name }
            }
        }
        if let target = manifest.targetSdkVersion {
            if let n = integer(target, &resources) {
                record.targetSdk = Int(n)
            } else if let name = text(target, &resources), let n = Int(name) {
                record.targetSdk = n
            }
        }
        record.permissions = manifest.permissions
        record.usesInternet = manifest.permissions.contains(internetPermission)

        switch manifest.applicationLabel {
        case .reference(let id)?:
            if let table = resources.table {
                record.label = table.resolveString(id)
                record.labels = table.labelsForEveryLocale(id)
            } else {
                record.warnings.append(Diagnostic(.warning, "apk.unresolved-label",
                    "label refers to resource \(reference(id)) but resources.arsc is missing or unreadable",
                    location: location))
            }
        case let value?:
            record.label = value.literalText
        case nil:
            break
        }

        record.metaData = manifest.metaData.compactMap { element in
            guard let name = element.name else { return nil }
            var value: String? = nil
            if let v = element.value {
                if case .reference(let id) = v {
                    value = resources.table?.resolveString(id) ?? reference(id)
                } else {
                    value = v.literalText
                }
            }
            var resource: String? = nil
            if case .reference(let id)? = element.resource { resource = reference(id) }
            return AppRecord.MetaData(name: name, value: value, resource: resource)
        }
        return integer(manifest.targetSandboxVersion, &resources).map { Int(clamping: $0) }
    }

    private static func reference(_ id: UInt32) -> String {
        "@0x" + String(id, radix: 16).leftPadded(to: 8)
    }

    private static func integer(_ value: ResValue?, _ resources: inout LazyResources) -> Int64? {
        switch value {
        case .int(let n)?: return n
        case .string(let s)?: return Int64(s.trimmingSpaces)
        case .reference(let id)?:
            guard let s = resources.table?.resolveString(id) else { return nil }
            return Int64(s.trimmingSpaces)
        default: return nil
        }
    }

    private static func text(_ value: ResValue?, _ resources: inout LazyResources) -> String? {
        switch value {
        case .reference(let id)?: return resources.table?.resolveString(id)
        case let v?: return v.literalText
        case nil: return nil
        }
    }

    // MARK: - Signing

    /// Signers of every scheme present and, when `verify`, whether they verify (reads every byte).
    private static func readSigners(
        _ archive: ZipArchive, _ record: inout AppRecord, targetSandboxVersion: Int?, verify: Bool
    ) {
        let location = record.location
        var schemes: [String] = []
        var signers: [Signer] = []

        let v1 = jarSigners(archive, location: location)
        record.warnings += v1.warnings
        if !v1.signers.isEmpty {
            schemes.append("v1")
            signers += v1.signers
        }

        do {
            if let block = try APKSigningBlock.locate(in: archive.source, centralDirectoryOffset: archive.centralDirectoryOffset) {
                let found = APKSignatureSchemes.signers(in: block)
                schemes += found.schemes
                signers += found.signers
                record.warnings += found.diagnostics.map { located($0, location) }
            }
        } catch {
            record.warnings.append(Diagnostic(.warning, "signing.block-malformed", "APK Signing Block: \(error)", location: location))
        }
        record.signatureSchemes = schemes
        record.signers = signers
        guard verify else {
            record.verified = nil
            return
        }

        let verification = APKVerifier.verify(
            archive: archive, minSdk: record.minSdk, minSdkCodename: record.minSdkCodename, targetSdk: record.targetSdk,
            targetSandboxVersion: targetSandboxVersion)
        record.verified = verification.verified
        record.verificationFailure = verification.failure
        // An APK that claims no signature at all is simply unsigned (PS008 says so): no warning.
        if let failure = verification.failure, !schemes.isEmpty || !signers.isEmpty {
            record.warnings.append(APKVerification.diagnostic(failure, location: location))
        }
    }

    /// The JAR signature's signers (APK v1, App Bundles): each `META-INF/NAME.RSA|DSA|EC` beside its
    /// `NAME.SF`, with what was partial or unreadable as warnings located at `location`.
    static func jarSigners(_ archive: ZipArchive, location: Location) -> (signers: [Signer], warnings: [Diagnostic]) {
        var warnings: [Diagnostic] = []
        var blocks: [(path: String, bytes: [UInt8])] = []
        for entry in archive.entries where isSignatureBlockFile(entry.name) {
            // A block counts only beside its signature file, as in apksig's V1SchemeVerifier.
            let base = entry.name[..<(entry.name.lastIndex(of: ".") ?? entry.name.endIndex)]
            guard archive.entry(named: base + ".SF") != nil else {
                warnings.append(Diagnostic(.warning, "signing.v1-partial",
                    "partial JAR signature: \(entry.debugName) has no \(base).SF; its certificate is not a signer",
                    location: location))
                continue
            }
            do {
                blocks.append((entry.name, try archive.data(of: entry, maxBytes: 16 << 20)))
            } catch {
                warnings.append(Diagnostic(.warning, "signing.v1-unreadable", "\(error)", location: location))
            }
        }
        guard !blocks.isEmpty else { return ([], warnings) }
        let v1 = APKSignatureSchemes.v1Signers(signatureBlocks: blocks)
        return (v1.signers, warnings + v1.diagnostics.map { located($0, location) })
    }

    /// `META-INF/NAME.RSA|DSA|EC` directly under META-INF, the extension in any case.
    ///
    /// Byte-level, since it runs on every entry of every APK.
    static func isSignatureBlockFile(_ name: String) -> Bool {
        let bytes = name.utf8
        let prefix = "META-INF/".utf8
        guard bytes.count > prefix.count + 3, bytes.starts(with: prefix) else { return false }
        guard !bytes.dropFirst(prefix.count).contains(UInt8(ascii: "/")) else { return false }
        func upper(_ b: UInt8) -> UInt8 { b >= 0x61 && b <= 0x7a ? b - 0x20 : b }
        let tail = bytes.suffix(4).map(upper)
        return tail.elementsEqual(".RSA".utf8) || tail.elementsEqual(".DSA".utf8) || tail.dropFirst().elementsEqual(".EC".utf8)
    }
}

/// `resources.arsc`, read at most once and parsed only when something needs the table.
struct LazyResources {
    let archive: ZipArchive
    let limits: Limits
    private var loaded = false
    private var cached: ResourceTable?
    private var bytesRead = false
    private var cachedBytes: [UInt8]?
    private var readError: Error?
    private(set) var diagnostics: [Diagnostic] = []

    init(archive: ZipArchive, limits: Limits) {
        self.archive = archive
        self.limits = limits
    }

    var table: ResourceTable? {
        mutating get {
            if !loaded {
                loaded = true
                load()
            }
            return cached
        }
    }

    /// The entry's bytes, nil when it is missing or unreadable; reports nothing itself, so that
    /// the filing-number search adds no warning to packages whose manifest needs no resources.
    mutating func bytes() -> [UInt8]? {
        if !bytesRead {
            bytesRead = true
            if let entry = archive.entry(named: "resources.arsc") {
                do { cachedBytes = try archive.data(of: entry) } catch { readError = error }
            }
        }
        return cachedBytes
    }

    private mutating func load() {
        guard archive.entry(named: "resources.arsc") != nil else {
            diagnostics.append(Diagnostic(.warning, "apk.no-resources", "the manifest refers to resources but there is no resources.arsc"))
            return
        }
        guard let bytes = bytes() else {
            let reason = readError.map { "\($0)" } ?? "unreadable"
            diagnostics.append(Diagnostic(.warning, "apk.resources-unreadable", "resources.arsc: \(reason)"))
            return
        }
        do {
            let table = try ResourceTable(bytes: bytes, limits: limits)
            diagnostics += table.warnings
            cached = table
        } catch {
            diagnostics.append(Diagnostic(.warning, "apk.resources-unreadable", "resources.arsc: \(error)"))
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }

    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
