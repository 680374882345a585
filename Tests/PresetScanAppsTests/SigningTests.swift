import Foundation
import PresetScanCore
import PresetScanCrypto
import Testing

@testable import PresetScanApps

// MARK: - Builders for hand-made APK Signing Blocks

private func u32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
private func u64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
/// A u32-length-prefixed field, as used throughout v2/v3 blocks.
private func lp(_ bytes: [UInt8]) -> [UInt8] { u32(UInt32(bytes.count)) + bytes }
private func lpSequence(_ items: [[UInt8]]) -> [UInt8] { lp(items.flatMap(lp)) }

private func base64(_ text: String) -> [UInt8] { [UInt8](Data(base64Encoded: text) ?? Data()) }

/// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -subj /CN=ec-p256 -set_serial 7 -outform DER`
private let ecCertificate = base64(
    "MIIBaDCCAQ6gAwIBAgIBBzAKBggqhkjOPQQDAjASMRAwDgYDVQQDDAdlYy1wMjU2MCAXDTI2MTEyOTA4MDMwNFoYDzIxMjYxMTA1MDgwMzA0WjASMRAwDgYDVQQDDAdlYy1wMjU2MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEwTMa/PpxfzbCTVNLdaLnYloVGuDcxX4vwcDUhDU6slFtz5CwnvEibSLv8+OSJfWvWhxQNlKdc2Rgow2Rn8pcIKNTMFEwHQYDVR0OBBYEFMx0Zk/nN5mp+aI/rNVVW4ycmIYVMB8GA1UdIwQYMBaAFMx0Zk/nN5mp+aI/rNVVW4ycmIYVMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAOozRWCpEraXksOLGLLYRijOkLLpo+u0HhjlFMCKQdEaAiBu03W79QhNP+yW8vqZlBUjAk8qnEqadXk1VigA/CrhHA=="
)
/// `openssl req -x509 -newkey ed25519 -subj /CN=ed25519 -set_serial 8 -outform DER`
private let edCertificate = base64(
    "MIIBJzCB2qADAgECAgEIMAUGAytlcDASMRAwDgYDVQQDDAdlZDI1NTE5MCAXDTI2MTEyOTA4MDMwNFoYDzIxMjYxMTA1MDgwMzA0WjASMRAwDgYDVQQDDAdlZDI1NTE5MCowBQYDK2VwAyEAj0mKNBbJGHzfH/zFqPW+MOxD2VWvTEC5m9cV5CY2mumjUzBRMB0GA1UdDgQWBBTUSIqO1o6yNvzjrWgEYYfzIbWAGTAfBgNVHSMEGDAWgBTUSIqO1o6yNvzjrWgEYYfzIbWAGTAPBgNVHRMBAf8EBTADAQH/MAUGAytlcANBAJMz5om5EiLSaGxZ8G0iFaWhdtPEaCPNAiARRfKR2Hh9eCC08EplqrFpvw394djm2EwapPeb7u2kLQriaJH2tgU="
)

private func attribute(_ id: UInt32, _ value: [UInt8]) -> [UInt8] { lp(u32(id) + value) }

/// A v2 signer: signed data (digests, certificates, attributes), signatures, public key.
private func v2Signer(certificates: [[UInt8]], attributes: [[UInt8]] = [], publicKey: [UInt8]? = nil) -> [UInt8] {
    let digests = lpSequence([u32(0x0103) + lp([UInt8](repeating: 1, count: 32))])
    let signedData = digests + lpSequence(certificates) + lp(attributes.flatMap { $0 })
    let signatures = lpSequence([u32(0x0103) + lp([2, 2, 2])])
    let key = publicKey ?? ((try? X509Certificate(der: certificates.first ?? []))?.subjectPublicKeyInfo ?? [])
    return lp(signedData) + signatures + lp(key)
}

/// A v3/v3.1 signer: signed data (digests, certificates, min/max SDK, attributes), min/max SDK, signatures, public key.
private func v3Signer(
    certificates: [[UInt8]], minSdk: UInt32, maxSdk: UInt32, attributes: [[UInt8]] = [], outerMinSdk: UInt32? = nil
) -> [UInt8] {
    let digests = lpSequence([u32(0x0103) + lp([UInt8](repeating: 1, count: 32))])
    let signedData = digests + lpSequence(certificates) + u32(minSdk) + u32(maxSdk) + lp(attributes.flatMap { $0 })
    let signatures = lpSequence([u32(0x0103) + lp([2, 2, 2])])
    let key = (try? X509Certificate(der: certificates.first ?? []))?.subjectPublicKeyInfo ?? []
    return lp(signedData) + u32(outerMinSdk ?? minSdk) + u32(maxSdk) + signatures + lp(key)
}

