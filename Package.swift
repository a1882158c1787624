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
        .library(name: "IKEExchanges", targets: ["IKEExchanges"]),
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
        .target(name: "IKEExchanges", dependencies: ["HubVocabulary", "IKEWire", "IKECrypto"]),

        // MARK: - Native Swift layers
        .target(name: "ZeroMQ", dependencies: ["CZMQ"]),
        .target(name: "RADIUS", dependencies: ["HubVocabulary", "CRadcli"]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "HubStorage", dependencies: ["CSQLite"]),
        .target(name: "HubNetworking", dependencies: ["HubVocabulary", "CLinux"]),
        .target(name: "Netlink", dependencies: ["HubVocabulary", "CLinux"]),

        // MARK: - Process libraries (one per process; they talk only over IPC)
        .target(name: "AddressManager", dependencies: ["HubVocabulary", "HubStorage"]),
        .target(name: "Accounting", dependencies: ["HubVocabulary", "HubStorage", "RADIUS"]),

        // MARK: - Executables
        .executableTarget(name: "ikehub", dependencies: [
            "HubVocabulary", "FlexConfig", "IKEWire", "HubNetworking",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "ikehub-bench", dependencies: [
            "HubVocabulary", "IKEWire", "IKECrypto", "FlexConfig",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // MARK: - Fuzz targets (libFuzzer with -sanitize=fuzzer -DIKEHUB_FUZZING; see README)
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzIKEWire", dependencies: ["CFuzzerDriver", "IKEWire", "IKECrypto", "HubVocabulary"]),
        .executableTarget(name: "FuzzFlexConfig", dependencies: ["CFuzzerDriver", "FlexConfig"]),

        // MARK: - Tests
        .testTarget(name: "HubVocabularyTests", dependencies: ["HubVocabulary"]),
        .testTarget(name: "IKEWireTests", dependencies: ["IKEWire", "HubVocabulary"], resources: [.copy("Vectors"), .copy("Crashers")]),
        .testTarget(name: "IKECryptoTests", dependencies: ["IKECrypto", "HubVocabulary"], resources: [.copy("Vectors")]),
        .testTarget(name: "IKEExchangesTests", dependencies: ["IKEExchanges", "IKEWire", "IKECrypto", "HubVocabulary"]),
        .testTarget(name: "IKEInteropTests", dependencies: ["IKEWire", "IKECrypto", "HubVocabulary"]),
        .testTarget(name: "FlexConfigTests", dependencies: ["FlexConfig", "HubVocabulary"], resources: [.copy("Fixtures")]),
        .testTarget(name: "HubNetworkingTests", dependencies: ["HubNetworking", "HubVocabulary", "HubTestSupport"]),
        .testTarget(name: "HubStorageTests", dependencies: ["HubStorage", "HubTestSupport"]),
        .testTarget(name: "AddressManagerTests", dependencies: ["AddressManager", "HubVocabulary", "HubTestSupport"]),
        .testTarget(name: "AccountingTests", dependencies: ["Accounting", "RADIUS", "HubVocabulary", "HubTestSupport"]),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink", "HubNetworking", "HubVocabulary", "HubTestSupport"]),
        .testTarget(name: "RADIUSTests", dependencies: ["RADIUS", "HubTestSupport"]),
        // Real servers and processes for tests (FreeRADIUS, strongSwan, our daemons).
        .target(name: "HubTestSupport", path: "Tests/HubTestSupport"),
    ],
    swiftLanguageModes: [.v6]
)
