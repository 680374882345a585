import Foundation

// The documents `registry info`, `lookup` and `diff` print. They are plain values so that this
// module needs nothing from the registry store; field names are the JSON contract.

/// The formats of the registry commands, by `--format` name.
public enum RegistryFormat: String, CaseIterable, Sendable {
    case table, json
}

/// `registry info`: what a snapshot is and whether it can be trusted.
public struct RegistryInfoReport: Codable, Sendable, Equatable {
    public var path: String
    public var sha256: String
    public var schemaVersion: Int
    public var builtAt: String
    public var ageDays: Int
    /// Older than 30 days (SPEC §3).
    public var stale: Bool
    public var source: String
    public var recordCount: Int
    public var contentDigest: String
    public var filings: Int
    public var identifiers: Int
    public var certificates: Int
    public var countsByPlatform: [String: Int]
    public var countsByStatus: [String: Int]
    /// Certificate rows holding an `md5`, `sha1`, `sha256`, `publicKey` (empty for a schema 1 snapshot).
    public var countsByFingerprint: [String: Int]
    /// `unchecked`, `valid`, `missing` or `invalid`.
    public var signature: String
    public var signatureDetail: String

    public init(
        path: String, sha256: String, schemaVersion: Int, builtAt: String, ageDays: Int, stale: Bool, source: String,
        recordCount: Int, contentDigest: String, filings: Int, identifiers: Int, certificates: Int,
        countsByPlatform: [String: Int], countsByStatus: [String: Int], countsByFingerprint: [String: Int] = [:],
        signature: String, signatureDetail: String
    ) {
        self.path = path
        self.sha256 = sha256
        self.schemaVersion = schemaVersion
        self.builtAt = builtAt
        self.ageDays = ageDays
        self.stale = stale
        self.source = source
        self.recordCount = recordCount
        self.contentDigest = contentDigest
        self.filings = filings
        self.identifiers = identifiers
        self.certificates = certificates
        self.countsByPlatform = countsByPlatform
        self.countsByStatus = countsByStatus
        self.countsByFingerprint = countsByFingerprint
        self.signature = signature
        self.signatureDetail = signatureDetail
    }
}

/// A filing as the registry commands show it.
public struct RegistryFilingView: Codable, Sendable, Equatable {
    /// An identifier with its filed certificates.
    public struct Identifier: Codable, Sendable, Equatable {
        public var platform: String
        public var identifier: String
        /// Filed certificate fingerprints (lower-case hex) by algorithm: MD5, SHA-1, SHA-256.
        public var certMD5s: [String]
        public var certSHA1s: [String]
        public var certSHA256s: [String]
        /// Filed public keys (hex modulus or base64 SubjectPublicKeyInfo).
        public var publicKeys: [String]

        public init(
            platform: String, identifier: String, certMD5s: [String], certSHA1s: [String] = [], certSHA256s: [String] = [],
            publicKeys: [String]
        ) {
            self.platform = platform
            self.identifier = identifier
            self.certMD5s = certMD5s
            self.certSHA1s = certSHA1s
            self.certSHA256s = certSHA256s
            self.publicKeys = publicKeys
        }
    }

    public var filingNumber: String
    public var appName: String
    public var sponsor: String
    public var status: String
    public var approvedOn: String?
    public var identifiers: [Identifier]

    public init(
        filingNumber: String, appName: String, sponsor: String, status: String, approvedOn: String?,
        identifiers: [Identifier]
    ) {
        self.filingNumber = filingNumber
        self.appName = appName
        self.sponsor = sponsor
        self.status = status
        self.approvedOn = approvedOn
        self.identifiers = identifiers
    }

    /// Encodes `approvedOn` as `null` rather than leaving the key out.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(filingNumber, forKey: .filingNumber)
        try c.encode(appName, forKey: .appName)
        try c.encode(sponsor, forKey: .sponsor)
        try c.encode(status, forKey: .status)
        try c.encode(approvedOn, forKey: .approvedOn)
        try c.encode(identifiers, forKey: .identifiers)
    }
}

/// `registry lookup`: one entry per query, in the order given.
public struct RegistryLookupReport: Codable, Sendable, Equatable {
    /// One query and the filings it matched.
    public struct Query: Codable, Sendable, Equatable {
        public var query: String
        /// `identifier`, `certMD5`, `certSHA1`, `certSHA256` or `filingNumber`: how the query was read.
        public var kind: String
        public var matches: [RegistryFilingView]

        public init(query: String, kind: String, matches: [RegistryFilingView]) {
            self.query = query
            self.kind = kind
            self.matches = matches
        }
    }

    public var snapshot: String
    public var queries: [Query]

    public init(snapshot: String, queries: [Query]) {
        self.snapshot = snapshot
        self.queries = queries
    }
}

/// `registry diff`: what changed from one snapshot to the next.
public struct RegistryDiffReport: Codable, Sendable, Equatable {
    /// A filing named by number, app name and status.
    public struct FilingRef: Codable, Sendable, Equatable {
        public var filingNumber: String
        public var appName: String
        public var sponsor: String
        public var status: String

        public init(filingNumber: String, appName: String, sponsor: String, status: String) {
            self.filingNumber = filingNumber
            self.appName = appName
            self.sponsor = sponsor
            self.status = status
        }
    }

    /// A status change.
    public struct StatusChange: Codable, Sendable, Equatable {
        public var filing: FilingRef
        public var from: String
        public var to: String

        public init(filing: FilingRef, from: String, to: String) {
            self.filing = filing
            self.from = from
            self.to = to
        }
    }

    /// Identifiers or certificates that changed under one filing.
    public struct AppsChange: Codable, Sendable, Equatable {
        public var filing: FilingRef
        public var identifiersAdded: [String]
        public var identifiersRemoved: [String]
        public var certificatesAdded: [String]
        public var certificatesRemoved: [String]

        public init(
            filing: FilingRef, identifiersAdded: [String], identifiersRemoved: [String], certificatesAdded: [String],
            certificatesRemoved: [String]
        ) {
            self.filing = filing
            self.identifiersAdded = identifiersAdded
            self.identifiersRemoved = identifiersRemoved
            self.certificatesAdded = certificatesAdded
            self.certificatesRemoved = certificatesRemoved
        }
    }

    public var old: String
    public var new: String
    public var added: [FilingRef]
    public var removed: [FilingRef]
    public var statusChanged: [StatusChange]
    public var appsChanged: [AppsChange]

    public init(
        old: String, new: String, added: [FilingRef], removed: [FilingRef], statusChanged: [StatusChange],
        appsChanged: [AppsChange]
    ) {
        self.old = old
        self.new = new
        self.added = added
        self.removed = removed
        self.statusChanged = statusChanged
        self.appsChanged = appsChanged
    }
}