/// A scheme block value: a length-prefixed sequence of length-prefixed signers.
private func schemeBlock(_ signers: [[UInt8]]) -> [UInt8] { lpSequence(signers) }

/// An APK Signing Block with `pairs`, followed by a fake central directory.
private func signingBlockFile(_ pairs: [(UInt32, [UInt8])], prefix: Int = 100) -> (bytes: [UInt8], cd: UInt64) {
    let body = pairs.flatMap { u64(UInt64($0.1.count + 4)) + u32($0.0) + $0.1 }
    let size = UInt64(body.count + 8 + 16)
    let block = u64(size) + body + u64(size) + Array("APK Sig Block 42".utf8)
    let bytes = [UInt8](repeating: 0x50, count: prefix) + block + [0x50, 0x4b, 0x01, 0x02]
    return (bytes, UInt64(prefix + block.count))
}

private func locate(_ file: (bytes: [UInt8], cd: UInt64)) throws -> APKSigningBlock? {
    try APKSigningBlock.locate(in: MemoryByteSource(file.bytes), centralDirectoryOffset: file.cd)
}

private func codes(_ diagnostics: [Diagnostic]) -> [String] { diagnostics.map(\.code) }

// MARK: - Unit tests

@Suite struct SigningBlockTests {
    @Test func locatesPairsInOrderWithDuplicates() throws {
        let file = signingBlockFile([(0x4272_6577, [0, 0, 0]), (7, [1]), (7, [2])], prefix: 10)
        let block = try #require(try locate(file))
        #expect(block.offset == 10)
        #expect(block.pairs.map(\.id) == [0x4272_6577, 7, 7])
        #expect(block.pairs.map(\.value) == [[0, 0, 0], [1], [2]])
        #expect(block.pairs[0].valueOffset == 10 + 8 + 12)
        #expect(block.diagnostics.isEmpty)
    }

    @Test func noMagicMeansNoBlock() throws {
        var file = signingBlockFile([(7, [1])])
        file.bytes[Int(file.cd) - 1] = 0x41
        #expect(try locate(file) == nil)
        #expect(try APKSigningBlock.locate(in: MemoryByteSource([1, 2, 3]), centralDirectoryOffset: 2) == nil)
        #expect(try APKSigningBlock.locate(in: MemoryByteSource([]), centralDirectoryOffset: 0) == nil)
    }

    @Test func inconsistentSizesThrow() {
        // Header size differs from footer size.
        var file = signingBlockFile([(7, [1, 2, 3])])
        file.bytes[100] ^= 0x01
        #expect(throws: ParseError.self) { try locate(file) }
        // Footer size larger than the data before the central directory.
        file = signingBlockFile([(7, [1])], prefix: 0)
        let footer = Int(file.cd) - 24
        for (index, byte) in u64(UInt64(file.cd)).enumerated() { file.bytes[footer + index] = byte }
        #expect(throws: ParseError.self) { try locate(file) }
        // Huge and smaller-than-footer sizes.
        for size: UInt64 in [UInt64.max, UInt64.max - 7, 65 << 20, 23, 0] {
            file = signingBlockFile([(7, [1])])
            for (index, byte) in u64(size).enumerated() { file.bytes[Int(file.cd) - 24 + index] = byte }
            #expect(throws: ParseError.self) { try locate(file) }
        }
    }

    @Test func malformedPairKeepsEarlierPairs() throws {
        let good = u64(5) + u32(7) + [9]
        let bad = u64(3) + [0, 0, 0]  // length below the 4-byte id
        let body = good + bad
        let size = UInt64(body.count + 24)
        let bytes = u64(size) + body + u64(size) + Array("APK Sig Block 42".utf8)
        let block = try #require(try APKSigningBlock.locate(in: MemoryByteSource(bytes), centralDirectoryOffset: UInt64(bytes.count)))
        #expect(block.pairs.map(\.id) == [7])
        #expect(codes(block.diagnostics) == ["signing.block-malformed"])
        #expect(codes(APKSignatureSchemes.signers(in: block).diagnostics) == ["signing.block-malformed"])
    }
}

