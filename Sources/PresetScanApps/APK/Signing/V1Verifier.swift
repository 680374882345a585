import Foundation
import PresetScanCore
import PresetScanCrypto
import PresetScanUnpack

/// Verifies an APK's JAR signature (v1) as apksig's `V1SchemeVerifier` does: each signer's PKCS#7
/// block over its .SF, the .SF over MANIFEST.MF (whole, or main section and named sections),
/// `X-Android-APK-Signed` stripping protection, and MANIFEST.MF digests over every entry.
struct V1Verifier {
    static let manifestName = "META-INF/MANIFEST.MF"
    /// Largest MANIFEST.MF or .SF read.
    static let maxManifestBytes = 64 << 20

    let archive: ZipArchive
    let minSdk: Int
    let maxSdk: Int
    let foundSchemeIDs: Set<UInt32>

    private func failure(_ reason: APKVerification.Reason, _ message: String) -> APKVerification.Failure {
        APKVerification.Failure("v1", reason, message)
    }

    /// The signers' certificates (each signer's first, DER, in signer order) when the JAR signature
    /// verifies: apksig compares them with the v2 and v3 signers.
    func verifySigners() -> Result<[[UInt8]], APKVerification.Failure> {
        func failure(_ reason: APKVerification.Reason, _ message: String) -> Result<[[UInt8]], APKVerification.Failure> {
            .failure(self.failure(reason, message))
        }
        var names = Set<String>()
        for entry in archive.entries {
            guard names.insert(entry.name).inserted else {
                return failure(.malformed, "Duplicate entry: \(entry.name)")
            }
        }
        guard let manifestEntry = archive.entry(named: Self.manifestName) else {
            return failure(.missingSignature, "Missing \(Self.manifestName)")
        }
        let manifestBytes: [UInt8]
        let manifest: JARManifest
        do {
            manifestBytes = try archive.data(of: manifestEntry, maxBytes: Self.maxManifestBytes)
            manifest = try JARManifest(manifestBytes)
        } catch {
            return failure(.malformed, "Failed to read \(Self.manifestName): \(error)")
        }

        // Signers: META-INF/NAME.RSA|DSA|EC beside META-INF/NAME.SF (apksig matches these suffixes).
        var signers: [(name: String, block: Zip.Entry, signatureFile: Zip.Entry)] = []
        for entry in archive.entries where Self.isSignerBlock(entry.name) {
            let base = String(entry.name[..<(entry.name.lastIndex(of: ".") ?? entry.name.endIndex)])
            guard let sf = archive.entry(named: base + ".SF") else { continue }
            signers.append((String(entry.name.dropFirst("META-INF/".count)), entry, sf))
        }
        guard !signers.isEmpty else { return failure(.missingSignature, "No JAR signatures") }

        var manifestSections: [String: JARManifest.Section] = [:]
        for section in manifest.sections {
            guard let name = section.name else { continue }
            guard manifestSections[name] == nil else {
                return failure(.malformed, "Duplicate \(Self.manifestName) section: \(name)")
            }
            manifestSections[name] = section
        }

        var signedEntries = Set<String>()
        var certificates: [[UInt8]] = []
        for signer in signers {
            switch verifySigner(signer, manifestBytes: manifestBytes, manifest: manifest, sections: manifestSections) {
            case .failure(let f): return .failure(f)
            case .success(let verified):
                signedEntries.formUnion(verified.names)
                if let certificate = verified.certificate { certificates.append(certificate) }
            }
        }

        // Every entry that needs protection has a manifest section with a matching digest.
        var present = Set<String>()
        for entry in archive.entries where Self.needsDigest(entry.name) {
            present.insert(entry.name)
            guard let section = manifestSections[entry.name] else {
                return failure(.contentMismatch, "\(entry.name) entry not protected by signature")
            }
            guard signedEntries.contains(entry.name) else {
                return failure(.contentMismatch, "\(entry.name) entry not signed by any signer")
            }
            let digests = Self.digests(in: section, suffix: "-Digest")
            guard !digests.isEmpty else {
                return failure(.malformed, "No digest for \(entry.name) in \(Self.manifestName)")
            }
            let data: [UInt8]
            do {
                data = try archive.data(of: entry)
            } catch {
                return failure(.contentMismatch, "Failed to read entry \(entry.name): \(error)")
            }
            for (algorithm, label, expected) in digests {
                guard let actual = try? IncrementalDigest.digest(algorithm, data), actual == expected else {
                    return failure(.contentMismatch,
                        "\(label) digest of \(entry.name) does not match the digest specified in \(Self.manifestName)")
                }
            }
        }
        for name in manifestSections.keys.sorted() where !present.contains(name) && Self.needsDigest(name) {
            return failure(.contentMismatch, "\(name) entry referenced by \(Self.manifestName) not found in the APK")
        }
        return .success(certificates)
    }

