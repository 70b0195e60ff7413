import Foundation
import Synchronization
import Testing
import TinyVMX
import TinyVMXOracle

/// Random instruction sequences run natively and in the interpreter must end in the same registers, flags (those
/// the SDM defines), data and faults. See `FuzzConfiguration` for the environment knobs.
@Suite("Differential: interpreter vs host CPU")
struct DifferentialTests {
    /// Reports at most this many mismatches per batch in full (minimized); the rest are listed by seed.
    static let fullReports = 2
    /// Minimizing costs `as` runs: at most this many minimized reports per process (the rest are reported as found).
    static let minimizationBudget = Mutex(8)

    @Test("random sequences", arguments: FuzzConfiguration.batches)
    func randomSequences(batch: Int) throws {
        let base = FuzzConfiguration.seed
        let count = min(FuzzConfiguration.batchSize, FuzzConfiguration.sequences - batch * FuzzConfiguration.batchSize)
        let generator = InstructionGenerator(options: FuzzConfiguration.options)
        let sequences = (0..<count).map {
            generator.generate(seed: FuzzConfiguration.sequenceSeed(base: base, batch: batch, index: $0))
        }
        let runner = DifferentialRunner()
        let mismatches = try runner.check(batch: sequences) { "base seed \(hex(base)), batch \(batch), sequence \($0)" }
        report(mismatches, of: count, runner: runner)
    }

    /// Sequences ending in an instruction meant to fault (see `InstructionGenerator.generateFault`): the vector,
    /// the RIP and the state at the fault must agree with the host.
    @Test("faults")
    func faults() throws {
        let base = FuzzConfiguration.seed ^ 0xFA_017
        let generator = InstructionGenerator(options: FuzzConfiguration.options)
        let sequences = (0..<1500).map {
            generator.generateFault(seed: FuzzConfiguration.sequenceSeed(base: base, batch: 0, index: $0))
        }
        let runner = DifferentialRunner()
        let codes = try runner.assemble(sequences.map(\.source))
        var mismatches: [Mismatch] = []
        var vectors: [Int: Int] = [:]
        for (k, s) in sequences.enumerated() {
            let (mismatch, host) = try runner.compareRuns(s, code: codes[k], origin: "faults, base seed \(hex(base)), sequence \(k)")
            if let mismatch { mismatches.append(mismatch) }
            if case .fault(let v, _) = host.stop { vectors[v, default: 0] += 1 }
        }
        // #DE, #BP, #UD, #SS and #GP must all have been exercised.
        for vector in [0, 3, 6, 12, 13] {
            #expect(vectors[vector, default: 0] > 20, "vector \(vector) raised only \(vectors[vector, default: 0]) times: \(vectors)")
        }
        report(mismatches, of: sequences.count, runner: runner)
    }

    /// `TINYVMX_FUZZ_REPLAY=<sequence seed>` reruns one sequence from a report and prints it.
    @Test("replay one sequence", .enabled(if: FuzzConfiguration.replaySeed != nil))
    func replay() throws {
        let seed = try #require(FuzzConfiguration.replaySeed)
        let sequence = InstructionGenerator(options: FuzzConfiguration.options).generate(seed: seed)
        let runner = DifferentialRunner()
        let code = try runner.assemble([sequence.source])[0]
        print(sequence.source)
        report(try runner.check(sequence, code: code, origin: "replay").map { [$0] } ?? [], of: 1, runner: runner)
    }

