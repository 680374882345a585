/// Bounds that keep memory and time finite on hostile input.
public struct Limits: Sendable {
    /// Largest single zip entry (manifest, resources.arsc, signature file) inflated into memory.
    public var maxEntryBytes: Int = 256 << 20
    /// Largest compression ratio accepted for an inflated entry (zip bomb guard).
    public var maxCompressionRatio: UInt64 = 1000
    /// Entries allowed in one zip central directory.
    public var maxZipEntries: Int = 1 << 20
    /// Depth of resource reference chains (the platform stops at 20).
    public var maxReferenceDepth: Int = 20
    /// Nesting depth of containers.
    public var maxDepth: Int = 8
    /// XML elements read from one binary XML document.
    public var maxXMLNodes: Int = 1 << 20
    /// Bytes of one zip entry searched for filing numbers; a larger entry is skipped with a warning.
    public var maxFilingSearchEntryBytes: Int = 64 << 20
    /// Bytes searched for filing numbers in one app package, all entries together.
    public var maxFilingSearchPackageBytes: Int = 256 << 20

    public init() {}

    public static let `default` = Limits()
}
