import CTinyVMXNative

/// An x86-64 machine that runs real machine code: create it, load a program, run it with a budget, inspect it.
///
/// A new machine is in the *bare profile*: 64-bit mode, CPL 0, CR0 `0x80050033`, CR4 with PAE, EFER
/// LME|LMA|NXE|SCE, the low 4 GiB identity-mapped by page tables at `barePageTables`, RSP at
/// `Machine.defaultStackTop`, no IDT until the program executes LIDT (so an
/// exception stops the run instead of being delivered).
///
/// ```swift
/// let machine = Machine()
/// try machine.load(bytes: [0x48, 0x01, 0xD8, 0xF4], at: 0x40_0000)   // add rax, rbx; hlt
/// machine[.rax] = 2; machine[.rbx] = 40
/// let result = machine.run()
/// // result.stop == .halt, machine[.rax] == 42
/// ```
///
/// A machine is single-threaded and deterministic: the same program and inputs give the same result.
public final class Machine {
    /// Where `load(bytes:at:)` callers usually put flat code, and where ELF objects are placed by default.
    public static let defaultLoadAddress: UInt64 = 0x40_0000
    /// RSP at start (the stack grows down from here).
    public static let defaultStackTop: UInt64 = 0x80_0000
    /// Default budget for `run()`.
    public static let defaultMaxInstructions: UInt64 = 100_000_000

    let core: Core
    /// Register values right after the last load, restored by `reset()`.
    private var initialState = tvx_cpu_state()
    /// Physical address of the bare profile's PML4 (see `BarePageTables`): CR3 at start.
    public private(set) var barePageTables: UInt64 = 0
    /// Event state right after the last load (no IDT, nothing pending or scheduled), restored by `reset()`.
    private var initialEvents = InterruptState()
    /// VMX state right after the last load (outside VMX operation), restored by `reset()`.
    private var initialVMX = VMXState()

    /// Creates a machine in the bare profile with empty memory.
    public init(configuration: Configuration = Configuration()) {
        core = Core(configuration: configuration)
        applyBareProfile()
        initialState = core.state.pointee
        core.memory.takeSnapshot()
    }

    private func applyBareProfile() {
        let s = core.state
        s.pointee = tvx_cpu_state()
        s.pointee.rflags = RFLAGS.reserved1
        s.pointee.cr0 = 0x8005_0033
        s.pointee.cr4 = 0x20  // PAE
        s.pointee.efer = 0xD01  // SCE | LME | LMA | NXE
        s.pointee.gpr.4 = Self.defaultStackTop
        s.pointee.rip = Self.defaultLoadAddress
        s.pointee.tsc = core.configuration.initialTSC
        s.pointee.cs = Self.bareCodeSelector
        s.pointee.ss = Self.bareStackSelector
        s.pointee.xcr0 = 1
        s.pointee.dr7 = 0x400
        barePageTables = BarePageTables.build(in: core.memory, identityMapLimit: core.configuration.identityMapLimit)
        s.pointee.cr3 = barePageTables
    }

    /// CS of the bare profile: a 64-bit ring-0 code segment (GDT index 1, as in the host runtime's GDT).
    public static let bareCodeSelector: UInt16 = 0x08
    /// SS of the bare profile: ring-0 data (GDT index 2).
    public static let bareStackSelector: UInt16 = 0x10

    // MARK: Loading

    /// Loads a program image: copies its segments into memory and sets RIP to its entry point.
    /// The state after loading is what `reset()` returns to.
    public func load(_ image: ProgramImage) {
        for segment in image.segments {
            core.memory.write(segment.bytes, at: segment.address)
        }
        core.rip = image.entry
        commitLoad()
    }

    /// Loads flat code (the `.bin` / `--hex` form) at `address` and sets RIP to it.
    public func load(bytes: [UInt8], at address: UInt64 = Machine.defaultLoadAddress) throws {
        load(ProgramImage.flat(bytes, at: address))
    }