    /// `TINYVMX_FUZZ_SOURCE='<AT&T assembly, ; or newline separated>'` runs a snippet on both sides (registers 0
    /// except RSP/R15 and those given as `TINYVMX_FUZZ_REGS=rax=0x5,rcx=7`; flags from `TINYVMX_FUZZ_FLAGS`) and
    /// prints both results; it fails if they differ (all status flags compared).
    @Test("run one snippet", .enabled(if: FuzzConfiguration.environment["TINYVMX_FUZZ_SOURCE"] != nil))
    func snippet() throws {
        let source = FuzzConfiguration.environment["TINYVMX_FUZZ_SOURCE", default: ""]
            .replacingOccurrences(of: ";", with: "\n")
        var gpr = [UInt64](repeating: 0, count: 16)
        gpr[4] = FuzzLayout.dataAddress + FuzzLayout.rspOffset
        gpr[15] = FuzzLayout.dataAddress + FuzzLayout.r15Offset
        for assignment in FuzzConfiguration.environment["TINYVMX_FUZZ_REGS", default: ""].split(separator: ",") {
            let parts = assignment.split(separator: "=").map(String.init)
            guard parts.count == 2, let i = GPRNames.r64.firstIndex(of: parts[0]) else { continue }
            gpr[i] = parts[1].hasPrefix("0x") ? UInt64(parts[1].dropFirst(2), radix: 16)! : UInt64(bitPattern: Int64(parts[1])!)
        }
        let rflags = (FuzzConfiguration.number("TINYVMX_FUZZ_FLAGS") ?? 0) | 2
        let unit = SequenceUnit(family: "snippet", lines: [source], requires: [], defines: .status, undefines: [])
        let sequence = GeneratedSequence(seed: 0, units: [unit], initial: InitialState(gpr: gpr, rflags: rflags, dataSeed: 1))
        let runner = DifferentialRunner()
        let code = try runner.assemble([source])[0]
        let data = DataImage.make(seed: 1, size: FuzzLayout.dataSize)
        let host = try runner.runHost(code: code, initial: sequence.initial, data: data)
        let interpreter = try runner.runInterpreter(code: code, initial: sequence.initial, data: data)
        print("code: \(hex(code))")
        print("host (\(host.stop)), flags \(FlagSet.render(host.rflags & FlagSet.comparableBits)):\n" + Mismatch.registers(host.gpr, against: interpreter.gpr))
        print("interpreter (\(interpreter.stop)), flags \(FlagSet.render(interpreter.rflags & FlagSet.comparableBits)):\n" + Mismatch.registers(interpreter.gpr, against: host.gpr))
        for d in runner.compare(host, interpreter, flags: .status) { Issue.record(Comment(rawValue: d.description)) }
    }

