import ArgumentParser
import Foundation
import TinyVMX

/// `tinyvmx bench`: guest MIPS on the peer workloads and start-up rates, for `Docs/PERFORMANCE.md`.
///
/// Meaningful only in a release build (`swift run -c release tinyvmx bench`); a debug build is ~20× slower.
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure guest MIPS (W1 ALU, W2 memory, W3 call/ret) and start-up runs per second (W4)."
    )

    @Option(help: "Timed repetitions per workload; the median is reported.")
    public var runs: Int = 3

    @Option(help: "W4 iterations for the start-up rates.")
    public var startupIterations: Int = 20_000

    @Option(name: .customLong("engine"), help: "Engine to measure (repeatable; default: interpreter and auto).")
    public var engines: [Machine.Engine] = [.interpreter, .auto]

    @Flag(help: "Only the start-up measurement (W4).")
    public var startupOnly = false

    @Flag(help: "Print JSON.")
    public var json = false

    public init() {}

    struct Workload {
        var name: String
        var file: String
        var instructions: UInt64
    }

    static let workloads = [
        Workload(name: "W1 alu loop", file: "bench/w1_alu.S", instructions: 200_000_003 + 1),
        Workload(name: "W2 memory loop", file: "bench/w2_mem.S", instructions: 2 + 140_032_772 + 1),
        Workload(name: "W3 call/ret loop", file: "bench/w3_call.S", instructions: 200_000_003 + 1),
    ]

    public func run() throws {
        var output = StandardOutput()
        try execute(to: &output)
    }

    /// Runs the selected measurements and writes the table (or JSON) to `out`.
    public func execute<Out: TextOutputStream>(to out: inout Out) throws {
        #if DEBUG
        FileHandle.standardError.write(Data("warning: debug build; use `swift run -c release tinyvmx bench`\n".utf8))
        #endif
        var rows: [(String, JSONValue)] = []
        for w in startupOnly ? [] : Self.workloads {
            let image = try Toolchain.loadProgram(path: ProgramsDirectory.file(w.file), baseAddress: 0x10000, entry: nil)
            var perEngine: [(String, JSONValue)] = []
            var mipsByEngine: [Machine.Engine: Double] = [:]
            var line = String(format: "%-18@", w.name as NSString)
            for engine in engines {
                var times: [Double] = []
                var stats = Machine.Statistics()
                for _ in 0..<max(runs, 1) {
                    var configuration = Machine.Configuration()
                    configuration.engine = engine
                    let machine = Machine(configuration: configuration)
                    machine.load(image)
                    let start = DispatchTime.now().uptimeNanoseconds
                    let result = machine.run(maxInstructions: 1 << 40)
                    let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                    guard result.stop == .halt, result.instructions == w.instructions else {
                        throw ValidationError("\(w.name) (\(engine)): stopped with \(result.stop) after \(result.instructions) instructions, expected halt after \(w.instructions)")
                    }
                    times.append(elapsed)
                    stats = machine.statistics
                }
                let median = times.sorted()[times.count / 2]
                let mips = Double(w.instructions) / median / 1e6
                mipsByEngine[engine] = mips
                let perBlock = stats.jitBlocksCompiled == 0 ? 0 : Double(stats.jitTranslationNanoseconds) / Double(stats.jitBlocksCompiled) / 1000
                perEngine.append((engine.rawValue, .object([
                    ("seconds", .string(String(format: "%.4f", median))),
                    ("mips", .number(UInt64(mips.rounded()))),
                    ("blocksCompiled", .number(stats.jitBlocksCompiled)),
                    ("translationMicrosecondsPerBlock", .decimal((perBlock * 10).rounded() / 10)),
                    ("compiledInstructionShare", .decimal(Double(stats.jitInstructions) / Double(w.instructions))),
                ])))
                line += String(format: "  %@ %8.4f s %7.0f MIPS", engine.rawValue as NSString, median, mips)
                if stats.jitBlocksCompiled > 0 { line += String(format: " (%d blocks, %.1f µs/block)", stats.jitBlocksCompiled, perBlock) }
            }
            if let i = mipsByEngine[.interpreter], let j = mipsByEngine[.auto] ?? mipsByEngine[.jit] {
                perEngine.append(("ratio", .decimal((j / i * 10).rounded() / 10)))
                line += String(format: "  ratio %.1f×", j / i)
            }
            rows.append((w.name, .object(perEngine)))
            if !json { print(line, to: &out) }
        }
        let snippet = try Toolchain.loadProgram(path: ProgramsDirectory.file("bench/w4_startup.S"), baseAddress: 0x10000, entry: nil)
        let fresh = measure(iterations: startupIterations) {
            let m = Machine()
            m.load(snippet)
            m.run()
            return m[.rax] &+ m[.rbx] &+ m[.rcx]
        }
        let reused = Machine()
        reused.load(snippet)
        let reuse = measure(iterations: startupIterations * 10) {
            reused.reset()
            reused.run()
            return reused[.rax] &+ reused[.rbx] &+ reused[.rcx]
        }
        rows.append(("W4 startup", .object([("freshMachineRunsPerSecond", .number(UInt64(fresh))),
                                             ("reusedMachineRunsPerSecond", .number(UInt64(reuse)))])))
        if json {
            print(JSONValue.object(rows).rendered, to: &out)
        } else {
            print(String(format: "W4 startup         %8.0f runs/s fresh machine, %8.0f runs/s reusing one machine with reset()", fresh, reuse), to: &out)
        }
    }

    private func measure(iterations: Int, _ body: () -> UInt64) -> Double {
        var sink: UInt64 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<iterations { sink &+= body() }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if sink == 42 { FileHandle.standardError.write(Data()) }  // keep the work observable
        return Double(iterations) / elapsed
    }
}