@Suite struct SigningSchemeTests {
    @Test func v2v3v31SignersFromHandBuiltBlock() throws {
        let ec = try X509Certificate(der: ecCertificate)
        let lineage = u32(1) + lp(lp(lp(ecCertificate) + u32(0x0201)) + u32(0) + u32(0x0201) + lp([3]))
            + lp(lp(lp(edCertificate) + u32(0x0201)) + u32(0) + u32(0) + lp([]))
        let file = signingBlockFile([
            (APKSignatureSchemes.v2ID, schemeBlock([v2Signer(certificates: [ecCertificate, edCertificate])])),
            (0x2146_444e, [1, 2, 3]),  // Play frosting: ignored
            (APKSignatureSchemes.v3ID, schemeBlock([
                v3Signer(
                    certificates: [edCertificate], minSdk: 28, maxSdk: 32,
                    attributes: [
                        attribute(APKSignatureSchemes.proofOfRotationAttributeID, lineage),
                        attribute(APKSignatureSchemes.rotationMinSdkAttributeID, u32(33)),
                    ])
            ])),
            (APKSignatureSchemes.v31ID, schemeBlock([v3Signer(certificates: [ecCertificate], minSdk: 33, maxSdk: 0x7fff_ffff)])),
            (APKSignatureSchemes.v2ID, schemeBlock([v2Signer(certificates: [edCertificate])])),  // duplicate: ignored
            (0x4272_6577, [UInt8](repeating: 0, count: 64)),  // verity padding: ignored
        ])
        let block = try #require(try locate(file))
        let result = APKSignatureSchemes.signers(in: block)
        #expect(result.schemes == ["v2", "v3", "v3.1"])
        #expect(result.signers.map(\.scheme) == ["v2", "v3", "v3.1"])
        #expect(result.signers.map(\.subject) == ["CN=ec-p256", "CN=ed25519", "CN=ec-p256"])
        #expect(result.signers[0] == Signer(scheme: "v2", certificate: ec))
        #expect(result.signers[0].minSdk == nil && result.signers[0].maxSdk == nil)
        #expect(result.signers[1].minSdk == 28 && result.signers[1].maxSdk == 32)
        #expect(result.signers[2].minSdk == 33 && result.signers[2].maxSdk == 0x7fff_ffff)
        #expect(result.signers[1].publicKeyAlgorithm == "Ed25519")
        #expect(codes(result.diagnostics).sorted() == ["signing.duplicate-block", "signing.v3-rotation"])
        let rotation = try #require(result.diagnostics.first { $0.code == "signing.v3-rotation" })
        #expect(rotation.severity == .info)
        #expect(rotation.message.contains("2 certificates"))
        #expect(rotation.message.contains(Digest.sha256(ecCertificate).hexString))
    }

    @Test func signerFieldsMatchCertificate() throws {
        let signer = Signer(scheme: "v1", certificate: try X509Certificate(der: ecCertificate))
        #expect(signer.md5 == Digest.md5(ecCertificate).hexString)
        #expect(signer.sha1.count == 40)
        #expect(signer.sha256 == Digest.sha256(ecCertificate).hexString)
        #expect(signer.serialNumber == "7")
        #expect(signer.publicKeyBits == 256)
        #expect(signer.rsaModulusHex == nil && signer.rsaModulusDecimal == nil)
    }

