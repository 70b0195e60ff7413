import ArgumentParser

/// The `tinyvmx` command line: a thin root over one file per subcommand.
public struct TinyVMXCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tinyvmx",
        abstract: "Run x86-64 machine code on an exact interpreter: paging, faults, CR2, VMX.",
        subcommands: [
            CR2DiffCommand.self, NMISweepCommand.self, CostCommand.self, RunCommand.self, BenchCommand.self,
        ]
    )

    public init() {}
}
