import CTinyVMXNative

/// The execution engine behind `Machine`: register file, memory access, decoded-block cache and the run loop.
///
/// Hot state lives behind pointers (`state`, `g`, the TLB arrays) so the interpreter loop pays no ARC or
/// exclusivity checks. Instruction semantics are extensions of this type, one file per family
/// (`Semantics/`).
final class Core {
    /// Everything compiled code reaches through one pointer: the register file, the TLB, the budget
    /// (`tvx_jit_context`, laid out in C).
    let context: UnsafeMutablePointer<tvx_jit_context>
    /// The register file (C layout shared with native code): `context.cpu`.
    let state: UnsafeMutablePointer<tvx_cpu_state>
    /// `state.gpr` as an indexable pointer: `g[0]` is RAX … `g[15]` R15.
    let g: UnsafeMutablePointer<UInt64>
    let memory: PhysicalMemory
    let decoder = DecoderPool.take()
    var configuration: Machine.Configuration

    // Software TLB: direct-mapped, one array of tags and addends per access kind, inside `context` so compiled
    // code checks it inline. A tag is `tlbTag(linear)`; a hit's host address is `linear &+ addend`.
    static let tlbSize = Int(TVX_TLB_SIZE)
    /// Odd, so it never equals a tag.
    static let invalidTag: UInt64 = 1

    /// The TLB tag of a linear address: −2 × its page number (compiled code adds the page numbers of an
    /// access's first and last byte to it and tests for zero).
    @inline(__always)
    static func tlbTag(_ linear: UInt64) -> UInt64 { 0 &- ((linear >> 12) &<< 1) }

    /// The linear address of the page a (valid) tag stands for.
    @inline(__always)
    static func tlbPage(_ tag: UInt64) -> UInt64 { ((0 &- tag) >> 1) << 12 }
    let tlbReadTag: UnsafeMutablePointer<UInt64>
    let tlbReadAddend: UnsafeMutablePointer<UInt64>
    let tlbWriteTag: UnsafeMutablePointer<UInt64>
    let tlbWriteAddend: UnsafeMutablePointer<UInt64>
    /// Per-entry global bit and page size (`TLBEntryFlags`), read only by invalidations.
    let tlbReadFlags: UnsafeMutablePointer<TLBEntryFlags>
    let tlbWriteFlags: UnsafeMutablePointer<TLBEntryFlags>

    /// Pending status flags (see `LazyFlags`); behind a pointer so updating it costs plain stores.
    let lazy: UnsafeMutablePointer<LazyFlags>

    var msrs: ModelSpecificRegisters

    var blocks = BlockCache()
    /// Compiled code (created when the first block gets hot) and the executions that make a block hot
    /// (`.max`: never compile).
    var jit: JITEngine?
    var jitThreshold: UInt32
    /// Decoded code for the other privilege class (user vs supervisor): fetch permissions differ between
    /// them, so each class has its own cache and a CPL change swaps them.
    var otherPrivilegeBlocks = BlockCache()
    /// Whether `blocks` holds code decoded at CPL 3.
    var blocksAreUser = false
    /// VMX operation, the VMXON and current-VMCS pointers, the running VMCS's controls, the exit log.
    var vmx = VMXState()
    /// The most recent VM exits, oldest first (at most `VMXState.exitLogCapacity`).
    var vmExitLog: [VMExitRecord] = []
    /// Set by `Machine.step()`: a delivery or VM exit ends the run, so it is a step of its own.
    var stopAfterEvent = false
    /// Addresses a run stops at when control transfers there (see `Machine.run(maxInstructions:until:)`), and
    /// the fuel count at that run's start (a run never stops where it starts).
    var breakpoints: [UInt64] = []
    var breakpointRunStart: UInt64 = .max
    /// The exit a thrown `ExecutionEvent.vmExit` stands for (set by `exitEvent`).
    var pendingExit = VMExit(reason: 0)
    /// Pending, blocked and scheduled events (NMI, external interrupts) and the halt state.
    var events = InterruptState()
    /// Set by an instruction that may have opened an event window (STI, POPF, IRETQ, MOV to CR8, a CPL or
    /// mode change), always through `openEventWindow`, which also sets `codeWasModified` to end the block:
    /// the run loop returns to its event check after it.
    var checkEvents = false
    /// The last (instruction count, RIP) boundary RIP triggers were checked at.
    var lastTriggerBoundary: (UInt64, UInt64) = (.max, .max)
    /// Set when a store hit a page holding decoded code: the current block must stop after this instruction.
    var codeWasModified = false

    /// Instructions retired since the machine was loaded or reset.
    var instructionCount: UInt64 = 0
    /// Budget units spent: one per retired instruction, one per repeated string iteration after the first,
    /// and one per exception delivered.
    var fuelUsed: UInt64 = 0
    /// The budget `run(fuelLimit:)` is running against.
    var fuelLimit: UInt64 = 0
    /// Set by a repeated string instruction that stopped between iterations because the budget ran out.
    var stringInterrupted = false
    /// Statistics exposed to embedders.
    var statistics = Machine.Statistics()