    @Test func strippedSchemesAreReported() throws {
        let v2 = v2Signer(certificates: [ecCertificate], attributes: [attribute(APKSignatureSchemes.strippingProtectionAttributeID, u32(3))])
        let v3 = v3Signer(
            certificates: [ecCertificate], minSdk: 24, maxSdk: 32,
            attributes: [attribute(APKSignatureSchemes.rotationMinSdkAttributeID, u32(33))])
        var result = APKSignatureSchemes.signers(in: try #require(try locate(signingBlockFile([(APKSignatureSchemes.v2ID, schemeBlock([v2]))]))))
        #expect(codes(result.diagnostics) == ["signing.v3-stripped"])
        #expect(result.signers.count == 1)
        result = APKSignatureSchemes.signers(
            in: try #require(try locate(signingBlockFile([(APKSignatureSchemes.v2ID, schemeBlock([v2])), (APKSignatureSchemes.v3ID, schemeBlock([v3]))]))))
        #expect(codes(result.diagnostics) == ["signing.v31-stripped"])
    }

    @Test func inconsistentSignersGiveWarnings() throws {
        let mismatchedKey = v2Signer(certificates: [ecCertificate], publicKey: [1, 2, 3])
        let sdkMismatch = v3Signer(certificates: [ecCertificate], minSdk: 28, maxSdk: 30, outerMinSdk: 24)
        let result = APKSignatureSchemes.signers(
            in: try #require(try locate(signingBlockFile([
                (APKSignatureSchemes.v2ID, schemeBlock([mismatchedKey])), (APKSignatureSchemes.v3ID, schemeBlock([sdkMismatch])),
            ]))))
        #expect(codes(result.diagnostics) == ["signing.v2-public-key-mismatch", "signing.v3-sdk-mismatch"])
        #expect(result.signers.count == 2)
        #expect(result.signers[1].minSdk == 28)
    }

    @Test func brokenSignersGiveDiagnosticsAndTheRestContinues() throws {
        let good = v2Signer(certificates: [ecCertificate])
        let noCertificate = v2Signer(certificates: [])
        let badCertificate = v2Signer(certificates: [[0x30, 0x03, 0x02, 0x01, 0x01]])
        let truncated = Array(good.prefix(good.count - 10))
        let value = lp(lp(noCertificate) + lp(badCertificate) + lp(truncated) + lp(good))
        let result = APKSignatureSchemes.signers(in: APKSigningBlock(offset: 0, pairs: [.init(id: APKSignatureSchemes.v2ID, value: value)]))
        #expect(result.schemes == ["v2"])
        #expect(result.signers.map(\.subject) == ["CN=ec-p256"])
        #expect(codes(result.diagnostics) == ["signing.v2-no-certificate", "signing.v2-bad-certificate", "signing.v2-malformed"])

        let empty = APKSignatureSchemes.signers(in: APKSigningBlock(offset: 0, pairs: [.init(id: APKSignatureSchemes.v3ID, value: lp([]))]))
        #expect(empty.schemes == ["v3"] && empty.signers.isEmpty)
        #expect(codes(empty.diagnostics) == ["signing.v3-no-signers"])
    }

    @Test func hugeAndTruncatedLengthsNeverTrap() throws {
        let v2 = schemeBlock([v2Signer(certificates: [ecCertificate]), v2Signer(certificates: [edCertificate])])
        let v3 = schemeBlock([
            v3Signer(
                certificates: [edCertificate], minSdk: 28, maxSdk: 0x7fff_ffff,
                attributes: [attribute(APKSignatureSchemes.proofOfRotationAttributeID, u32(1) + lp(lp(lp(ecCertificate))))])
        ])
        for (id, value) in [(APKSignatureSchemes.v2ID, v2), (APKSignatureSchemes.v3ID, v3)] {
            for length in 0..<value.count {
                let result = APKSignatureSchemes.signers(in: APKSigningBlock(offset: 0, pairs: [.init(id: id, value: Array(value.prefix(length)))]))
                #expect(!result.diagnostics.isEmpty)
            }
            for index in stride(from: 0, to: value.count, by: 1) where index < 64 || index % 13 == 0 {
                for replacement: [UInt8] in [[0xff, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0x7f], [0, 0, 0, 0]] {
                    var mutated = value
                    for (offset, byte) in replacement.enumerated() where index + offset < mutated.count {
                        mutated[index + offset] = byte
                    }
                    _ = APKSignatureSchemes.signers(in: APKSigningBlock(offset: 0, pairs: [.init(id: id, value: mutated)]))
                }
            }
        }
        // Every truncation of a whole signing block file either locates, returns nil or throws.
        let file = signingBlockFile([(APKSignatureSchemes.v2ID, v2), (APKSignatureSchemes.v3ID, v3)])
        for cut in stride(from: 0, through: file.bytes.count, by: 3) {
            let source = MemoryByteSource(Array(file.bytes.prefix(cut)))
            if let block = try? APKSigningBlock.locate(in: source, centralDirectoryOffset: UInt64(cut)) {
                _ = APKSignatureSchemes.signers(in: block)
            }
            _ = try? APKSigningBlock.locate(in: source, centralDirectoryOffset: file.cd)
        }
    }

    @Test func tooManySignersAreCapped() {
        let value = lp(Array(repeating: lp([]), count: 1000).flatMap { $0 })
        let result = APKSignatureSchemes.signers(in: APKSigningBlock(offset: 0, pairs: [.init(id: APKSignatureSchemes.v2ID, value: value)]))
        #expect(result.diagnostics.count == APKSignatureSchemes.maxSignersPerBlock + 1)
        #expect(result.diagnostics.last?.code == "signing.v2-too-many-signers")
    }

    @Test func signatureBlockPaths() {
        #expect(APKSignatureSchemes.isSignatureBlockPath("META-INF/CERT.RSA"))
        #expect(APKSignatureSchemes.isSignatureBlockPath("META-INF/cert.rsa"))
        #expect(APKSignatureSchemes.isSignatureBlockPath("META-INF/A.Ec"))
        #expect(APKSignatureSchemes.isSignatureBlockPath("META-INF/x/KEY.DSA"))
        #expect(!APKSignatureSchemes.isSignatureBlockPath("META-INF/CERT.SF"))
        #expect(!APKSignatureSchemes.isSignatureBlockPath("assets/CERT.RSA"))
        #expect(!APKSignatureSchemes.isSignatureBlockPath("meta-inf/CERT.RSA"))
    }

    @Test func v1BrokenBlocksGiveDiagnostics() {
        let result = APKSignatureSchemes.v1Signers(signatureBlocks: [
            (path: "META-INF/CERT.RSA", bytes: [0x30, 0x03, 0x02, 0x01, 0x01]),
            (path: "META-INF/CERT.SF", bytes: [1, 2, 3]),  // not a block: ignored
            (path: "META-INF/X.EC", bytes: ecCertificate),  // a bare certificate is not PKCS#7
        ])
        #expect(result.signers.isEmpty)
        #expect(codes(result.diagnostics) == ["signing.v1-malformed", "signing.v1-malformed"])
    }
}

