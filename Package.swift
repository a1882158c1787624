// swift-tools-version:6.2
// IKEHub: an IKEv2 remote-access headend for Linux. Module boundaries: DESIGN.md §7.
import PackageDescription

let package = Package(
    name: "IKEHub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ikehub", targets: ["ikehub"]),
        .executable(name: "ikehub-bench", targets: ["ikehub-bench"]),
        .library(name: "IKEWire", targets: ["IKEWire"]),
        .library(name: "IKECrypto", targets: ["IKECrypto"]),
        .library(name: "FlexConfig", targets: ["FlexConfig"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // MARK: - Native libraries (system library → shim header → Swift layer)
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
        .systemLibrary(name: "CRadcli", pkgConfig: "radcli", providers: [.apt(["libradcli-dev"])]),

        // MARK: - Pure layers
        .target(name: "HubVocabulary"),
        .target(name: "IKEWire", dependencies: ["HubVocabulary"]),
        .target(name: "IKECrypto", dependencies: ["HubVocabulary", "COpenSSL"]),
        .target(name: "FlexConfig", dependencies: ["HubVocabulary"]),

        // MARK: - Native Swift layers
        .target(name: "ZeroMQ", dependencies: ["CZMQ"]),
        .target(name: "ESPDataPlane", dependencies: ["HubVocabulary", "HubNetworking", "COpenSSL"]),
        .target(name: "RADIUS", dependencies: ["HubVocabulary", "CRadcli"]),
        .systemLibrary(name: "CLinux"),
        .target(name: "HubNetworking", dependencies: ["HubVocabulary", "CLinux"]),

        // MARK: - Executables
        .executableTarget(name: "ikehub", dependencies: [
            "HubVocabulary", "FlexConfig", "IKEWire", "HubNetworking",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "ikehub-bench", dependencies: [
            "HubVocabulary", "IKEWire", "IKECrypto",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            "ESPDataPlane",
        ]),

        // MARK: - Fuzz targets (libFuzzer with -sanitize=fuzzer -DIKEHUB_FUZZING; see README)
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzESPDataPlane", dependencies: ["CFuzzerDriver", "ESPDataPlane", "HubVocabulary"]),
        .executableTarget(name: "FuzzIKEWire", dependencies: ["CFuzzerDriver", "IKEWire", "IKECrypto", "HubVocabulary"]),

        // MARK: - Tests
        .testTarget(name: "HubVocabularyTests", dependencies: ["HubVocabulary"]),
        .testTarget(name: "IKEWireTests", dependencies: ["IKEWire", "HubVocabulary"], resources: [.copy("Vectors")]),
        .testTarget(name: "IKECryptoTests", dependencies: ["IKECrypto", "HubVocabulary"], resources: [.copy("Vectors")]),
        .testTarget(name: "FlexConfigTests", dependencies: ["FlexConfig", "HubVocabulary"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ESPDataPlaneTests", dependencies: ["ESPDataPlane", "HubVocabulary", "HubNetworking", "HubTestSupport"]),
        .testTarget(name: "HubNetworkingTests", dependencies: ["HubNetworking", "HubVocabulary", "HubTestSupport"]),
        .testTarget(name: "RADIUSTests", dependencies: ["RADIUS", "HubTestSupport"]),
        // Real servers and processes for tests (FreeRADIUS, strongSwan, our daemons).
        .target(name: "HubTestSupport", path: "Tests/HubTestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
