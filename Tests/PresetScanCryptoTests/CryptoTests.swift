import PresetScanCore
import Testing

@testable import PresetScanCrypto

@Suite struct CryptoDigestTests {
    @Test func digestVectors() {
        let abc = Array("abc".utf8)
        #expect(Digest.md5(abc).hexString == "900150983cd24fb0d6963f7d28e17f72")
        #expect(Digest.sha1(abc).hexString == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Digest.sha256(abc).hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256([]).hexString == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func streamedDigestMatchesOneShot() throws {
        // 2.5 MiB: two full chunks and a partial one.
        let bytes = (0..<(5 << 19)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 8) }
        #expect(try Digest.sha256(of: MemoryByteSource(bytes)) == Digest.sha256(bytes))
        #expect(try Digest.sha256(of: MemoryByteSource([])) == Digest.sha256([]))
    }

    @Test func streamedDigestReportsReadFailure() {
        let source = FailingSource()
        #expect(throws: CryptoError.self) { try Digest.sha256(of: source) }
    }

    @Test func bigNumberDecimal() {
        #expect(BigNumber.decimalString(bigEndian: []) == "0")
        #expect(BigNumber.decimalString(bigEndian: [0x01, 0x00]) == "256")
        #expect(BigNumber.decimalString(bigEndian: [0x00, 0xff]) == "255")
        #expect(
            BigNumber.decimalString(bigEndian: [0x42, 0xed, 0x12, 0x3b, 0x0b, 0xd8, 0x20, 0x3a, 0x14])
                == "1234567890123456789012")
    }
}

/// A source whose reads always fail.
final class FailingSource: ByteSource, Sendable {
    var size: UInt64 { 10 }
    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        throw ByteSourceError.readFailed(offset: offset, errno: 5)
    }
}

@Suite struct CryptoCertificateTests {
    @Test func rsaCertificate() throws {
        let cert = try X509Certificate(der: Fixtures.rsaCertificate)
        #expect(cert.subject == "CN=测试 Test+serialNumber=42,O=Example\\, Inc.,C=CN")
        #expect(cert.issuer == cert.subject)
        #expect(cert.serialNumber == "1234567890123456789012")
        #expect(cert.publicKeyAlgorithm == "RSA")
        #expect(cert.publicKeyBits == 2048)
        #expect(Digest.sha256(cert.der).hexString == "3d8e66130fe1775b564e9d90d7f6e7728f7bd8c6860f06277589a89d1ca4502e")
        #expect(Digest.md5(cert.der).hexString == "66f3713138291b2da344e323b19d8f8d")
        #expect(
            Digest.sha256(cert.subjectPublicKeyInfo).hexString
                == "6771e7b5ec7cec3ac3027e10be659e5a042fc90481e08a52d5f2d66fb42c1d0e")
        let modulus = try #require(cert.rsaModulus)
        #expect(modulus.count == 256)
        #expect(modulus.first == 0xab)
        #expect(
            BigNumber.decimalString(bigEndian: modulus)
                == "21682989425501087052456185529843064402667687104238391383208800368646970068264286651783627069828870986501278776697043292867818566296220702214750558112240102422966186133249937323559432322754705280521383301305768809559215160774164759567304717735125151956584363800026325154401115740024286117968134371145657341242715253820047051903921013891327848579471083557166757665249252536101240461251590846661373170162863705149976401609314601549153002542027458029660836549714263303234131244680093973495757188085402832237366401336740706909346390413907381954775336306088173767651716541746422299056866163034714682643303244672462184011077"
        )
    }

    @Test func ecCertificate() throws {
        let cert = try X509Certificate(der: Fixtures.ecCertificate)
        #expect(cert.subject == "CN=ec-p256")
        #expect(cert.serialNumber == "7")
        #expect(cert.publicKeyAlgorithm == "EC")
        #expect(cert.publicKeyBits == 256)
        #expect(cert.rsaModulus == nil)
        #expect(
            Digest.sha256(cert.subjectPublicKeyInfo).hexString
                == "b5f1f0f406ad1a8866574d373cba431c5b510e731b9c045945c9d94b5c403b3a")
    }

    @Test func ed25519Certificate() throws {
        let cert = try X509Certificate(der: Fixtures.ed25519Certificate)
        #expect(cert.publicKeyAlgorithm == "Ed25519")
        #expect(cert.serialNumber == "8")
        #expect(
            Digest.sha256(cert.subjectPublicKeyInfo).hexString
                == "3986296bd931232d54d00f4d4d273282d8b39f610ebaee67b4892800576ee976")
    }

    @Test func trailingBytesAreKeptAndIgnored() throws {
        let cert = try X509Certificate(der: Fixtures.ecCertificate + [0, 1, 2])
        #expect(cert.der.count == Fixtures.ecCertificate.count + 3)
        #expect(cert.subject == "CN=ec-p256")
        #expect(cert != (try X509Certificate(der: Fixtures.ecCertificate)))
    }

    @Test func brokenCertificatesThrow() {
        let rsa = Fixtures.rsaCertificate
        for bad in [[], [0x30], [0x30, 0x84, 0xff, 0xff, 0xff, 0xff], Array(rsa.prefix(rsa.count / 2)), [UInt8](repeating: 0xff, count: 64)] {
            #expect(throws: CryptoError.self) { try X509Certificate(der: bad) }
        }
    }

    @Test func truncationsNeverTrap() {
        let rsa = Fixtures.rsaCertificate
        for length in stride(from: 0, to: rsa.count, by: 7) {
            _ = try? X509Certificate(der: Array(rsa.prefix(length)))
        }
        for index in stride(from: 0, to: rsa.count, by: 5) {
            var flipped = rsa
            flipped[index] ^= 0x5a
            _ = try? X509Certificate(der: flipped)
        }
    }
}