    /// One signer: PKCS#7 over the .SF, stripping protection, .SF digests over the manifest.
    /// Returns the entry names the signer's .SF covers and the signer's certificate.
    private func verifySigner(
        _ signer: (name: String, block: Zip.Entry, signatureFile: Zip.Entry), manifestBytes: [UInt8],
        manifest: JARManifest, sections: [String: JARManifest.Section]
    ) -> Result<(names: Set<String>, certificate: [UInt8]?), APKVerification.Failure> {
        let label = "JAR signer \(signer.name)"
        let sfName = signer.signatureFile.name
        let blockBytes: [UInt8]
        let sfBytes: [UInt8]
        do {
            blockBytes = try archive.data(of: signer.block, maxBytes: 16 << 20)
            sfBytes = try archive.data(of: signer.signatureFile, maxBytes: Self.maxManifestBytes)
        } catch {
            return .failure(failure(.malformed, "\(label): \(error)"))
        }
        do {
            try PKCS7.verifyDetached(der: blockBytes, content: sfBytes)
        } catch let error {
            if case .unreadable = error {
                return .failure(failure(.malformed, "\(label): Failed to parse JAR signature \(signer.block.name): \(error)"))
            }
            return .failure(failure(.signatureInvalid,
                "\(label): JAR signature \(signer.block.name) did not verify against \(sfName): \(error)"))
        }

        if let problem = Self.signerInfoProblem(blockBytes, block: signer.block.name, signatureFile: sfName) {
            return .failure(failure(problem.reason, "\(label): \(problem.message)"))
        }

        let sf: JARManifest
        do { sf = try JARManifest(sfBytes) } catch {
            return .failure(failure(.malformed, "\(label): Failed to parse \(sfName): \(error)"))
        }
        // Stripping protection (apksig: only where the platform range includes Android N+).
        if maxSdk >= APKVerifier.sdkN, let value = sf.main.value("X-Android-APK-Signed") {
            let known: Set<UInt32> = Set(APKVerifier.schemeIDs.values)
            for part in value.split(separator: ",") {
                let text = part.trimmingCharacters(in: .whitespaces)
                guard let id = UInt32(text), known.contains(id), !foundSchemeIDs.contains(id) else { continue }
                return .failure(failure(.stripped,
                    "\(label): JAR signature \(sfName) indicates the APK is signed using APK Signature Scheme v\(id) "
                        + "but no such signature was found. Signature stripped?"))
            }
        }

        var covered = Set<String>()
        let whole = Self.digests(in: sf.main, suffix: "-Digest-Manifest")
        var wholeVerified = false
        if !whole.isEmpty {
            wholeVerified = whole.allSatisfy { (try? IncrementalDigest.digest($0.algorithm, manifestBytes)) == $0.expected }
        }
        if !wholeVerified {
            let mainDigests = Self.digests(in: sf.main, suffix: "-Digest-Manifest-Main-Attributes")
            for (algorithm, name, expected) in mainDigests {
                guard (try? IncrementalDigest.digest(algorithm, Array(manifest.main.bytes))) == expected else {
                    return .failure(failure(.contentMismatch,
                        "\(label): \(name) digest of \(Self.manifestName) main section does not match the digest specified in \(sfName)"))
                }
            }
        }
        for section in sf.sections {
            guard let name = section.name else { continue }
            covered.insert(name)
            if wholeVerified { continue }
            guard let manifestSection = sections[name] else {
                return .failure(failure(.contentMismatch,
                    "\(label): \(name) entry referenced by \(sfName) not found in \(Self.manifestName)"))
            }
            let digests = Self.digests(in: section, suffix: "-Digest")
            guard !digests.isEmpty else {
                return .failure(failure(.malformed, "\(label): no digest for \(name) in \(sfName)"))
            }
            for (algorithm, algorithmName, expected) in digests {
                guard (try? IncrementalDigest.digest(algorithm, Array(manifestSection.bytes))) == expected else {
                    return .failure(failure(.contentMismatch,
                        "\(label): \(algorithmName) digest of \(Self.manifestName) section for \(name) does not match the digest specified in \(sfName)"))
                }
            }
        }
        if wholeVerified { covered.formUnion(sections.keys) }
        let certificate = (try? PKCS7.signerCertificates(der: blockBytes))?.first?.der
        return .success((covered, certificate))
    }

