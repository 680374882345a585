import Foundation
import PresetScanCore
import PresetScanCrypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ed25519 key files for signing snapshots: PKCS#8 and SubjectPublicKeyInfo PEM.
public enum KeyFiles {
    /// Reads a public key PEM (or takes the public half of a private key PEM).
    public static func publicKey(path: String) throws(RegistryError) -> Ed25519PublicKey {
        let bytes = try read(path)
        do {
            return try Ed25519PublicKey(pem: bytes)
        } catch {
            throw .unreadableInput(path: path, detail: "\(error)")
        }
    }

    /// Reads an unencrypted private key PEM.
    public static func privateKey(path: String) throws(RegistryError) -> Ed25519PrivateKey {
        let bytes = try read(path)
        do {
            return try Ed25519PrivateKey(pem: bytes)
        } catch {
            throw .unreadableInput(path: path, detail: "\(error)")
        }
    }

    /// Makes a new key pair and writes it; refuses to replace an existing file. The private key is mode 0600.
    @discardableResult
    public static func generate(privatePath: String, publicPath: String) throws(RegistryError) -> Ed25519PublicKey {
        for path in [privatePath, publicPath] where FileManager.default.fileExists(atPath: path) {
            throw .writeFailed(path: path, detail: "file exists; not replacing a key")
        }
        do {
            let key = try Ed25519PrivateKey.generate()
            let publicKey = try key.publicKey
            try write(try key.pem(), to: privatePath, mode: 0o600)
            try write(try publicKey.pem(), to: publicPath, mode: 0o644)
            return publicKey
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .writeFailed(path: privatePath, detail: "\(error)")
        }
    }

    private static func write(_ text: String, to path: String, mode: mode_t) throws(RegistryError) {
        // O_EXCL: never follow a symlink or race another writer onto an existing file.
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw .writeFailed(path: path, detail: String(cString: strerror(errno))) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw .writeFailed(path: path, detail: String(cString: strerror(errno))) }
    }

    private static func read(_ path: String) throws(RegistryError) -> [UInt8] {
        do {
            let source = try FileByteSource(path: path)
            guard source.size <= 64 * 1024 else {
                throw RegistryError.unreadableInput(path: path, detail: "\(source.size) bytes is too large for a key file")
            }
            return try source.readAll()
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .unreadableInput(path: path, detail: "\(error)")
        }
    }
}

/// `write(2)`, named so that it is not shadowed by `KeyFiles.write`.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(fd, buffer, count)
}