// MARK: - SigningCorpus: Google's apksig test vectors

/// What one corpus APK yields.
struct SigningCorpusResult {
    var name: String
    var schemes: [String] = []
    var signers: [Signer] = []
    var diagnostics: [Diagnostic] = []
    var blockError: String?
}

enum SigningCorpus {
    static let directory = "/usr/share/doc/androguard/examples/signing/apksig"

    static var apks: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".apk") }.sorted()
    }

    /// Central directory offset from the End of Central Directory record (no ZIP64; enough for the corpus).
    static func centralDirectoryOffset(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.count >= 22 else { return nil }
        var index = bytes.count - 22
        let lowest = max(0, bytes.count - 22 - 0xffff)
        while index >= lowest {
            if bytes[index] == 0x50, bytes[index + 1] == 0x4b, bytes[index + 2] == 0x05, bytes[index + 3] == 0x06 {
                let commentLength = Int(bytes[index + 20]) | Int(bytes[index + 21]) << 8
                if index + 22 + commentLength == bytes.count {
                    return UInt64(bytes[index + 16]) | UInt64(bytes[index + 17]) << 8 | UInt64(bytes[index + 18]) << 16
                        | UInt64(bytes[index + 19]) << 24
                }
            }
            index -= 1
        }
        return nil
    }

    static func run(_ arguments: [String]) -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return Data() }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }

    /// META-INF signature block files, extracted with `unzip` (the real ZIP reader lives elsewhere).
    static func signatureBlocks(_ path: String) -> [(path: String, bytes: [UInt8])] {
        let names = String(decoding: run(["-Z1", path]), as: UTF8.self).split(separator: "\n").map(String.init)
        return names.filter(APKSignatureSchemes.isSignatureBlockPath).map { name in
            (path: name, bytes: [UInt8](run(["-p", path, name])))
        }
    }

    static func inspect(_ name: String) -> SigningCorpusResult {
        var result = SigningCorpusResult(name: name)
        let path = "\(directory)/\(name)"
        guard let bytes = FileManager.default.contents(atPath: path).map({ [UInt8]($0) }) else { return result }
        if let cd = centralDirectoryOffset(bytes) {
            do {
                if let block = try APKSigningBlock.locate(in: MemoryByteSource(bytes), centralDirectoryOffset: cd) {
                    let found = APKSignatureSchemes.signers(in: block)
                    result.schemes = found.schemes
                    result.signers = found.signers
                    result.diagnostics = found.diagnostics
                }
            } catch {
                result.blockError = "\(error)"
            }
        }
        let v1 = APKSignatureSchemes.v1Signers(signatureBlocks: signatureBlocks(path))
        if !v1.signers.isEmpty { result.schemes.insert("v1", at: 0) }
        result.signers = v1.signers + result.signers
        result.diagnostics = v1.diagnostics + result.diagnostics
        return result
    }
}