    /// apksig's rules on top of the PKCS#7 check: signed attributes must be unique and include a
    /// `data` content type; DSA with SHA-384/512 is refused from API 23 on (every range apksigner checks).
    static func signerInfoProblem(
        _ blockBytes: [UInt8], block: String, signatureFile: String
    ) -> (reason: APKVerification.Reason, message: String)? {
        guard let infos = try? PKCS7.signerInfos(der: blockBytes) else { return nil }
        for info in infos {
            if info.hasDuplicateSignedAttribute {
                return (.malformed, "Failed to parse JAR signature \(block): duplicate signed attribute")
            }
            if info.signedAttributeCount > 0 {
                guard let type = info.contentType else {
                    return (.signatureInvalid,
                        "Failed to verify JAR signature \(block) against \(signatureFile): No Content Type in signed attributes")
                }
                if type != "pkcs7-data" {
                    return (.signatureInvalid, "JAR signature \(block) did not verify against \(signatureFile)")
                }
            }
            if info.keyType == "DSA", ["SHA384", "SHA512"].contains(info.digestAlgorithm) {
                return (.unsupportedAlgorithm,
                    "JAR signature \(block) uses digest algorithm \(info.digestAlgorithm) with DSA, "
                        + "which is not supported on API Level(s) 23+ for which this APK is being verified")
            }
        }
        return nil
    }

    /// `NAME-Digest…` attributes of a section with a known algorithm, decoded from Base64.
    static func digests(in section: JARManifest.Section, suffix: String) -> [(algorithm: DigestAlgorithm, name: String, expected: [UInt8])] {
        let algorithms: [(String, DigestAlgorithm)] = [
            ("SHA-512", .sha512), ("SHA-384", .sha384), ("SHA-256", .sha256), ("SHA1", .sha1), ("SHA-1", .sha1), ("MD5", .md5),
        ]
        var out: [(DigestAlgorithm, String, [UInt8])] = []
        for (name, algorithm) in algorithms {
            guard let value = section.value(name + suffix) else { continue }
            let expected = Data(base64Encoded: value.trimmingCharacters(in: .whitespaces)).map { [UInt8]($0) } ?? []
            out.append((algorithm, name, expected))
        }
        return out
    }

    /// `META-INF/NAME.RSA|DSA|EC` directly under META-INF, upper-case extension (apksig).
    static func isSignerBlock(_ name: String) -> Bool {
        guard name.hasPrefix("META-INF/"), !name.dropFirst(9).contains("/") else { return false }
        return name.hasSuffix(".RSA") || name.hasSuffix(".DSA") || name.hasSuffix(".EC")
    }

    /// apksig `isJarEntryDigestNeededInManifest`: everything but directories and the signature files.
    static func needsDigest(_ name: String) -> Bool {
        if name.hasSuffix("/") { return false }
        guard name.hasPrefix("META-INF/") else { return true }
        let rest = name.dropFirst(9)
        if rest.contains("/") { return true }
        let upper = rest.uppercased()
        if upper == "MANIFEST.MF" { return false }
        return !(upper.hasSuffix(".SF") || upper.hasSuffix(".RSA") || upper.hasSuffix(".DSA") || upper.hasSuffix(".EC"))
    }
}
