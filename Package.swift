// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "TinyVMX",
    products: [
        .library(name: "TinyVMX", targets: ["TinyVMX"]),
        .library(name: "TinyVMXOracle", targets: ["TinyVMXOracle"]),
        .library(name: "TinyVMXLab", targets: ["TinyVMXLab"]),
        .library(name: "TinyVMXCommands", targets: ["TinyVMXCommands"]),
        .executable(name: "tinyvmx", targets: ["tinyvmx"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        // Capstone 4 from Debian (libcapstone-dev), the only x86 decoder in the project.
        .systemLibrary(
            name: "CCapstone",
            pkgConfig: "capstone",
            providers: [.apt(["libcapstone-dev"])]
        ),
        // C helpers whose layout or calling convention Swift must not guess: the host-CPU runner.
        .target(name: "CTinyVMXNative"),
        .target(name: "TinyVMX", dependencies: ["CCapstone", "CTinyVMXNative"]),
        .target(name: "TinyVMXOracle", dependencies: ["CTinyVMXNative"]),
        // The CR2 lab: KVM-like routines from Programs/kvm run against a guest, compared and swept.
        .target(name: "TinyVMXLab", dependencies: ["TinyVMX"]),
        .target(
            name: "TinyVMXCommands",
            dependencies: [
                "TinyVMX",
                "TinyVMXLab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "tinyvmx", dependencies: ["TinyVMXCommands"]),
        .testTarget(name: "TinyVMXTests", dependencies: ["TinyVMX", "TinyVMXOracle"]),
        .testTarget(name: "TinyVMXCommandsTests", dependencies: ["TinyVMXCommands", "TinyVMX"]),
        .testTarget(name: "TinyVMXLabTests", dependencies: ["TinyVMXLab", "TinyVMX"]),
    ]
)