    /// Makes the current state the one ``reset()`` returns to, and restarts the instruction count at 0: run to
    /// an interesting point once, then replay from there many times (the CR2 lab's NMI sweep does).
    public func makeResetPoint() {
        commitLoad()
    }

    private func commitLoad() {
        core.materializeFlags()
        core.flushDecodedCode()
        core.flushTLB()
        initialState = core.state.pointee
        initialEvents = core.events
        initialVMX = core.vmx
        core.memory.takeSnapshot()
        core.instructionCount = 0
        core.fuelUsed = 0
    }

    /// Returns registers and memory to the state right after the last load (or creation). Costs time in
    /// proportion to the pages written since, and keeps decoded code that was not overwritten.
    public func reset() {
        let restored = core.memory.restoreSnapshot()
        if !restored.isDisjoint(with: core.memory.codePages) { core.flushDecodedCode() }
        core.flushTLB()
        if core.blocksAreUser != (initialState.cs & 3 == 3) { core.flushDecodedCode() }
        core.state.pointee = initialState
        core.events = initialEvents
        core.vmx = initialVMX
        if !core.vmExitLog.isEmpty { core.vmExitLog.removeAll() }
        core.lazy.pointee.kind = .none
        core.instructionCount = 0
        core.fuelUsed = 0
    }

    // MARK: Running

    /// Runs until HLT, an undeliverable exception, an unsupported instruction, or the budget.
    /// - Parameter maxInstructions: Budget for this call: one unit per instruction, plus one per iteration
    ///   after the first of a repeated string instruction, plus one per exception delivered.
    /// - Returns: Why it stopped, where, and how many instructions retired.
    @discardableResult
    public func run(maxInstructions: UInt64 = Machine.defaultMaxInstructions) -> RunResult {
        let startCount = core.instructionCount
        let limit = core.fuelUsed &+ maxInstructions
        let stop = core.run(fuelLimit: limit < core.fuelUsed ? .max : limit)
        return RunResult(stop: publicStop(stop), rip: core.rip, instructions: core.instructionCount - startCount)
    }

    /// Runs like ``run(maxInstructions:)`` but also stops before executing an instruction at one of
    /// `addresses`, however control got there (falling through, a jump, call, return, exception or VM exit),
    /// whichever engine runs. The boundary the run starts at never stops it.
    /// - Returns: `.breakpoint` with RIP on the address, or any stop `run(maxInstructions:)` gives.
    @discardableResult
    public func run(maxInstructions: UInt64 = Machine.defaultMaxInstructions, until addresses: [UInt64]) -> RunResult {
        core.breakpoints = addresses
        core.breakpointRunStart = core.fuelUsed
        defer {
            core.breakpoints = []
            core.breakpointRunStart = .max
        }
        return run(maxInstructions: maxInstructions)
    }

    /// Executes one instruction (a repeated string instruction may take several steps), or performs one
    /// event that happens instead: an exception delivered or a VM exit for an instruction that did not
    /// retire, an NMI or interrupt delivered, or a VM exit at the boundary. Such a step retires nothing
    /// (`instructions == 0`) and stops with `.instructionLimit`, so a tracer sees each event on its own.
    @discardableResult
    public func step() -> RunResult {
        core.stopAfterEvent = true
        defer { core.stopAfterEvent = false }
        return run(maxInstructions: 1)
    }

    private func publicStop(_ stop: Core.InternalStop) -> StopReason {
        switch stop {
        case .halt: return .halt
        case .budget: return .instructionLimit
        case .exception(let f): return .exception(vector: f.vector, errorCode: f.errorCode)
        case .unsupported: return .unsupported(unsupportedInstruction(at: core.rip))
        case .tripleFault: return .tripleFault
        case .events: return .instructionLimit  // never escapes the run loop
        case .breakpoint: return .breakpoint
        }
    }

    private func unsupportedInstruction(at address: UInt64) -> UnsupportedInstruction {
        let raw = instructionBytes(at: address)
        let decoded = core.decoder.disassemble(raw, address: address)
        let bytes = Array(raw.prefix(decoded?.length ?? raw.count))
        return UnsupportedInstruction(address: address, bytes: bytes, disassembly: decoded?.text ?? "?")
    }

