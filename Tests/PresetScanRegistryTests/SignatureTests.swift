import Foundation
import PresetScanCrypto
import Testing

@testable import PresetScanRegistry

/// Ed25519 keys and detached snapshot signatures.
@Suite struct SignatureTests {
    static func keyPair(_ scratch: Scratch, _ name: String) throws -> (Ed25519PrivateKey, Ed25519PublicKey) {
        try KeyFiles.generate(privatePath: scratch.path(name + ".key.pem"), publicPath: scratch.path(name + ".pub.pem"))
        return (try KeyFiles.privateKey(path: scratch.path(name + ".key.pem")),
                try KeyFiles.publicKey(path: scratch.path(name + ".pub.pem")))
    }

    @Test func ed25519RoundTrip() throws {
        let key = try Ed25519PrivateKey.generate()
        let publicKey = try key.publicKey
        let message = Array("snapshot digest".utf8)
        let signature = try key.sign(message)
        #expect(signature.count == 64)
        #expect(publicKey.isValidSignature(signature, for: message))
        #expect(!publicKey.isValidSignature(signature, for: message + [0]))
        var flipped = signature
        flipped[10] ^= 1
        #expect(!publicKey.isValidSignature(flipped, for: message))
        #expect(!publicKey.isValidSignature(Array(signature.prefix(63)), for: message))
        // PEM round trips, and a private key PEM also yields its public half.
        #expect(try Ed25519PublicKey(pem: Array(try publicKey.pem().utf8)) == publicKey)
        #expect(try Ed25519PublicKey(pem: Array(try key.pem().utf8)) == publicKey)
        #expect(try Ed25519PrivateKey(pem: Array(try key.pem().utf8)).publicKey == publicKey)
    }

    @Test func rfc8032TestVector() throws {
        // RFC 8032 §7.1 TEST 1: empty message.
        let seed = SnapshotSignature.hexBytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        let key = try Ed25519PrivateKey(seed: seed)
        #expect(try key.publicKey.raw.hexString == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        #expect(try key.sign([]).hexString == "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")
    }

    @Test func nonEd25519AndGarbageKeysAreRefused() throws {
        let scratch = Scratch()
        let rsa = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Samples/keys/sample-a.x509.pem"), encoding: .utf8)
        #expect(throws: Ed25519Error.self) { try Ed25519PublicKey(pem: Array(rsa.utf8)) }
        #expect(throws: Ed25519Error.self) { try Ed25519PrivateKey(pem: Array("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8)) }
        #expect(throws: Ed25519Error.self) { try Ed25519PublicKey(pem: []) }
        #expect(throws: RegistryError.self) { try KeyFiles.publicKey(path: scratch.write("k.pem", "hello")) }
    }

    @Test func keygenNeverReplacesAKeyAndHidesThePrivateOne() throws {
        let scratch = Scratch()
        _ = try Self.keyPair(scratch, "k")
        let attributes = try FileManager.default.attributesOfItem(atPath: scratch.path("k.key.pem"))
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(throws: RegistryError.self) {
            try KeyFiles.generate(privatePath: scratch.path("k.key.pem"), publicPath: scratch.path("other.pub.pem"))
        }
    }

    @Test func signAndVerify() throws {
        let scratch = Scratch()
        let path = try Fixture.snapshot(in: scratch)
        let (key, publicKey) = try Self.keyPair(scratch, "k")
        #expect(throws: RegistryError.signatureMissing(path: path)) {
            try Fixture.open(path, SnapshotOpenOptions(publicKey: publicKey))
        }
        try SnapshotSignature.sign(snapshot: path, with: key)
        let info = try Fixture.open(path, SnapshotOpenOptions(publicKey: publicKey)).info
        #expect(info.signature == .valid(keyFingerprint: publicKey.fingerprint))
        #expect(try Fixture.open(path).info.signature == .unchecked(signaturePresent: true))
    }

    @Test func wrongKeyIsNamed() throws {
        let scratch = Scratch()
        let path = try Fixture.snapshot(in: scratch)
        let (key, _) = try Self.keyPair(scratch, "a")
        let (_, other) = try Self.keyPair(scratch, "b")
        try SnapshotSignature.sign(snapshot: path, with: key)
        #expect {
            try Fixture.open(path, SnapshotOpenOptions(publicKey: other))
        } throws: { error in
            if case .signatureInvalid(_, .wrongKey) = error as? RegistryError { true } else { false }
        }
    }

    @Test(arguments: [0, 100, 5000, -1])
    func flippingOneByteFailsVerification(offset: Int) throws {
        let scratch = Scratch()
        let path = try Fixture.snapshot(in: scratch)
        let (key, publicKey) = try Self.keyPair(scratch, "k")
        try SnapshotSignature.sign(snapshot: path, with: key)
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let at = offset < 0 ? bytes.count - 1 : offset
        bytes[at] ^= 0x01
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        let digest = try FileDigest.sha256(path: path)
        guard case .invalid(.digestMismatch) = SnapshotSignature.verify(snapshot: path, digest: digest, key: publicKey) else {
            Issue.record("a flipped byte at \(at) must fail verification")
            return
        }
        #expect(throws: RegistryError.self) { try Fixture.open(path, SnapshotOpenOptions(publicKey: publicKey)) }
    }

    @Test func forgedSignatureLineFails() throws {
        let scratch = Scratch()
        let path = try Fixture.snapshot(in: scratch)
        let (key, publicKey) = try Self.keyPair(scratch, "k")
        let signature = try SnapshotSignature.sign(snapshot: path, with: key)
        // Same digest and key lines, another signature: only the signature itself is trusted.
        var forged = signature
        forged.signature[0] ^= 0x80
        try Data(forged.text.utf8).write(to: URL(fileURLWithPath: SnapshotSignature.path(for: path)))
        #expect(SnapshotSignature.verify(snapshot: path, digest: signature.sha256, key: publicKey) == .invalid(.badSignature))
    }

    @Test(arguments: ["", "garbage", "presetscan-registry-signature 1\nalgorithm rsa\n", String(repeating: "x", count: 10000)])
    func malformedSignatureFiles(text: String) throws {
        let scratch = Scratch()
        let path = try Fixture.snapshot(in: scratch)
        let (_, publicKey) = try Self.keyPair(scratch, "k")
        scratch.write("snap.sqlite.sig", text)
        guard case .invalid(.malformed) = SnapshotSignature.verify(snapshot: path, digest: "00", key: publicKey) else {
            Issue.record("expected malformed")
            return
        }
    }
}