    /// `TINYVMX_FUZZ_STATS=1` prints what the generator produces: units per family, mnemonics, how many status
    /// flags are still compared at the end, and how many instructions both sides retire.
    @Test("generator statistics", .enabled(if: FuzzConfiguration.environment["TINYVMX_FUZZ_STATS"] != nil))
    func statistics() throws {
        let generator = InstructionGenerator(options: FuzzConfiguration.options)
        var families: [String: Int] = [:]
        var mnemonics: [String: Int] = [:]
        var comparedFlags = 0
        var lines = 0
        let count = 2000
        for k in 0..<count {
            let s = generator.generate(seed: FuzzConfiguration.sequenceSeed(base: FuzzConfiguration.seed, batch: 0, index: k))
            for u in s.units { families[u.family, default: 0] += 1 }
            comparedFlags += s.definedFlags().map { $0.rawValue.nonzeroBitCount } ?? 0
            for line in s.source.split(separator: "\n") {
                var words = line.split(separator: " ").map(String.init)
                if let first = words.first, first.hasSuffix(":") { words.removeFirst() }
                while let first = words.first, ["lock", "rep", "repe", "repz", "repne", "repnz", "addr32", "{load}",
                                                "{store}", "{disp32}"].contains(first) { words.removeFirst() }
                guard let m = words.first else { continue }
                mnemonics[m, default: 0] += 1
                lines += 1
            }
        }
        print("families:", families.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("mnemonics (\(mnemonics.count) distinct, \(lines) lines):",
              mnemonics.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("average status flags compared at the end: \(Double(comparedFlags) / Double(count)) of 6")
    }

    private func report(_ mismatches: [Mismatch], of count: Int, runner: DifferentialRunner) {
        guard !mismatches.isEmpty else { return }
        let minimizer = SequenceMinimizer(runner: runner)
        for m in mismatches.prefix(Self.fullReports) {
            let minimize = Self.minimizationBudget.withLock { budget in
                budget -= 1
                return budget >= 0
            }
            Issue.record(Comment(rawValue: (minimize ? minimizer.minimize(m) : m).description))
        }
        if mismatches.count > Self.fullReports {
            let rest = mismatches.dropFirst(Self.fullReports).prefix(30).map {
                "  \($0.origin), seed \(hex($0.sequence.seed)): \($0.differences.first.map(String.init(describing:)) ?? "")"
            }
            let more = mismatches.count - Self.fullReports
            let listed = rest.joined(separator: "\n") + (more > rest.count ? "\n  …" : "")
            Issue.record(Comment(rawValue: "\(more) more mismatches (first differences):\n" + listed))
        }
        Issue.record("\(mismatches.count) of \(count) sequences mismatched")
    }
}

/// The comparison must be able to fail: a state deliberately made different is reported.
@Suite("Differential: the comparison is not vacuous")
struct DifferentialSelfTests {
    let runner = DifferentialRunner()

    func sequence(_ source: String, flags: FlagSet = .status) -> GeneratedSequence {
        var gpr = (0..<16).map { UInt64($0) &* 0x0101_0101_0101_0101 }
        gpr[4] = FuzzLayout.dataAddress + FuzzLayout.rspOffset
        gpr[15] = FuzzLayout.dataAddress + FuzzLayout.r15Offset
        let unit = SequenceUnit(family: "test", lines: [source], requires: [], defines: flags,
                                undefines: FlagSet.status.subtracting(flags))
        return GeneratedSequence(seed: 0, units: [unit], initial: InitialState(gpr: gpr, rflags: 0x2, dataSeed: 1))
    }

    @Test func identicalRunsAgree() throws {
        let s = sequence("add %rbx, %rax\nmov %rax, 8(%r15)\npush %rcx")
        let code = try runner.assemble([s.source])[0]
        #expect(try runner.check(s, code: code, origin: "self test") == nil)
    }

    @Test func differentRegisterFlagsAndMemoryAreReported() throws {
        let s = sequence("add %rbx, %rax\nmov %rax, 8(%r15)")
        let code = try runner.assemble([s.source])[0]
        let data = DataImage.make(seed: 1, size: FuzzLayout.dataSize)
        let host = try runner.runHost(code: code, initial: s.initial, data: data)
        var changed = s.initial
        changed.gpr[0] &+= 1
        let interpreter = try runner.runInterpreter(code: code, initial: changed, data: data)
        let fields = runner.compare(host, interpreter, flags: .status).map(\.field)
        #expect(fields.contains("rax"))
        #expect(fields.contains { $0.hasPrefix("data +0x") })

        changed = s.initial
        changed.gpr[3] = 0 &- changed.gpr[0]  // rax + rbx carries out
        let carry = try runner.runInterpreter(code: code, initial: changed, data: data)
        #expect(runner.compare(host, carry, flags: .status).map(\.field).contains("rflags"))
        // The same flags difference is ignored when the flags are undefined.
        let carryOnly = runner.compare(host, carry, flags: []).map(\.field)
        #expect(!carryOnly.contains("rflags"))
    }

    @Test func differentCodeIsReported() throws {
        let host = sequence("mov $5, %eax")
        let codes = try runner.assemble([host.source, "mov $6, %eax"])
        let data = DataImage.make(seed: 1, size: FuzzLayout.dataSize)
        let h = try runner.runHost(code: codes[0], initial: host.initial, data: data)
        let i = try runner.runInterpreter(code: codes[1], initial: host.initial, data: data)
        #expect(runner.compare(h, i, flags: .status).map(\.field) == ["rax"])
    }

    @Test func faultsAreCompared() throws {
        let s = sequence("xor %ecx, %ecx\ndiv %ecx", flags: [])
        let code = try runner.assemble([s.source])[0]
        let data = DataImage.make(seed: 1, size: FuzzLayout.dataSize)
        let h = try runner.runHost(code: code, initial: s.initial, data: data)
        #expect(h.stop == .fault(vector: 0, rip: FuzzLayout.codeAddress + 2))
        let completed = try runner.runInterpreter(code: [0x90], initial: s.initial, data: data)
        #expect(runner.compare(h, completed, flags: []).map(\.field).contains("stop"))
    }

    @Test func generatedSequencesAreFlagValidAndAssemble() throws {
        let generator = InstructionGenerator(options: FuzzConfiguration.options)
        let sequences = (0..<200).map { generator.generate(seed: UInt64($0) &* 7919) }
        #expect(sequences.allSatisfy { $0.definedFlags() != nil })
        let codes = try runner.assemble(sequences.map(\.source))
        #expect(codes.allSatisfy { !$0.isEmpty })
        // Same seed, same sequence.
        #expect(generator.generate(seed: 42) == generator.generate(seed: 42))
    }
}
