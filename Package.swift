// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "relance",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "relance", targets: ["relance"]),
        .executable(name: "relance-bench", targets: ["relance-bench"]),
        .executable(name: "relance-smtp-bench", targets: ["relance-smtp-bench"]),
        .executable(name: "relance-pg-bench", targets: ["relance-pg-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", exact: "0.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // Pure core: domain types, business calendar, rules. No I/O, no clock, no database.
        .target(name: "RelanceCore"),

        // System libraries (pkg-config), with typed shims for variadic C calls.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CSystemd", pkgConfig: "libsystemd",
                       providers: [.apt(["libsystemd-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),

        // Adapters.
        .target(name: "RelanceConfig", dependencies: [
            "RelanceCore", .product(name: "TOMLKit", package: "TOMLKit"),
        ]),
        .target(name: "RelanceStore", dependencies: [
            "RelanceCore", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        // The PostgreSQL store, over libpq: a MessageStore like SQLite's.
        .target(name: "RelancePostgres", dependencies: ["RelanceCore", "RelanceStore", "CLibPQ"]),
        .target(name: "RelanceEngine", dependencies: [
            "RelanceCore", "RelanceStore", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "RelanceDemo", dependencies: [
            "RelanceCore", "RelanceStore", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .target(name: "RelanceDelivery", dependencies: [
            "RelanceCore", "RelanceStore", "CCurl",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Mustache", package: "swift-mustache"),
        ], resources: [.process("Templates")]),
        // systemd adapters: sd_notify (READY, STATUS, WATCHDOG) and a journald LogHandler.
        .target(name: "RelanceSystemd", dependencies: [
            "CSystemd", .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "RelanceCLI", dependencies: [
            "RelanceCore", "RelanceConfig", "RelanceStore", "RelanceEngine", "RelanceDemo", "RelanceDelivery",
            "CCurl", "RelanceSystemd", "RelancePostgres",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "relance", dependencies: ["RelanceCLI"]),
        // Loopback peers for the tests and benchmarks (a free port, a wait until listening); not in `relance`.
        .target(name: "RelanceLoopback"),
        .executableTarget(name: "relance-bench", dependencies: [
            "RelanceCore", "RelanceStore", "RelanceEngine", .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .executableTarget(name: "relance-smtp-bench", dependencies: [
            "RelanceCore", "RelanceStore", "RelanceDelivery", "RelanceLoopback", .product(name: "GRDB", package: "GRDB.swift"),
        ]),

        .executableTarget(name: "relance-pg-bench", dependencies: [
            "RelanceCore", "RelanceStore", "RelanceEngine", "RelanceDelivery", "RelancePostgres", "RelanceLoopback",
        ]),

        .target(name: "RelanceTestSupport", dependencies: [
            "RelanceCore", "RelanceStore", "RelancePostgres", "RelanceLoopback", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PropertyBased", package: "swift-property-based"),
        ], path: "Tests/Support"),
        .testTarget(name: "RelanceCoreTests", dependencies: [
            "RelanceCore", .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "RelanceConfigTests", dependencies: [
            "RelanceConfig", "RelanceTestSupport", .product(name: "PropertyBased", package: "swift-property-based"),
        ],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RelanceStoreTests", dependencies: [
            "RelanceCore", "RelanceStore", "RelanceEngine", "RelanceDemo", "RelanceTestSupport", "RelancePostgres",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "RelanceEngineTests", dependencies: [
            "RelanceCore", "RelanceStore", "RelanceEngine", "RelanceDemo", "RelanceDelivery", "RelanceTestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "RelanceSystemdTests", dependencies: [
            "RelanceSystemd", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "RelanceDeliveryTests", dependencies: [
            "RelanceCore", "RelanceStore", "RelanceDelivery", "RelanceTestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "PropertyBased", package: "swift-property-based"),
        ]),
        .testTarget(name: "RelanceCLITests", dependencies: [
            "RelanceCLI", "RelanceCore", "RelanceStore", "RelanceEngine", "RelanceDemo", "RelanceConfig", "RelanceTestSupport",
            "RelancePostgres",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
    ]
)