@Suite struct SigningCorpusTests {
    @Test(.enabled(if: FileManager.default.fileExists(atPath: SigningCorpus.directory)))
    func corpusNeverTrapsAndMatchesKnownSigners() throws {
        let names = SigningCorpus.apks
        #expect(names.count > 300)
        var results: [String: SigningCorpusResult] = [:]
        for name in names { results[name] = SigningCorpus.inspect(name) }

        // Values printed by `apksigner verify --print-certs -v` for these vectors.
        let rsa2048 = "fb5dbd3c669af9fc236c6991e6387b7f11ff0590997f22d0f5c74ff40e04fca8"
        let lineage = try #require(results["golden-aligned-v1v2v3-lineage-out.apk"])
        #expect(lineage.schemes == ["v1", "v2", "v3"])
        #expect(lineage.signers.map(\.sha256) == [rsa2048, rsa2048, "681b0e56a796350c08647352a4db800cc44b2adc8f4c72fa350bd05d4d50264d"])
        #expect(lineage.signers.last?.md5 == "186598cfdd4bcb1fc138f6c5a18369eb")
        #expect(lineage.signers.last?.publicKeySha256 == "a012606d81829cac18a88dff818652ab582961c03a4ecceb1475c4fbe30d7dce")
        #expect(lineage.diagnostics.contains { $0.code == "signing.v3-rotation" })

        let bag = try #require(results["v1-only-pkcs7-cert-bag-first-cert-not-used.apk"])
        #expect(bag.signers.map(\.sha256) == [rsa2048])

        let two = try #require(results["two-signers.apk"])
        #expect(Set(two.signers.filter { $0.scheme == "v2" }.map(\.sha256))
            == [rsa2048, "6a8b96e278e58f62cfe3584022cec1d0527fcb85a9e5d2e1694eb0405be5b599"])

        let p384 = try #require(results["v3-only-with-ecdsa-sha512-p384.apk"])
        #expect(p384.signers.map(\.sha256) == ["5e7777ada7ee7ce8f9c4d1b07094876e5604617b7988b4c5d5b764a23431afbe"])
        #expect(p384.signers.first?.publicKeySha256 == "0ddfed487f485f5361736634ad0f73d83560a221487e89bdd866688d5be73a0a")
        #expect(p384.signers.first?.publicKeyBits == 384)

        #expect(results["v2-only-apk-sig-block-size-mismatch.apk"]?.blockError != nil)
        #expect(results["v2-only-wrong-apk-sig-block-magic.apk"]?.schemes == [])
        #expect(results["v2-only-cert-and-public-key-mismatch.apk"]?.diagnostics.contains { $0.code == "signing.v2-public-key-mismatch" } == true)
        #expect(results["v2v3-signed-v3-block-stripped.apk"]?.diagnostics.contains { $0.code == "signing.v3-stripped" } == true)

        // For the comparison script: PRESETSCAN_SIGNING_DUMP=/path writes one line per signer/diagnostic.
        if let dump = ProcessInfo.processInfo.environment["PRESETSCAN_SIGNING_DUMP"] {
            var lines: [String] = []
            for name in names {
                guard let result = results[name] else { continue }
                lines.append([name, "schemes", result.schemes.joined(separator: ",")].joined(separator: "\t"))
                if let error = result.blockError { lines.append([name, "block-error", error].joined(separator: "\t")) }
                for s in result.signers {
                    lines.append([
                        name, "signer", s.scheme, s.sha256, s.sha1, s.md5, s.publicKeyAlgorithm, "\(s.publicKeyBits)",
                        s.publicKeySha256, s.minSdk.map(String.init) ?? "-", s.maxSdk.map(String.init) ?? "-", s.subject,
                    ].joined(separator: "\t"))
                }
                for d in result.diagnostics {
                    lines.append([name, "diag", d.severity.rawValue, d.code, d.message].joined(separator: "\t"))
                }
            }
            try lines.joined(separator: "\n").appending("\n").write(toFile: dump, atomically: true, encoding: .utf8)
        }
    }
}
