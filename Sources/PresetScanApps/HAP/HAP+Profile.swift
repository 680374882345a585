import Foundation
import PresetScanCore
import PresetScanCrypto

extension HAP {
    /// The provisioning profile of the profile sub-block (OpenHarmony security_appverify
    /// `provision_verify.cpp`): a PKCS#7 SignedData whose content is the JSON profile, or the
    /// JSON itself when the signer left it unsigned.
    ///
    /// JSON keys read: `type` (`release`/`debug`), `issuer`, `validity.not-after` (seconds since
    /// 1970), `bundle-info.{bundle-name, app-identifier, developer-id, distribution-certificate,
    /// development-certificate}` (the certificates as PEM text).
    public enum Profile {
        public static let source = "hap-signing-block:profile"
        /// `GENERIC_BUNDLE_NAME`: a profile that allows any bundle.
        public static let genericBundleName = ".*"

        public struct Unreadable: Error, CustomStringConvertible {
            public var description: String
        }

        /// Reads a profile sub-block's value.
        public static func read(_ value: [UInt8]) throws -> SigningProfile {
            let json: [UInt8]
            if value.first(where: { ![0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf].contains($0) }) == UInt8(ascii: "{") {
                json = value
            } else {
                let contents: PKCS7.Contents
                do {
                    contents = try PKCS7.contents(der: value)
                } catch {
                    throw Unreadable(description: "neither JSON nor a PKCS#7 SignedData: \(error)")
                }
                guard let content = contents.content else {
                    throw Unreadable(description: "the PKCS#7 SignedData carries no content (detached)")
                }
                json = content
            }
            guard json.count <= HAP.maxJSONBytes else {
                throw Unreadable(description: "\(json.count) bytes of JSON, over \(HAP.maxJSONBytes)")
            }
            let root: [String: Any]
            do {
                root = try HAP.jsonObject(json)
            } catch {
                throw Unreadable(description: "the profile is not a JSON object: \(error)")
            }
            let info = JSONValue.object(root["bundle-info"]) ?? [:]
            let validity = JSONValue.object(root["validity"]) ?? [:]
            var certificates: [String] = []
            for key in ["distribution-certificate", "development-certificate"] {
                guard let pem = JSONValue.string(info[key]) else { continue }
                for der in Self.pemCertificates(pem) {
                    let digest = Digest.sha256(der).hexString
                    if !certificates.contains(digest) { certificates.append(digest) }
                }
            }
            return SigningProfile(
                source: source, type: JSONValue.string(root["type"]), bundleName: JSONValue.string(info["bundle-name"]),
                appIdentifier: JSONValue.string(info["app-identifier"]), teamIdentifier: JSONValue.string(info["developer-id"]),
                teamName: JSONValue.string(root["issuer"]), expires: JSONValue.signed(validity["not-after"]).flatMap(Self.iso8601),
                certificateSha256: certificates)
        }

        /// The DER bytes of each `CERTIFICATE` PEM block in `text` (JSON may have kept `\n` or `\r\n`).
        static func pemCertificates(_ text: String) -> [[UInt8]] {
            var out: [[UInt8]] = []
            var rest = Substring(text)
            while out.count < 16, let begin = rest.range(of: "-----BEGIN CERTIFICATE-----") {
                guard let end = rest[begin.upperBound...].range(of: "-----END CERTIFICATE-----") else { break }
                let body = rest[begin.upperBound..<end.lowerBound].filter { !$0.isWhitespace }
                if let data = Data(base64Encoded: String(body)) { out.append([UInt8](data)) }
                rest = rest[end.upperBound...]
            }
            return out
        }

        /// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ` (UTC), for dates between years 1 and 9999.
        static func iso8601(_ seconds: Int64) -> String? { CivilTime.iso8601(secondsSince1970: seconds) }
    }
}
