// swift-tools-version:5.9
import PackageDescription

let package = Package(
    name: "BloopClient",
    platforms: [
        .iOS(.v15),
        .macOS(.v12),
    ],
    products: [
        .library(name: "BloopClient", targets: ["BloopClient"]),
    ],
    targets: [
        // Foundation only: CryptoKit on Apple platforms, a pure-Swift HMAC-SHA256 elsewhere (Linux),
        // FoundationNetworking's URLSession on Linux.
        .target(
            name: "BloopClient",
            path: "Sources/BloopClient"
        ),
        // A runnable example, also the child process of the crash tests.
        .executableTarget(
            name: "BloopExample",
            dependencies: ["BloopClient"],
            path: "examples/BloopExample"
        ),
        .testTarget(
            name: "BloopClientTests",
            dependencies: ["BloopClient"],
            path: "Tests/BloopClientTests"
        ),
    ]
)
