import TinyVMX
import TinyVMXOracle

/// Runs generated sequences natively (the host-CPU oracle) and in the interpreter and compares the results.
///
/// A batch is assembled with one `as` run: sequence K sits between the labels `seq_K` and `seq_K_end`, and its
/// bytes are sliced out of `.text` with the two symbols. Both sides get the bytes at the oracle's code address
/// (so CALL pushes, RIP-relative operands and LEA of labels agree); the interpreter copy is followed by a HLT,
/// the host one by the oracle's return sequence. Both start with the same GPRs, flags and data region.
struct DifferentialRunner {
    enum Failure: Error, CustomStringConvertible {
        case noTextSection
        case relocations(Int)
        case missingSymbol(String)
        case invalidSequence(UInt64)

        var description: String {
            switch self {
            case .noTextSection: return "the assembled batch has no .text section"
            case .relocations(let n): return "the assembled batch has \(n) relocations in .text (a label left a sequence?)"
            case .missingSymbol(let s): return "symbol \(s) missing from the assembled batch"
            case .invalidSequence(let seed): return "sequence \(hex(seed)) reads a flag it left undefined (generator bug)"
            }
        }
    }

    /// Instruction budget of an interpreter run (generated sequences retire at most a few hundred).
    var instructionBudget: UInt64 = 100_000

    init() {
        precondition(HostCPU.codeAddress == FuzzLayout.codeAddress && HostCPU.dataAddress == FuzzLayout.dataAddress)
        precondition(FuzzLayout.dataSize <= HostCPU.dataSize)
    }

    // MARK: Assembling

    /// Assembles all the sources with one `as` run and returns each one's machine code.
    func assemble(_ sources: [String]) throws -> [[UInt8]] {
        var text = ".text\n"
        for (k, source) in sources.enumerated() {
            text += "seq_\(k):\n\(source)\nseq_\(k)_end:\n"
        }
        let object = try Toolchain.assembleObject(text)
        guard let section = object.section(named: ".text") else { throw Failure.noTextSection }
        let relocations = object.relocationSections.filter { $0.targetSectionIndex == section.index }
            .reduce(0) { $0 + $1.relocations.count }
        guard relocations == 0 else { throw Failure.relocations(relocations) }
        var address: [String: Int] = [:]
        for symbol in object.symbols where symbol.definition == .section(section.index) {
            address[symbol.name] = Int(symbol.value)
        }
        return try sources.indices.map { k in
            guard let start = address["seq_\(k)"] else { throw Failure.missingSymbol("seq_\(k)") }
            guard let end = address["seq_\(k)_end"] else { throw Failure.missingSymbol("seq_\(k)_end") }
            return Array(section.contents[start..<end])
        }
    }

    // MARK: Running

    func runHost(code: [UInt8], initial: InitialState, data: [UInt8]) throws -> RunOutcome {
        let run = try HostCPU.run(
            code: code, state: HostCPUState(gpr: initial.gpr, rflags: initial.rflags), data: data,
            dataLength: FuzzLayout.dataSize)
        let stop: RunOutcome.Stop
        switch run.outcome {
        case .completed: stop = .completed
        case .fault(_, let vector, _, _, let rip): stop = .fault(vector: vector, rip: rip)
        case .timedOut(let rip): stop = .timedOut(rip: rip)
        }
        return RunOutcome(stop: stop, gpr: run.state.gpr, rflags: run.state.rflags, data: run.data)
    }

    func runInterpreter(
        code: [UInt8], initial: InitialState, data: [UInt8], engine: Machine.Engine = .interpreter
    ) throws -> RunOutcome {
        var configuration = Machine.Configuration()
        configuration.engine = engine
        let machine = Machine(configuration: configuration)
        try machine.writeMemory(data, at: FuzzLayout.dataAddress)
        try machine.load(bytes: code + [0xF4], at: FuzzLayout.codeAddress)
        let registers = Register.allCases.prefix(16)
        for (i, r) in registers.enumerated() { machine[r] = initial.gpr[i] }
        machine[.rflags] = (initial.rflags & FlagSet.comparableBits) | 0x2
        let result = machine.run(maxInstructions: instructionBudget)
        let stop: RunOutcome.Stop
        switch result.stop {
        case .halt:
            stop = result.rip == FuzzLayout.codeAddress + UInt64(code.count) + 1 ? .completed : .halt(rip: result.rip)
        case .exception(let vector, _): stop = .fault(vector: Int(vector), rip: result.rip)
        case .instructionLimit: stop = .instructionLimit(rip: result.rip)
        case .unsupported(let u): stop = .unsupported(u.description)
        case .tripleFault: stop = .unsupported("triple fault at 0x\(String(result.rip, radix: 16))")
        case .breakpoint: stop = .unsupported("breakpoint without breakpoints")
        }
        return RunOutcome(
            stop: stop, gpr: registers.map { machine[$0] }, rflags: machine[.rflags],
            data: try machine.readMemory(at: FuzzLayout.dataAddress, count: FuzzLayout.dataSize))
    }

