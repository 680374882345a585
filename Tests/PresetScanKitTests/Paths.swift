import Foundation

/// Locations the tests need: the package root (from this file's path) and the androguard corpus.
enum Paths {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let samples = root.appendingPathComponent("Samples")
    static let corpus = URL(fileURLWithPath: "/usr/share/doc/androguard/examples")
}
