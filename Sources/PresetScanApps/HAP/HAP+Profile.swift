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
        static func iso8601(_ seconds: Int64) -> String? {
            guard seconds >= -62_135_596_800, seconds <= 253_402_300_799 else { return nil }
            let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
            let secondOfDay = seconds - days * 86400
            // Civil date from days since 1970-01-01 (proleptic Gregorian).
            let z = days + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let dayOfEra = z - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let mp = (5 * dayOfYear + 2) / 153
            let day = dayOfYear - (153 * mp + 2) / 5 + 1
            let month = mp < 10 ? mp + 3 : mp - 9
            let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
            func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
            let yearText = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
            return "\(yearText)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z"
        }
    }
}
