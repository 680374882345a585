// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "presetscan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "presetscan", targets: ["presetscan"]),
        .library(name: "PresetScanKit", targets: ["PresetScanKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // System libraries: Debian -dev packages, found through pkg-config.
        .systemLibrary(
            name: "CArchive", pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"]), .brew(["libarchive"])]),
        .systemLibrary(
            name: "CCrypto", pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl"])]),
        .systemLibrary(
            name: "CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "CDeflate", pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"]), .brew(["libdeflate"])]),
        .systemLibrary(
            name: "CLZ4", pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"]), .brew(["lz4"])]),
        .systemLibrary(
            name: "CLZMA", pkgConfig: "liblzma",
            providers: [.apt(["liblzma-dev"]), .brew(["xz"])]),
        .systemLibrary(
            name: "CSquashfs", pkgConfig: "libsquashfs1",
            providers: [.apt(["libsquashfs-dev"])]),
        .systemLibrary(
            name: "CBrotli", pkgConfig: "libbrotlidec",
            providers: [.apt(["libbrotli-dev"]), .brew(["brotli"])]),
        // libbz2-dev ships no pkg-config file; the module map links -lbz2.
        .systemLibrary(name: "CBzip2", providers: [.apt(["libbz2-dev"])]),
        .systemLibrary(
            name: "CZstd", pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"]), .brew(["zstd"])]),

        .target(name: "PresetScanCore"),
        .target(
            name: "PresetScanUnpack",
            dependencies: [
                "PresetScanCore", "CArchive", "CZlib", "CDeflate", "CLZ4", "CLZMA", "CSquashfs", "CBrotli", "CBzip2",
                "CZstd",
            ]),
        .target(name: "PresetScanCrypto", dependencies: ["PresetScanCore", "CCrypto"]),
        .target(name: "PresetScanFiling", dependencies: ["PresetScanCore"]),
        .target(
            name: "PresetScanApps",
            dependencies: [
                "PresetScanCore", "PresetScanUnpack", "PresetScanCrypto", "PresetScanFiling",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]),
        .target(
            name: "PresetScanRegistry",
            dependencies: [
                "PresetScanCore", "PresetScanCrypto", "PresetScanFiling",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .target(
            name: "PresetScanPolicy",
            dependencies: [
                "PresetScanCore", "PresetScanApps", "PresetScanFiling", "PresetScanRegistry", "PresetScanCrypto",
                .product(name: "Yams", package: "Yams"),
            ]),
        .target(
            name: "PresetScanReport",
            dependencies: ["PresetScanCore", "PresetScanApps", "PresetScanCrypto", "PresetScanPolicy", "PresetScanRegistry"]),
        .target(
            name: "PresetScanKit",
            dependencies: [
                "PresetScanCore", "PresetScanUnpack", "PresetScanCrypto", "PresetScanApps", "PresetScanFiling",
                "PresetScanRegistry", "PresetScanPolicy", "PresetScanReport",
            ]),
        .executableTarget(
            name: "presetscan",
            dependencies: [
                "PresetScanKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "PresetScanCoreTests", dependencies: ["PresetScanCore"]),
        .testTarget(name: "PresetScanUnpackTests", dependencies: ["PresetScanUnpack", "CZlib"]),
        .testTarget(name: "PresetScanFilingTests", dependencies: ["PresetScanFiling"]),
        .testTarget(name: "PresetScanRegistryTests", dependencies: ["PresetScanRegistry"]),
        .testTarget(name: "PresetScanCryptoTests", dependencies: ["PresetScanCrypto"]),
        .testTarget(name: "PresetScanAppsTests", dependencies: ["PresetScanApps", "PresetScanUnpack"]),
        .testTarget(name: "PresetScanPolicyTests", dependencies: ["PresetScanPolicy"]),
        .testTarget(
            name: "PresetScanReportTests", dependencies: ["PresetScanReport", "PresetScanPolicy", "PresetScanRegistry"], resources: [.copy("Golden")]),
        .testTarget(name: "PresetScanKitTests", dependencies: ["PresetScanKit"]),
        .testTarget(name: "EndToEndTests", dependencies: ["PresetScanKit"]),
    ]
)
