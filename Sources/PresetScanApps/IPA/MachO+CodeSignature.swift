import PresetScanCore
import PresetScanCrypto

extension MachO {
    /// The embedded code signature (xnu `cs_blobs.h`): a big-endian SuperBlob
    /// (`CSMAGIC_EMBEDDED_SIGNATURE` 0xfade0cc0) indexing blobs by slot; slot
    /// `CSSLOT_SIGNATURESLOT` (0x10000) holds a `CSMAGIC_BLOBWRAPPER` (0xfade0b01) whose payload is
    /// the CMS SignedData over the CodeDirectory. An ad-hoc signature has an empty wrapper or none.
    enum SuperBlob {
        static let embeddedSignatureMagic: UInt32 = 0xFADE_0CC0
        static let blobWrapperMagic: UInt32 = 0xFADE_0B01
        static let codeDirectoryMagic: UInt32 = 0xFADE_0C02
        static let signatureSlot: UInt32 = 0x10000
        static let codeDirectorySlot: UInt32 = 0
        /// Index entries accepted (real signatures have under a dozen).
        static let maxBlobs = 256
        /// Largest signature read: CodeDirectories of very large executables run to a few megabytes.
        static let maxSignatureBytes = 64 << 20
        /// Largest CMS blob read.
        static let maxCMSBytes = 4 << 20

        /// What one slice's signature holds.
        struct Contents {
            /// The CMS blob's DER; nil when the signature has no signature slot, empty when ad-hoc.
            var cms: [UInt8]?
            /// Whether a CodeDirectory is indexed.
            var hasCodeDirectory: Bool
        }

        /// Reads the SuperBlob of `slice`, bounded by the slice and the file.
        static func read(_ slice: Slice, in source: ByteSource) throws -> Contents? {
            guard let signature = slice.codeSignature else { return nil }
            let structure = "code signature SuperBlob"
            let start = UInt64(signature.offset)
            let length = UInt64(signature.size)
            guard start + length <= slice.size else {
                throw ParseError(structure, at: slice.offset + start,
                    "LC_CODE_SIGNATURE names \(length) bytes at \(start), past the end of the \(slice.size)-byte \(slice.architecture) slice")
            }
            guard length >= 12, length <= UInt64(maxSignatureBytes) else {
                throw ParseError(structure, at: slice.offset + start, "size \(length) outside 12...\(maxSignatureBytes)")
            }
            let base = slice.offset + start
            var header = ByteReader(try source.read(at: base, count: 12), base: base, structure: structure)
            let magic = try header.u32be()
            guard magic == embeddedSignatureMagic else {
                throw ParseError(structure, at: base, "magic 0x\(String(magic, radix: 16)), not 0xfade0cc0")
            }
            let blobLength = UInt64(try header.u32be())
            let count = Int(try header.u32be())
            guard blobLength >= 12, blobLength <= length else {
                throw ParseError(structure, at: base + 4, "length \(blobLength) outside the \(length)-byte signature")
            }
            guard count <= maxBlobs, UInt64(12 + 8 * count) <= blobLength else {
                throw ParseError(structure, at: base + 8, "\(count) index entries do not fit in \(blobLength) bytes")
            }
            var index = ByteReader(try source.read(at: base + 12, count: 8 * count), base: base + 12, structure: "CS_BlobIndex")
            var contents = Contents(cms: nil, hasCodeDirectory: false)
            for _ in 0..<count {
                let type = try index.u32be()
                let offset = UInt64(try index.u32be())
                guard offset + 8 <= blobLength else {
                    throw ParseError("CS_BlobIndex", at: index.absoluteOffset - 4, "blob at \(offset) outside the \(blobLength)-byte SuperBlob")
                }
                var blob = ByteReader(try source.read(at: base + offset, count: 8), base: base + offset, structure: "CS_GenericBlob")
                let blobMagic = try blob.u32be()
                let size = UInt64(try blob.u32be())
                guard size >= 8, offset + size <= blobLength else {
                    throw ParseError("CS_GenericBlob", at: base + offset + 4, "length \(size) runs past the SuperBlob")
                }
                switch type {
                case codeDirectorySlot:
                    contents.hasCodeDirectory = blobMagic == codeDirectoryMagic
                case signatureSlot:
                    guard blobMagic == blobWrapperMagic else {
                        throw ParseError("CS_GenericBlob", at: base + offset, "signature slot holds magic 0x\(String(blobMagic, radix: 16)), not 0xfade0b01")
                    }
                    guard size - 8 <= UInt64(maxCMSBytes) else {
                        throw ParseError("CS_GenericBlob", at: base + offset, "CMS blob of \(size - 8) bytes, limit \(maxCMSBytes)")
                    }
                    contents.cms = try source.read(at: base + offset + 8, count: Int(size - 8))
                default:
                    break
                }
            }
            return contents
        }

        /// The signer certificates of a CMS blob: those its SignerInfos name (Apple's blobs have
        /// one SignerInfo, for the leaf). When none is named `PKCS7` gives the whole chain
        /// (leaf, Apple WWDR intermediate, Apple root); then only the end certificates, those
        /// that issued no other certificate of the set, are signers.
        static func signers(cms: [UInt8]) throws -> [X509Certificate] {
            let named = try PKCS7.contents(der: cms).signers
            guard named.count > 1 else { return named }
            let leaves = named.filter { certificate in
                !named.contains { other in other != certificate && other.issuer == certificate.subject }
            }
            return leaves.isEmpty ? named : leaves
        }
    }
}
