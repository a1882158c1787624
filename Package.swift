// swift-tools-version:6.2
// IKEHub: an IKEv2 remote-access headend for Linux. Module boundaries: DESIGN.md §7.
import PackageDescription

let package = Package(
    name: "IKEHub",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ikehub", targets: ["ikehub"]),
        .executable(name: "ikehub-bench", targets: ["ikehub-bench"]),
        .executable(name: "ikehub-authd", targets: ["ikehub-authd"]),
        .executable(name: "ikehub-auth-worker", targets: ["ikehub-auth-worker"]),
        .executable(name: "ikehub-ike", targets: ["ikehub-ike"]),
        .executable(name: "ikehub-addrd", targets: ["ikehub-addrd"]),
        .executable(name: "ikehub-tunneld", targets: ["ikehub-tunneld"]),
        .executable(name: "ikehub-acctd", targets: ["ikehub-acctd"]),
        .executable(name: "ikehubctl", targets: ["ikehubctl"]),
        .library(name: "IKEWire", targets: ["IKEWire"]),
        .library(name: "IKECrypto", targets: ["IKECrypto"]),
        .library(name: "FlexConfig", targets: ["FlexConfig"]),
        .library(name: "IKEExchanges", targets: ["IKEExchanges"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
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
        .target(name: "FlexConfig", dependencies: ["HubVocabulary"], exclude: ["LINUX-ADDITIONS.md"]),
        .target(name: "IKEExchanges", dependencies: ["HubVocabulary", "IKEWire", "IKECrypto"]),
        .target(name: "PKI", dependencies: ["HubVocabulary", "IKECrypto", "FlexConfig", "COpenSSL"]),
        // The benchmark's IKEv2 load initiator (sans-I/O SA + a poll-driven UDP shell).
        .target(name: "IKELoadGenerator", dependencies: ["HubVocabulary", "IKEWire", "IKECrypto", "PKI"]),

        // MARK: - Native Swift layers
        .target(name: "ZeroMQ", dependencies: ["CZMQ"]),
        .target(name: "ESPDataPlane", dependencies: ["HubVocabulary", "HubNetworking", "COpenSSL"]),
        .target(name: "RADIUS", dependencies: [
            "HubVocabulary", "CRadcli", "COpenSSL", .product(name: "Metrics", package: "swift-metrics"),
        ]),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "HubStorage", dependencies: ["CSQLite"]),
        .target(name: "HubNetworking", dependencies: ["HubVocabulary", "CLinux"]),
        .target(name: "Netlink", dependencies: ["HubVocabulary", "CLinux"]),

        // MARK: - Process libraries (one per process; they talk only over IPC)
        .target(name: "IKEFrontend", dependencies: [
            "HubVocabulary", "IKEWire", "IKECrypto", "IKEExchanges", "FlexConfig", "HubNetworking", "HubIPC", "HubDaemon",
            "HubStorage", "PKI",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "AddressManager", dependencies: [
            "HubVocabulary", "HubStorage", "HubIPC", "HubDaemon", "FlexConfig",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "Accounting", dependencies: [
            "HubVocabulary", "HubStorage", "RADIUS", "HubIPC", "HubDaemon", "FlexConfig",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: - IPC spine (DESIGN.md §3): schema, transport, daemon scaffolding, processes
        .target(name: "HubIPC", dependencies: [
            "HubVocabulary", "ZeroMQ",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ], exclude: ["Generated/regenerate.sh"]),
        .target(name: "HubDaemon", dependencies: [
            "HubVocabulary", "HubIPC", "ZeroMQ",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        .target(name: "AuthBroker", dependencies: [
            "HubVocabulary", "HubIPC", "HubDaemon", "ZeroMQ", "PKI", "IKECrypto", "FlexConfig",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
        ]),
        // MARK: - Auth plugins (DESIGN.md §7: only AuthWorker imports them)
        .target(name: "AuthPluginAPI", dependencies: [
            "HubVocabulary", "FlexConfig", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "LocalKeyringPlugin", dependencies: ["AuthPluginAPI", "FlexConfig", "HubVocabulary"],
                path: "Plugins/LocalKeyring", exclude: ["OPTIONS.md"]),
        .target(name: "RADIUSPlugin", dependencies: [
            "AuthPluginAPI", "RADIUS", "FlexConfig", "HubVocabulary", .product(name: "Logging", package: "swift-log"),
        ], path: "Plugins/RADIUS", exclude: ["OPTIONS.md"]),
        .target(name: "LocalAuthorizationPlugin", dependencies: [
            "AuthPluginAPI", "FlexConfig", "HubVocabulary", .product(name: "Logging", package: "swift-log"),
        ], path: "Plugins/LocalAuthorization", exclude: ["OPTIONS.md"]),
        .target(name: "AuthWorker", dependencies: [
            "HubVocabulary", "HubIPC", "HubDaemon", "ZeroMQ", "IKECrypto", "FlexConfig",
            "AuthPluginAPI", "LocalKeyringPlugin", "RADIUSPlugin", "LocalAuthorizationPlugin",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "HubLauncher", dependencies: [
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "ikehub-authd", dependencies: ["AuthBroker"]),
        .executableTarget(name: "ikehub-auth-worker", dependencies: ["AuthWorker"]),
        .executableTarget(name: "ikehub-ike", dependencies: ["IKEFrontend"]),
        .executableTarget(name: "ikehub-addrd", dependencies: ["AddressManager"]),
        .target(name: "TunnelManager", dependencies: [
            "HubVocabulary", "HubIPC", "HubDaemon", "HubNetworking", "Netlink", "ESPDataPlane", "FlexConfig", "ZeroMQ", "HubStorage",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "ikehub-tunneld", dependencies: ["TunnelManager"]),
        .executableTarget(name: "ikehub-acctd", dependencies: ["Accounting"]),

        // MARK: - Executables
        .executableTarget(name: "ikehubctl", dependencies: [
            "HubIPC", "ZeroMQ", .product(name: "Logging", package: "swift-log"),
        ]),
        .executableTarget(name: "ikehub", dependencies: [
            "HubVocabulary", "FlexConfig", "HubLauncher",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "ikehub-bench", dependencies: [
            "HubVocabulary", "IKEWire", "IKECrypto", "FlexConfig", "HubIPC", "ZeroMQ",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            "ESPDataPlane", "IKELoadGenerator", "HubTestSupport",
        ]),

        // MARK: - Fuzz targets (libFuzzer with -sanitize=fuzzer -DIKEHUB_FUZZING; see README)
        .target(name: "CFuzzerDriver"),
        .executableTarget(name: "FuzzESPDataPlane", dependencies: ["CFuzzerDriver", "ESPDataPlane", "HubVocabulary"]),
        .executableTarget(name: "FuzzIKEWire", dependencies: ["CFuzzerDriver", "IKEWire", "IKECrypto", "HubVocabulary"]),
        .executableTarget(name: "FuzzFlexConfig", dependencies: ["CFuzzerDriver", "FlexConfig"]),
        .executableTarget(name: "FuzzPKI", dependencies: ["CFuzzerDriver", "PKI", "HubVocabulary"]),

        // MARK: - Tests
        .testTarget(name: "HubVocabularyTests", dependencies: ["HubVocabulary"]),
        .testTarget(name: "IKEWireTests", dependencies: ["IKEWire", "HubVocabulary", "HubTestSupport"], resources: [.copy("Vectors"), .copy("Crashers")]),
        .testTarget(name: "PKITests", dependencies: [
            "PKI", "IKECrypto", "FlexConfig", "HubVocabulary", "HubTestSupport", "AuthBroker", "HubIPC", "ZeroMQ",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "IKECryptoTests", dependencies: ["IKECrypto", "HubVocabulary", "HubTestSupport"], resources: [.copy("Vectors")]),
        .testTarget(name: "IKEExchangesTests", dependencies: ["IKEExchanges", "IKEWire", "IKECrypto", "HubVocabulary"]),
        .testTarget(name: "IKELoadGeneratorTests", dependencies: ["IKELoadGenerator", "IKEExchanges", "IKEWire", "IKECrypto", "HubVocabulary", "PKI", "FlexConfig"]),
        .testTarget(name: "IKEFrontendTests", dependencies: ["IKEFrontend", "IKEExchanges", "IKECrypto", "IKEWire", "FlexConfig", "HubVocabulary", "HubTestSupport"]),
        .testTarget(name: "IKEInteropTests", dependencies: ["IKEWire", "IKECrypto", "HubVocabulary"]),
        .testTarget(name: "FlexConfigTests", dependencies: ["FlexConfig", "HubVocabulary", "HubTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ESPDataPlaneTests", dependencies: ["ESPDataPlane", "HubVocabulary", "HubNetworking", "HubTestSupport"]),
        .testTarget(name: "HubNetworkingTests", dependencies: ["HubNetworking", "HubVocabulary", "HubTestSupport"]),
        .testTarget(name: "HubStorageTests", dependencies: ["HubStorage", "HubTestSupport"]),
        .testTarget(name: "AddressManagerTests", dependencies: ["AddressManager", "HubVocabulary", "HubTestSupport"]),
        .testTarget(name: "AccountingTests", dependencies: ["Accounting", "RADIUS", "HubVocabulary", "HubTestSupport"]),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink", "HubNetworking", "HubVocabulary", "HubTestSupport"]),
        .testTarget(name: "RADIUSTests", dependencies: ["RADIUS", "HubTestSupport", "HubVocabulary"]),
        .testTarget(name: "AddressServiceTests", dependencies: [
            "HubIPC", "HubVocabulary", "ZeroMQ", "HubTestSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "AccountingServiceTests", dependencies: [
            "Accounting", "FlexConfig", "RADIUS", "HubIPC", "HubVocabulary", "ZeroMQ", "HubTestSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "AuthPluginTests", dependencies: [
            "AuthPluginAPI", "LocalKeyringPlugin", "RADIUSPlugin", "LocalAuthorizationPlugin", "RADIUS", "FlexConfig",
            "HubVocabulary", "HubTestSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "AuthWorkerTests", dependencies: [
            "AuthWorker", "AuthBroker", "AuthPluginAPI", "HubIPC", "HubVocabulary", "FlexConfig", "IKECrypto", "ZeroMQ",
            "RADIUS", "COpenSSL", "HubTestSupport", .product(name: "Logging", package: "swift-log"),
        ]),
        // Real servers and processes for tests (FreeRADIUS, strongSwan, our daemons).
        .target(name: "HubTestSupport", dependencies: ["IKECrypto", "COpenSSL"], path: "Tests/HubTestSupport"),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "TunnelManagerTests", dependencies: [
            "TunnelManager", "HubIPC", "HubNetworking", "ESPDataPlane", "FlexConfig", "HubVocabulary", "HubTestSupport", "ZeroMQ",
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "HubIPCTests", dependencies: [
            "HubIPC", "HubDaemon", "HubLauncher", "HubVocabulary", "ZeroMQ", "AuthWorker", "FlexConfig",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.copy("Fixtures")]),
    ],
    swiftLanguageModes: [.v6]
)