    init(configuration: Machine.Configuration) {
        self.configuration = configuration
        switch configuration.engine {
        case .interpreter: jitThreshold = .max
        case .jit: jitThreshold = 1
        case .auto: jitThreshold = Self.autoThreshold
        }
        memory = PhysicalMemory(size: configuration.physicalMemorySize)
        msrs = ModelSpecificRegisters(
            table: ModelSpecificRegisters.defaults.merging(configuration.msrs) { $1 })
        context = .allocate(capacity: 1)
        let raw = UnsafeMutableRawPointer(context)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<tvx_jit_context>.size)
        state = raw.assumingMemoryBound(to: tvx_cpu_state.self)
        g = raw.assumingMemoryBound(to: UInt64.self)
        lazy = .allocate(capacity: 1)
        lazy.initialize(to: LazyFlags())
        tlbReadTag = (raw + tvx_ctx_read_tag()).assumingMemoryBound(to: UInt64.self)
        tlbReadAddend = (raw + tvx_ctx_read_addend()).assumingMemoryBound(to: UInt64.self)
        tlbWriteTag = (raw + tvx_ctx_write_tag()).assumingMemoryBound(to: UInt64.self)
        tlbWriteAddend = (raw + tvx_ctx_write_addend()).assumingMemoryBound(to: UInt64.self)
        tlbReadFlags = .allocate(capacity: Self.tlbSize)
        tlbWriteFlags = .allocate(capacity: Self.tlbSize)
        tlbReadFlags.initialize(repeating: 0, count: Self.tlbSize)
        tlbWriteFlags.initialize(repeating: 0, count: Self.tlbSize)
        flushTLB()
    }

    deinit {
        DecoderPool.give(decoder)
        blocks.deallocate()
        otherPrivilegeBlocks.deallocate()
        tlbReadFlags.deallocate()
        tlbWriteFlags.deallocate()
        lazy.deallocate()
        context.deallocate()
    }

    /// Drops all decoded instructions (code was written, or the code's translation may have changed).
    func flushDecodedCode() {
        dropCompiledCode()
        blocks.removeAll()
        otherPrivilegeBlocks.removeAll()
        memory.clearCodePages()
        codeWasModified = true
        statistics.codeInvalidations += 1
        // Write-TLB entries were withheld from code pages; now every page may be cached for writing.
    }

    /// The current privilege level: CS's RPL (in 64-bit mode CS.RPL always equals CPL).
    var cpl: UInt8 { UInt8(truncatingIfNeeded: state.pointee.cs & 3) }

    /// MAXPHYADDR: the physical-address width.
    var physicalAddressBits: Int { memory.addressBits }

    /// Loads CS (and with it CPL). A change of privilege class flushes the TLB (its entries were checked
    /// for the old CPL) and swaps the decoded-code caches.
    func setCodeSegment(_ selector: UInt16) {
        let wasUser = cpl == 3
        state.pointee.cs = selector
        let isUser = cpl == 3
        if wasUser != isUser { flushTLB() }
        if isUser != blocksAreUser {
            swap(&blocks, &otherPrivilegeBlocks)
            jit?.clearJumpCache()
            blocksAreUser = isUser
            codeWasModified = true  // the run loop's block indices refer to the other cache
        }
    }

    @inline(__always) var rip: UInt64 {
        get { state.pointee.rip }
        set { state.pointee.rip = newValue }
    }

    /// RFLAGS with every status flag computed (reading it materializes pending flags; writing drops them).
    @inline(__always) var rflags: UInt64 {
        get {
            if lazy.pointee.kind != .none { materializeFlags() }
            return state.pointee.rflags
        }
        set {
            lazy.pointee.kind = .none
            state.pointee.rflags = newValue
        }
    }

    /// Computes pending status flags into the register file.
    @inline(never)
    func materializeFlags() {
        let l = lazy.pointee
        guard l.kind != .none else { return }
        let current = state.pointee.rflags
        state.pointee.rflags = (current & ~RFLAGS.status) | l.compute(currentFlags: current)
        lazy.pointee.kind = .none
    }

    /// Records an ALU operation whose flags are computed only if read. INC and DEC (`b` is 1) keep CF:
    /// they record the CF they keep in place of `b`.
    @inline(__always)
    func deferFlags(_ kind: LazyFlags.Kind, _ a: UInt64, _ b: UInt64, _ result: UInt64, _ size: UInt8) {
        var b = b
        if kind == .inc || kind == .dec {
            b = lazy.pointee.carry(currentFlags: state.pointee.rflags)
        }
        lazy.pointee = LazyFlags(kind: kind, size: size, a: a, b: b, result: result)
    }

    /// Replaces the six status flags with `bits`.
    @inline(__always)
    func setStatusFlags(_ bits: UInt64) {
        lazy.pointee.kind = .none
        state.pointee.rflags = (state.pointee.rflags & ~RFLAGS.status) | bits
    }

    /// Replaces the flags in `mask` with `bits` (bits outside `mask` must be zero).
    @inline(__always)
    func setFlags(_ bits: UInt64, mask: UInt64) {
        if lazy.pointee.kind != .none { materializeFlags() }
        state.pointee.rflags = (state.pointee.rflags & ~mask) | bits
    }

    @inline(__always)
    func flag(_ bit: UInt64) -> Bool { rflags & bit != 0 }
}
