import PresetScanCore
import PresetScanCrypto
import PresetScanUnpack

extension RPK {
    /// The RPK signing block (hap-toolkit `signature/algorithm`, hapjs `SignatureVerifier`): the APK
    /// Signing Block layout right before the central directory, with the magic `RPK Sig Block 42`.
    ///
    /// The signature pair (`0x01000101`; `0x01000102` when digests are over 1 MiB chunks) holds an
    /// APK Signature Scheme v2 signer sequence: signed data (digests, DER certificates, attributes),
    /// signatures, public key. hap-toolkit signs with RSA PKCS#1 v1.5 SHA-256 (`0x0103`) and one
    /// certificate. A platform-signed split package has `0x02000101`/`0x02000102` instead, and
    /// `0x01000201` carries a signed per-file digest list. The runtime takes the first certificate
    /// of the first signer as the app's certificate. Nothing here verifies a signature.
    enum SigningBlock {
        static let magic: [UInt8] = Array("RPK Sig Block 42".utf8)
        static let signatureID: UInt32 = 0x0100_0101
        static let smallChunkSignatureID: UInt32 = 0x0100_0102
        static let fileListID: UInt32 = 0x0100_0201
        static let platformSignatureID: UInt32 = 0x0200_0101
        static let platformSmallChunkSignatureID: UInt32 = 0x0200_0102
        /// Signers beyond this many are not read.
        static let maxSigners = 64

        struct Result {
            /// The magic is there (the package claims a signature), readable or not.
            var present = false
            var signers: [Signer] = []
            /// Code `rpk.signature-malformed` (or `-public-key-mismatch`), all warnings.
            var warnings: [Diagnostic] = []
        }

        static func read(_ archive: ZipArchive) -> Result {
            read(source: archive.source, centralDirectoryOffset: archive.centralDirectoryOffset)
        }

        static func read(source: ByteSource, centralDirectoryOffset: UInt64) -> Result {
            var result = Result()
            func malformed(_ message: String) {
                result.warnings.append(Diagnostic(.warning, "rpk.signature-malformed", message))
            }
            let block: APKSigningBlock?
            do {
                block = try APKSigningBlock.locate(
                    in: source, centralDirectoryOffset: centralDirectoryOffset, magic: magic, name: "RPK signing block")
            } catch {
                result.present = true
                malformed("\(error)")
                return result
            }
            guard let block else { return result }
            result.present = true
            for diagnostic in block.diagnostics { malformed(diagnostic.message) }

            let developer = block.pairs.first { $0.id == signatureID || $0.id == smallChunkSignatureID }
            let platform = block.pairs.first { $0.id == platformSignatureID || $0.id == platformSmallChunkSignatureID }
            guard let pair = developer ?? platform else {
                let ids = block.pairs.map { "0x" + String($0.id, radix: 16) }.joined(separator: ", ")
                malformed("the RPK signing block at offset \(block.offset) has no signature pair (ids: \(ids.isEmpty ? "none" : ids))")
                return result
            }

            var value = ByteReader(pair.value, base: pair.valueOffset, structure: "RPK signature")
            var sequence: ByteReader
            do {
                sequence = try value.lengthPrefixed(structure: "RPK signers")
            } catch {
                malformed("\(error)")
                return result
            }
            if sequence.isAtEnd { malformed("the RPK signature at offset \(pair.valueOffset) has no signer") }
            var index = 0
            while !sequence.isAtEnd {
                index += 1
                guard index <= maxSigners else {
                    malformed("more than \(maxSigners) signers; the rest are not read")
                    break
                }
                let window: ByteReader
                do {
                    window = try sequence.lengthPrefixed(structure: "RPK signer")
                } catch {
                    malformed("signer #\(index): \(error)")
                    break
                }
                do {
                    // Same layout as a v2 signer, so the APK parser reads it.
                    let parsed = try SignatureSchemeSigner(window, scheme: .v2)
                    guard let first = parsed.certificates.first else {
                        malformed("signer #\(index) at offset \(parsed.offset) has no certificate")
                        continue
                    }
                    let certificate = try X509Certificate.decoded(der: first.windowBytes)
                    if parsed.publicKey.windowBytes != certificate.subjectPublicKeyInfo {
                        result.warnings.append(Diagnostic(
                            .warning, "rpk.signature-public-key-mismatch",
                            "signer #\(index): the public key field differs from the certificate's public key"))
                    }
                    let signer = Signer(scheme: "rpk", certificate: certificate)
                    if !result.signers.contains(signer) { result.signers.append(signer) }
                } catch {
                    malformed("signer #\(index) (APK Signature Scheme v2 layout): \(error)")
                }
            }
            return result
        }
    }
}
