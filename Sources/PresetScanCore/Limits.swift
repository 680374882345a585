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

    public init() {}

    public static let `default` = Limits()
}
