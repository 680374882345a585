import Foundation

/// Where something was found, from the user's input down through nested containers.
///
/// Parts are joined by `!/` (SPEC §6): `update.zip!/payload.bin!/system!/system/app/Foo/Foo.apk`.
public struct Location: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public var parts: [String]

    public init(_ parts: [String]) { self.parts = parts }
    public init(path: String) { self.parts = [path] }

    public func appending(_ part: String) -> Location { Location(parts + [part]) }

    public var description: String { parts.joined(separator: "!/") }

    public static func < (lhs: Location, rhs: Location) -> Bool { lhs.description < rhs.description }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        parts = text.components(separatedBy: "!/")
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