@Suite struct CryptoPKCS7Tests {
    @Test func signerCertificateIsTheMatchingOneNotTheFirst() throws {
        let certs = try PKCS7.signerCertificates(der: Fixtures.pkcs7TwoCertificates)
        #expect(certs.count == 1)
        #expect(certs.first?.der == Fixtures.rsaCertificate)
    }

    @Test func indefiniteLengthBER() throws {
        #expect(Fixtures.cmsIndefiniteLength[1] == 0x80)
        let certs = try PKCS7.signerCertificates(der: Fixtures.cmsIndefiniteLength)
        #expect(certs.map(\.der) == [Fixtures.rsaCertificate])
    }

    @Test func fallsBackToAllCertificatesWhenNoSignerMatches() throws {
        // Replace the SignerInfo serial 1234567890123456789012 (9 bytes 42 ed ...) by another value.
        var bytes = Fixtures.pkcs7TwoCertificates
        let serial: [UInt8] = [0x02, 0x09, 0x42, 0xed, 0x12, 0x3b]
        let positions = (0..<(bytes.count - serial.count)).filter { Array(bytes[$0..<$0 + serial.count]) == serial }
        let last = try #require(positions.last)
        bytes[last + 5] ^= 0xff
        let certs = try PKCS7.signerCertificates(der: bytes)
        #expect(certs.map(\.der) == [Fixtures.ecCertificate, Fixtures.rsaCertificate])
    }

    @Test func notPKCS7Throws() {
        #expect(throws: CryptoError.self) { try PKCS7.signerCertificates(der: []) }
        #expect(throws: CryptoError.self) { try PKCS7.signerCertificates(der: Fixtures.rsaCertificate) }
        #expect(throws: CryptoError.self) { try PKCS7.signerCertificates(der: [0x30, 0x80, 0x30, 0x80]) }
        // Deep indefinite nesting stops at the depth limit instead of recursing without bound.
        let deep = Array(repeating: [UInt8]([0x30, 0x80]), count: 10_000).flatMap { $0 }
        #expect(throws: CryptoError.self) { try PKCS7.signerCertificates(der: deep) }
    }

    @Test func mutationsNeverTrap() {
        for fixture in [Fixtures.pkcs7TwoCertificates, Fixtures.cmsIndefiniteLength] {
            for length in stride(from: 0, to: fixture.count, by: 3) {
                _ = try? PKCS7.signerCertificates(der: Array(fixture.prefix(length)))
            }
            for index in 0..<min(fixture.count, 400) {
                for mask: UInt8 in [0x80, 0x7f, 0xff] {
                    var mutated = fixture
                    mutated[index] ^= mask
                    _ = try? PKCS7.signerCertificates(der: mutated)
                }
            }
        }
    }

    @Test func berWalkerBounds() throws {
        // Long-form length claiming more than is there.
        var reader = ByteReader([0x04, 0x82, 0x10, 0x00, 0x00], structure: "test")
        #expect(throws: ParseError.self) { try BERWalker.read(&reader, depth: 0) }
        // Five length octets are refused.
        reader = ByteReader([0x04, 0x85, 0, 0, 0, 0, 1, 0], structure: "test")
        #expect(throws: ParseError.self) { try BERWalker.read(&reader, depth: 0) }
        // Indefinite length on a primitive element.
        reader = ByteReader([0x04, 0x80, 0, 0], structure: "test")
        #expect(throws: ParseError.self) { try BERWalker.read(&reader, depth: 0) }
        // A well-formed indefinite element ends after its end-of-contents.
        reader = ByteReader([0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00, 0xaa], structure: "test")
        let element = try BERWalker.read(&reader, depth: 0)
        #expect(element.contentStart == 2 && element.contentEnd == 5 && element.end == 7)
    }
}
