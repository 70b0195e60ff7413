import Testing

/// A sequence on which the interpreter once disagreed with the host CPU (or a hand-written guard for a tricky
/// case), replayed against the oracle on every test run by `RegressionTests`.
struct RegressionCase: Sendable, CustomTestStringConvertible {
    /// Short identifier, shown as the test case's name.
    var name: String
    /// What went wrong and what the host does (for the report).
    var note: String
    /// AT&T assembly; R15 and RSP point into the data region as in the fuzzer.
    var source: String
    /// RAX RCX RDX RBX RSP RBP RSI RDI R8..R15; `nil` entries take the fuzzer's defaults (0, and RSP/R15 into the
    /// data region).
    var gpr: [UInt64?]
    var rflags: UInt64 = 0x2
    var dataSeed: UInt64 = 1
    /// Status flags compared at the end (DF always is): those defined there.
    var comparedFlags: FlagSet = .status

    init(
        _ name: String, note: String, source: String, gpr: [Int: UInt64] = [:], rflags: UInt64 = 0x2,
        dataSeed: UInt64 = 1, comparedFlags: FlagSet = .status
    ) {
        self.name = name
        self.note = note
        self.source = source
        var registers = [UInt64?](repeating: nil, count: 16)
        for (i, v) in gpr { registers[i] = v }
        self.gpr = registers
        self.rflags = rflags
        self.dataSeed = dataSeed
        self.comparedFlags = comparedFlags
    }

    /// A regression case from a fuzzer report (all sixteen registers given).
    init(
        name: String, note: String = "", source: String, gpr: [UInt64], rflags: UInt64, dataSeed: UInt64,
        comparedFlags: UInt64
    ) {
        self.name = name
        self.note = note
        self.source = source
        self.gpr = gpr.map { $0 }
        self.rflags = rflags
        self.dataSeed = dataSeed
        self.comparedFlags = FlagSet(rawValue: comparedFlags)
    }

    var testDescription: String { name }

    /// The case as a one-unit sequence whose defined flags at the end are `comparedFlags`.
    var sequence: GeneratedSequence {
        var registers = gpr.map { $0 ?? 0 }
        registers[4] = gpr[4] ?? FuzzLayout.dataAddress + FuzzLayout.rspOffset
        registers[15] = gpr[15] ?? FuzzLayout.dataAddress + FuzzLayout.r15Offset
        let unit = SequenceUnit(
            family: "regression", lines: [source], requires: [], defines: comparedFlags,
            undefines: FlagSet.status.subtracting(comparedFlags))
        return GeneratedSequence(
            seed: 0, units: [unit], initial: InitialState(gpr: registers, rflags: rflags, dataSeed: dataSeed))
    }
}
