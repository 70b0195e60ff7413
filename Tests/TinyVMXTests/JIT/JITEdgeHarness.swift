import Testing
import TinyVMX

/// Shared pieces of the JIT edge-case tests: machines with a chosen engine (bare profile, or SystemHarness's
/// environment with 4 KiB pages), a complete snapshot of what a run observably did, and checks that every
/// engine matches the interpreter and that the JIT really ran compiled code.
enum JITEdge {
    static let engines: [Machine.Engine] = [.interpreter, .jit, .auto]

    /// A bare-profile machine running `engine`.
    static func machine(_ engine: Machine.Engine) -> Machine {
        var c = Machine.Configuration()
        c.engine = engine
        return Machine(configuration: c)
    }

    /// Assembles `code` (entry `_start`, prepended) at 0x400000.
    static func assemble(_ code: String, at address: UInt64 = Machine.defaultLoadAddress) throws -> ProgramImage {
        try Toolchain.assembleProgram(".globl _start\n_start:\n" + code, at: address)
    }

    /// The bytes of position-independent `code` assembled on its own.
    static func flatBytes(_ code: String) throws -> [UInt8] {
        try assemble(code).segments.flatMap(\.bytes)
    }

    /// Differences between the engines' outcomes and the interpreter's, one line per mismatch.
    static func mismatches(_ outcomes: [Machine.Engine: JITEdgeOutcome], _ label: String) -> [String] {
        guard let reference = outcomes[.interpreter] else { return ["\(label): no interpreter run"] }
        return engines.compactMap { engine in
            guard engine != .interpreter, let o = outcomes[engine] else { return nil }
            let d = o.differences(from: reference)
            return d.isEmpty ? nil : "\(label) [\(engine) vs interpreter]: " + d.joined(separator: "; ")
        }
    }

    /// Records one issue listing the first few mismatches (a sweep over hundreds of cases stays readable).
    static func expectNoMismatches(_ list: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(list.isEmpty, Comment(rawValue: "\(list.count) mismatching case(s):\n" + list.prefix(6).joined(separator: "\n")),
                sourceLocation: sourceLocation)
    }

    /// The interpreter compiled nothing; `.jit` (and `.auto` when `autoHot`) retired instructions in
    /// compiled code.
    static func expectTiers(_ stats: [Machine.Engine: Machine.Statistics], autoHot: Bool = true,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(stats[.interpreter]?.jitInstructions == 0 && stats[.interpreter]?.jitBlocksCompiled == 0,
                sourceLocation: sourceLocation)
        #expect((stats[.jit]?.jitInstructions ?? 0) > 0, "JIT retired nothing: \(String(describing: stats[.jit]))",
                sourceLocation: sourceLocation)
        if autoHot {
            #expect((stats[.auto]?.jitInstructions ?? 0) > 0, "auto retired nothing compiled: \(String(describing: stats[.auto]))",
                    sourceLocation: sourceLocation)
        }
    }
}

/// Everything a run observably produced.
struct JITEdgeOutcome: Equatable {
    var stop: StopReason
    var rip: UInt64
    var instructions: UInt64
    var instructionsExecuted: UInt64
    var gprs: [UInt64]
    var rflags: UInt64
    var cr2: UInt64
    var cr3: UInt64
    var nmiBlocked: Bool
    var halted: Bool
    var memory: [UInt8]

    init(_ m: Machine, _ r: RunResult, memory regions: [(address: UInt64, count: Int)] = []) throws {
        stop = r.stop
        rip = r.rip
        instructions = r.instructions
        instructionsExecuted = m.instructionsExecuted
        gprs = Register.allCases.filter { $0.gprNumber != nil }.map { m[$0] }
        rflags = m[.rflags]
        cr2 = m[.cr2]
        cr3 = m[.cr3]
        nmiBlocked = m.nmiBlocked
        halted = m.isHalted
        memory = try regions.flatMap { try m.readMemory(at: $0.address, count: $0.count) }
        #expect(m[.rip] == r.rip)
    }

    func differences(from o: JITEdgeOutcome) -> [String] {
        func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
        var d: [String] = []
        if stop != o.stop { d.append("stop \(stop) != \(o.stop)") }
        if rip != o.rip { d.append("rip \(hex(rip)) != \(hex(o.rip))") }
        if instructions != o.instructions { d.append("instructions \(instructions) != \(o.instructions)") }
        if instructionsExecuted != o.instructionsExecuted { d.append("executed \(instructionsExecuted) != \(o.instructionsExecuted)") }
        let names = Register.allCases.filter { $0.gprNumber != nil }
        for i in gprs.indices where gprs[i] != o.gprs[i] { d.append("\(names[i]) \(hex(gprs[i])) != \(hex(o.gprs[i]))") }
        if rflags != o.rflags { d.append("rflags \(hex(rflags)) != \(hex(o.rflags))") }
        if cr2 != o.cr2 { d.append("cr2 \(hex(cr2)) != \(hex(o.cr2))") }
        if cr3 != o.cr3 { d.append("cr3 \(hex(cr3)) != \(hex(o.cr3))") }
        if nmiBlocked != o.nmiBlocked { d.append("nmiBlocked \(nmiBlocked) != \(o.nmiBlocked)") }
        if halted != o.halted { d.append("halted \(halted) != \(o.halted)") }
        if memory != o.memory {
            let first = zip(memory, o.memory).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? -1
            d.append("memory differs (first at region offset \(first))")
        }
        return d
    }
}