    // MARK: Comparing

    /// The fields that differ; flags are compared on `flags` plus DF (`exact`: every RFLAGS bit, for the
    /// JIT against the interpreter, which must agree on undefined flags too).
    func compare(_ host: RunOutcome, _ interpreter: RunOutcome, flags: FlagSet, exact: Bool = false) -> [Difference] {
        var out: [Difference] = []
        if host.stop != interpreter.stop {
            out.append(Difference(field: "stop", host: "\(host.stop)", interpreter: "\(interpreter.stop)"))
        }
        for i in 0..<16 where host.gpr[i] != interpreter.gpr[i] {
            out.append(Difference(field: GPRNames.r64[i], host: hex(host.gpr[i]), interpreter: hex(interpreter.gpr[i])))
        }
        let mask = exact ? ~0 : flags.rawValue | FlagSet.directionBit
        if host.rflags & mask != interpreter.rflags & mask {
            out.append(Difference(
                field: "rflags", host: FlagSet.render(host.rflags & mask),
                interpreter: FlagSet.render(interpreter.rflags & mask)))
        }
        if host.data != interpreter.data {
            var ranges = 0
            var i = 0
            let n = min(host.data.count, interpreter.data.count)
            while i < n && ranges < 8 {
                if host.data[i] == interpreter.data[i] {
                    i += 1
                    continue
                }
                let start = i & ~7
                var end = i
                while end < n && end < start + 32 && host.data[end] != interpreter.data[end] { end += 1 }
                end = min(n, (end + 7) & ~7)
                out.append(Difference(
                    field: "data +\(hex(UInt64(start))) (\(hex(FuzzLayout.dataAddress + UInt64(start))))",
                    host: hex(host.data[start..<end]), interpreter: hex(interpreter.data[start..<end])))
                ranges += 1
                i = end
            }
        }
        return out
    }

    /// Runs one assembled sequence on both sides and compares the results.
    func check(_ sequence: GeneratedSequence, code: [UInt8], origin: String) throws -> Mismatch? {
        try compareRuns(sequence, code: code, origin: origin).mismatch
    }

    /// Runs one assembled sequence on both sides: the mismatch if any, and the host's outcome.
    func compareRuns(_ sequence: GeneratedSequence, code: [UInt8], origin: String) throws
        -> (mismatch: Mismatch?, host: RunOutcome)
    {
        let data = DataImage.make(seed: sequence.initial.dataSeed, size: FuzzLayout.dataSize)
        let host = try runHost(code: code, initial: sequence.initial, data: data)
        let interpreter = try runInterpreter(code: code, initial: sequence.initial, data: data)
        var faulted = false
        if case .fault = host.stop { faulted = true }
        let flagsAfter = sequence.mayFaultAtEnd && faulted
            ? sequence.definedFlags(afterUnits: sequence.units.count - 1) : sequence.definedFlags()
        guard let flags = flagsAfter else { throw Failure.invalidSequence(sequence.seed) }
        // The same code compiled by the JIT (every block, on first execution): held to the host like the
        // interpreter, and to the interpreter bit for bit.
        let jit = try runInterpreter(code: code, initial: sequence.initial, data: data, engine: .jit)
        let differences = compare(host, interpreter, flags: flags)
            + compare(host, jit, flags: flags).map { d in
                Difference(field: "jit " + d.field, host: d.host, interpreter: d.interpreter)
            }
            + compare(interpreter, jit, flags: flags, exact: true).map { d in
                Difference(field: "jit vs interpreter " + d.field, host: d.host, interpreter: d.interpreter)
            }
        if differences.isEmpty { return (nil, host) }
        let mismatch = Mismatch(
            origin: origin, sequence: sequence, code: code, comparedFlags: flags, host: host,
            interpreter: interpreter, differences: differences)
        return (mismatch, host)
    }

    /// Assembles and checks a batch; `origin(k)` names sequence k in reports.
    func check(batch: [GeneratedSequence], origin: (Int) -> String) throws -> [Mismatch] {
        let codes = try assemble(batch.map(\.source))
        var mismatches: [Mismatch] = []
        for (k, sequence) in batch.enumerated() {
            if let m = try check(sequence, code: codes[k], origin: origin(k)) { mismatches.append(m) }
        }
        return mismatches
    }
}
