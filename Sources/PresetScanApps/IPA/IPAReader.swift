import PresetScanCore
import PresetScanCrypto
import PresetScanUnpack

/// iOS app archive (SPEC §7 `ipa`): `Payload/*.app/Info.plist`, code signature, provisioning profile.
///
/// One record per archive: plug-ins, frameworks and a watch app are components of the app.
public enum IPAReader: PackageReader {
    public static let kinds = ["ipa"]
    public static let platform = Platform.ios
    public static let suffixes = [".ipa"]

    /// An IPA holds `Payload/NAME.app/Info.plist`.
    public static func accepts(_ archive: ZipArchive) -> Bool {
        archive.entries.contains { IPAReader.isMainInfoPlist($0.name) }
    }

    /// `Payload/NAME.app/Info.plist`, the main bundle's property list.
    static func isMainInfoPlist(_ name: String) -> Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 3 && parts[0] == "Payload" && parts[1].hasSuffix(".app") && parts[1].count > 4 && parts[2] == "Info.plist"
    }

    /// Largest localized strings file read for labels.
    static let maxStringsBytes = 1 << 20

    public static func read(archive: ZipArchive, location: Location, options: PackageReadOptions) -> AppRecord {
        var record = AppRecord(location: location, kind: "ipa", platform: .ios, size: archive.source.size)
        record.warnings += archive.diagnostics.map { $0.located(location) }
        // iOS has no network permission: every app may connect, so every app counts as using the Internet.
        record.usesInternet = true

        let apps = IPA.appDirectories(archive)
        guard let app = apps.first else {
            record.errors.append(Diagnostic(.error, "ipa.no-info-plist", "no Payload/NAME.app/Info.plist: not an iOS app archive", location: location))
            return record
        }
        if apps.count > 1 {
            record.warnings.append(Diagnostic(.warning, "ipa.multiple-apps",
                "\(apps.count) app bundles in Payload/ (\(apps.joined(separator: ", "))); \(app) is read", location: location))
        }
        let bundle = String(app.dropLast())
        let appName = String(bundle.dropFirst("Payload/".count).dropLast(".app".count))

        let info = readInfoPlist(archive, bundle: bundle, into: &record)
        readLabels(archive, app: app, into: &record)

        var search = options.searchFilingNumbers
            ? FilingSearch(archive: archive, limits: options.limits, classify: IPA.classify) : nil

        let mainSigners = readSigners(
            archive, executable: bundle + "/" + (info?.executable ?? appName), options: options, search: &search, into: &record)
        readProfile(archive, bundle: bundle, mainSigners: mainSigners, into: &record)
        readComponents(archive, app: app, mainSigners: mainSigners, options: options, search: &search, into: &record)

        if var found = search {
            found.runEntries()
            if let info { IPA.search(info.plist, source: bundle + "/Info.plist", into: &found) }
            record.warnings += IPA.searchPropertyLists(archive, limits: options.limits, skip: [bundle + "/Info.plist"], into: &found)
                .map { $0.located(location) }
            record.filingNumbers = found.numbers
            record.filingSystemLinks = found.links
            record.warnings += found.warnings.map { $0.located(location) }
        }
        return record
    }

    // MARK: - Code signature

    /// The main executable's signers become the record's; its string sections are searched here,
    /// so that its bytes are released before the components are read. Returns the signers' SHA-256.
    private static func readSigners(
        _ archive: ZipArchive, executable path: String, options: PackageReadOptions, search: inout FilingSearch?,
        into record: inout AppRecord
    ) -> [String] {
        let main = IPA.executable(archive, path: path, location: record.location, limits: options.limits)
        record.warnings += main.warnings
        if !main.signers.isEmpty {
            record.signatureSchemes = ["codesign"]
            record.signers = main.signers.map { Signer(scheme: "codesign", certificate: $0) }
        }
        if var active = search {
            record.warnings += IPA.searchSections(main, limits: options.limits, into: &active).map { $0.located(record.location) }
            search = active
        }
        return main.signerSha256
    }

    // MARK: - Info.plist

    private static func readInfoPlist(_ archive: ZipArchive, bundle: String, into record: inout AppRecord) -> IPA.InfoPlist? {
        let location = record.location
        let info: IPA.InfoPlist
        do {
            guard let read = try IPA.infoPlist(archive, bundle: bundle) else {
                record.errors.append(Diagnostic(.error, "ipa.no-info-plist", "\(bundle)/Info.plist is missing", location: location))
                return nil
            }
            info = read
        } catch {
            record.errors.append(Diagnostic(.error, "ipa.info-plist-unreadable", "\(bundle)/Info.plist: \(error)", location: location))
            return nil
        }
        record.package = info.bundleIdentifier
        if record.package == nil {
            record.errors.append(Diagnostic(.error, "ipa.no-bundle-id", "\(bundle)/Info.plist has no CFBundleIdentifier", location: location))
        }
        record.versionName = info.shortVersion
        record.build = info.bundleVersion
        record.label = info.displayName
        record.permissions = info.usageDescriptionKeys
        record.metaData = info.metaData
        return info
    }

    /// `NAME.lproj/InfoPlist.strings` of the main bundle: the display name per locale.
    private static func readLabels(_ archive: ZipArchive, app: String, into record: inout AppRecord) {
        let suffix = ".lproj/InfoPlist.strings"
        let files = archive.entries.map(\.name).filter { name in
            name.hasPrefix(app) && name.hasSuffix(suffix) && !name.dropFirst(app.count).dropLast(suffix.count).contains("/")
        }.sorted()
        for name in files {
            let lproj = String(name.dropFirst(app.count).dropLast(suffix.count))
            guard let locale = IPA.localeKey(lproj: lproj) else { continue }
            do {
                guard let bytes = try IPA.entryBytes(archive, name, maxBytes: maxStringsBytes) else { continue }
                let strings = try StringsFile.parse(bytes)
                guard let label = strings["CFBundleDisplayName"] ?? strings["CFBundleName"], record.labels[locale] == nil else { continue }
                record.labels[locale] = label
            } catch {
                record.warnings.append(Diagnostic(.warning, "ipa.strings-unreadable", "\(error)", location: record.location.appending(name)))
            }
        }
    }

    // MARK: - Provisioning profile

    private static func readProfile(_ archive: ZipArchive, bundle: String, mainSigners: [String], into record: inout AppRecord) {
        let path = bundle + "/" + IPA.ProvisioningProfile.fileName
        let here = record.location.appending(path)
        let profile: SigningProfile
        do {
            guard let bytes = try IPA.entryBytes(archive, path, maxBytes: IPA.ProvisioningProfile.maxBytes) else { return }
            profile = try IPA.ProvisioningProfile.read(bytes, source: path)
        } catch {
            record.warnings.append(Diagnostic(.warning, "ipa.profile-unreadable", "\(error)", location: here))
            return
        }
        record.profile = profile
        if let package = record.package, let pattern = profile.bundleName, !IPA.ProvisioningProfile.covers(pattern, bundleID: package) {
            record.warnings.append(Diagnostic(.warning, "ipa.profile-mismatch",
                "the provisioning profile is for \(profile.appIdentifier ?? pattern), not \(package)", location: here))
        }
        if !mainSigners.isEmpty, !profile.certificateSha256.isEmpty, Set(mainSigners).isDisjoint(with: profile.certificateSha256) {
            record.warnings.append(Diagnostic(.warning, "ipa.profile-certificate-mismatch",
                "the executable's signer is none of the profile's DeveloperCertificates", location: here))
        }
    }

    // MARK: - Components

    private static func readComponents(
        _ archive: ZipArchive, app: String, mainSigners: [String], options: PackageReadOptions, search: inout FilingSearch?,
        into record: inout AppRecord
    ) {
        let location = record.location
        for nested in IPA.nestedBundles(archive, app: app) {
            let fileName = String(nested.path.split(separator: "/").last ?? "")
            let baseName = fileName.lastIndex(of: ".").map { String(fileName[..<$0]) } ?? fileName
            var component = Component(path: nested.path, role: nested.role)
            var executablePath = nested.path
            if nested.isDylib {
                component.name = fileName
            } else {
                var info: IPA.InfoPlist?
                do {
                    info = try IPA.infoPlist(archive, bundle: nested.path)
                } catch {
                    record.warnings.append(Diagnostic(.warning, "ipa.component-unreadable",
                        "\(nested.path)/Info.plist: \(error)", location: location))
                }
                component.package = info?.bundleIdentifier
                component.name = info?.displayName ?? baseName
                executablePath = nested.path + "/" + (info?.executable ?? baseName)
            }
            let executable = IPA.executable(archive, path: executablePath, location: location, limits: options.limits)
            record.warnings += executable.warnings
            component.signerSha256 = executable.signerSha256
            // Another certificate: one that signs no slice of the main executable.
            if !mainSigners.isEmpty, !Set(component.signerSha256).isSubset(of: mainSigners) {
                record.warnings.append(Diagnostic(.warning, "ipa.component-signer-differs",
                    "\(nested.role) \(nested.path) is signed by another certificate (\(component.signerSha256.joined(separator: ", "))) than the app",
                    location: location))
            }
            if var active = search {
                record.warnings += IPA.searchSections(executable, limits: options.limits, into: &active).map { $0.located(location) }
                search = active
            }
            record.components.append(component)
        }
    }
}
