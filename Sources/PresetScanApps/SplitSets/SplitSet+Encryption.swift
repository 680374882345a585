import PresetScanCore
import PresetScanUnpack

extension SplitSet {
    /// Header of an encrypted APKM of APKMirror's first format: the whole file is a libsodium
    /// secretstream (no ZIP), after a header that says how to derive the key from a password
    /// (as unapkm reads it): a version byte, the pwhash algorithm (1 argon2i13, 2 argon2id13), the
    /// ops limit, mem limit and chunk size (8 bytes each, little endian), a 16-byte salt and the
    /// 24-byte secretstream header.
    enum EncryptedAPKMHeader {
        static let byteCount = 66
        /// Largest memory limit a real header asks for (unapkm refuses more); a larger one says
        /// the bytes are something else.
        static let maxMemoryLimit: UInt64 = 1 << 30

        /// Whether `bytes` (the file's first `byteCount` bytes) look like that header.
        static func matches(_ bytes: [UInt8]) -> Bool {
            guard bytes.count >= byteCount else { return false }
            guard bytes[1] == 1 || bytes[1] == 2 else { return false }
            func u64(_ offset: Int) -> UInt64 {
                (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
            }
            let ops = u64(2)
            let memory = u64(10)
            let chunk = u64(18)
            return ops > 0 && ops < 1 << 20 && memory > 0 && memory <= maxMemoryLimit && chunk > 0 && chunk <= 1 << 30
        }
    }

    /// The error for an `.apkm` that is no ZIP but APKMirror's encrypted format; nil for anything else.
    ///
    /// Called on files named `.apkm` whose content is not a ZIP, so that the report says
    /// "encrypted" (PS009 with the reason) rather than "not a ZIP".
    static func encryptedAPKM(source: ByteSource, name: String, location: Location) -> Diagnostic? {
        guard name.lowercased().hasSuffix(".apkm"),
            let head = try? source.read(at: 0, count: Int(min(source.size, UInt64(EncryptedAPKMHeader.byteCount)))),
            EncryptedAPKMHeader.matches(head)
        else { return nil }
        return Diagnostic(.error, "apkm.encrypted",
            "an encrypted APKM (APKMirror's password-protected format): its APKs cannot be read without APKMirror's installer",
            location: location)
    }

    /// Whether the base of an APKM failed to open because it is encrypted: the set or the entry
    /// says so, or its bytes are no ZIP at all (ciphertext).
    static func isEncryptedMember(_ entry: Zip.Entry, metadata: Metadata, openError: Error) -> Bool {
        guard metadata.kind == "apkm" else { return false }
        return metadata.claimsEncryption || entry.claimsEncryption || (openError as? ZipError) == .notAZip
    }
}