    /// Instructions retired since the last load or reset.
    public var instructionsExecuted: UInt64 { core.instructionCount }

    /// Decoder and cache counters.
    public var statistics: Machine.Statistics { core.statistics }
    /// How the machine was built (including which execution engine runs it).
    public var configuration: Configuration { core.configuration }

    // MARK: Registers

    /// Reads or writes a register. Writing RIP, CR3 or paging-related control registers drops decoded code.
    public subscript(register: Register) -> UInt64 {
        get {
            core.materializeFlags()
            let s = core.state.pointee
            if let n = register.gprNumber { return core.g[n] }
            switch register {
            case .rip: return s.rip
            case .rflags: return s.rflags
            case .cr0: return s.cr0
            case .cr2: return s.cr2
            case .cr3: return s.cr3
            case .cr4: return s.cr4
            case .cr8: return s.cr8
            case .efer: return s.efer
            case .fsBase: return s.fs_base
            case .gsBase: return s.gs_base
            case .kernelGSBase: return s.kernel_gs_base
            case .cs: return UInt64(s.cs)
            case .ss: return UInt64(s.ss)
            case .tr: return UInt64(s.tr)
            case .gdtrBase: return s.gdtr_base
            case .gdtrLimit: return UInt64(s.gdtr_limit)
            case .idtrBase: return s.idtr_base
            case .idtrLimit: return UInt64(s.idtr_limit)
            case .trBase: return s.tr_base
            case .trLimit: return UInt64(s.tr_limit)
            case .dr7: return s.dr7
            case .xcr0: return s.xcr0
            default: return 0
            }
        }
        set {
            if let n = register.gprNumber {
                core.g[n] = newValue
                return
            }
            let s = core.state
            switch register {
            case .rip: s.pointee.rip = newValue
            case .rflags: core.rflags = (newValue & ~(0xFFFF_FFFF_FFC0_8028 as UInt64)) | RFLAGS.reserved1
            case .cr0: s.pointee.cr0 = newValue
            case .cr2: s.pointee.cr2 = newValue
            case .cr3: s.pointee.cr3 = newValue
            case .cr4: s.pointee.cr4 = newValue
            case .cr8: s.pointee.cr8 = newValue
            case .efer: s.pointee.efer = newValue
            case .fsBase: s.pointee.fs_base = newValue
            case .gsBase: s.pointee.gs_base = newValue
            case .kernelGSBase: s.pointee.kernel_gs_base = newValue
            case .cs: core.setCodeSegment(UInt16(truncatingIfNeeded: newValue))
            case .ss: s.pointee.ss = UInt16(truncatingIfNeeded: newValue)
            case .tr: s.pointee.tr = UInt16(truncatingIfNeeded: newValue)
            case .gdtrBase: s.pointee.gdtr_base = newValue
            case .gdtrLimit: s.pointee.gdtr_limit = UInt32(truncatingIfNeeded: newValue)
            case .idtrBase:
                s.pointee.idtr_base = newValue
                core.events.exceptionsStopRun = false  // an embedder-loaded IDT is used like one from LIDT
            case .idtrLimit:
                s.pointee.idtr_limit = UInt32(truncatingIfNeeded: newValue)
                core.events.exceptionsStopRun = false
            case .trBase: s.pointee.tr_base = newValue
            case .trLimit: s.pointee.tr_limit = UInt32(truncatingIfNeeded: newValue)
            case .dr7: s.pointee.dr7 = newValue
            case .xcr0: s.pointee.xcr0 = newValue
            default: break
            }
            if register == .cr0 || register == .cr3 || register == .cr4 || register == .efer {
                core.flushTLB()
                core.flushDecodedCode()
            }
        }
    }

    // MARK: Model-specific registers

