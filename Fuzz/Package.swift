// swift-tools-version:6.1
// The libFuzzer harness: a package of its own so that the root package's `swift build`, `--build-tests`
// and `make test` never build it. One executable; the target is chosen by FUZZ_TARGET (see README.md).
import PackageDescription

let package = Package(
    name: "presetscan-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "presetscan", path: "..")],
    targets: [
        .executableTarget(
            name: "PresetScanFuzz",
            dependencies: [.product(name: "PresetScanKit", package: "presetscan")],
            path: "Sources/PresetScanFuzz"),
    ]
)