    /// Reads an MSR: EFER, FS_BASE, GS_BASE, KERNEL_GS_BASE and TSC alias the register file; any other index
    /// comes from `Configuration.msrs` or a previous `writeMSR`.
    /// - Returns: `nil` for an MSR the machine does not have.
    public func readMSR(_ index: UInt32) -> UInt64? {
        core.readMSR(index)
    }

    /// Writes an MSR as the embedder: architectural ones as WRMSR would (an invalid value is ignored), any
    /// other index is added to the table.
    public func writeMSR(_ index: UInt32, _ value: UInt64) {
        if ModelSpecificRegisters.field(index) != nil {
            try? core.writeMSR(index, value)
        } else {
            core.msrs.table[index] = value
        }
    }

    // MARK: Memory

    /// Reads `count` bytes at a linear address (through the current page tables, without permission checks
    /// or accessed-bit updates, as a debugger would).
    /// - Throws: `MachineError.unmappedAddress` if any byte is not mapped.
    public func readMemory(at address: UInt64, count: Int) throws(MachineError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(count)
        var a = address
        var left = count
        while left > 0 {
            let n = min(left, 4096 - Int(a & 0xFFF))
            guard let physical = core.inspect(a) else { throw .unmappedAddress(a) }
            out += core.memory.read(at: physical, count: n)
            a &+= UInt64(n)
            left -= n
        }
        return out
    }

    /// Writes bytes at a linear address; decoded code in those pages is dropped.
    /// - Throws: `MachineError.unmappedAddress` if any byte is not mapped.
    public func writeMemory(_ bytes: [UInt8], at address: UInt64) throws(MachineError) {
        var offset = 0
        while offset < bytes.count {
            let a = address &+ UInt64(offset)
            let n = min(bytes.count - offset, 4096 - Int(a & 0xFFF))
            guard let physical = core.inspect(a) else { throw .unmappedAddress(a) }
            core.memory.write(Array(bytes[offset..<offset + n]), at: physical)
            if core.memory.codePages.contains(physical >> 12) { core.flushDecodedCode() }
            offset += n
        }
    }

    /// Reads a little-endian 64-bit value at a linear address.
    public func read64(at address: UInt64) throws(MachineError) -> UInt64 {
        let b = try readMemory(at: address, count: 8)
        return b.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    /// Disassembles the instruction at a linear address (for traces): its text and bytes.
    /// - Returns: `nil` if nothing is mapped there or the bytes do not decode.
    public func disassemble(at address: UInt64) -> (text: String, bytes: [UInt8])? {
        let raw = instructionBytes(at: address)
        guard let d = core.decoder.disassemble(raw, address: address) else { return nil }
        return (d.text, Array(raw.prefix(d.length)))
    }

    /// Up to 15 bytes at `address`, stopping at the first unmapped one (an instruction just below an unmapped
    /// page is shorter than 15 bytes of readable memory). For reports: the bytes a #UD or a trace refers to.
    public func instructionBytes(at address: UInt64) -> [UInt8] {
        var bytes: [UInt8] = []
        for i in 0..<15 {
            guard let b = try? readMemory(at: address &+ UInt64(i), count: 1) else { break }
            bytes += b
        }
        return bytes
    }
}

/// Errors from the embedding API (never from executing instructions: those are `StopReason`s).
public enum MachineError: Error, Equatable, Sendable, CustomStringConvertible {
    case unmappedAddress(UInt64)
    /// A VMCS access without a VMCS: no current-VMCS pointer and none given.
    case noCurrentVMCS
    /// A VMCS region that is not 4 KiB aligned or not inside physical memory.
    case invalidVMCSRegion(UInt64)

    public var description: String {
        switch self {
        case .unmappedAddress(let a): return "address 0x\(String(a, radix: 16)) is not mapped"
        case .noCurrentVMCS: return "no current VMCS (VMPTRLD one, or name the region)"
        case .invalidVMCSRegion(let a):
            return "0x\(String(a, radix: 16)) is not a VMCS region: expected a 4 KiB-aligned address inside physical memory"
        }
    }
}
