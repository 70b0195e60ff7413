import CTinyVMXNative

/// Translates a decoded block (a prefix of it) into native x86-64 code.
///
/// Shape of a compiled block:
/// - checked entry: subtract the block's length from `fuel`, or exit with `TVX_JIT_BUDGET` if it would go
///   negative (chained jumps and the indirect-branch cache land here);
/// - unchecked entry (the dispatcher's, which charged the budget itself): load the guest registers the
///   block uses into host registers;
/// - body: each guest instruction re-encoded on host registers, memory operands behind an inline TLB check;
/// - exits: write the modified registers back, then jump to the successor (linked later if it is not
///   compiled yet), to a cached indirect target, or to the epilogue with `TVX_JIT_NEXT`. A block that
///   branches to itself keeps its registers and jumps straight back to its body.
///
/// Nothing the compiler adds touches RFLAGS (MOV, LEA, MOVZX, NOT, SHRX, JRCXZ only), so the guest's status
/// flags live in the host's between guest instructions and every exit sees them exact. A TLB miss exits
/// before the instruction with everything written back and the budget refunded, and the interpreter runs it:
/// faults and CR2 come from the one implementation.
struct JITCompiler {
    /// Host registers guest registers are allocated to. RCX, RDX, RSI, RDI are scratch; RSP is the host's
    /// stack; R15 holds the context and R14 the budget (`context.fuel` while compiled code runs).
    static let pool: [UInt8] = [0, 3, 5, 8, 9, 10, 11, 12, 13]
    static let fuel = X86Emitter.Reg.r14

    /// What `compile` produced.
    struct Output {
        var bytes: [UInt8]
        /// Offsets of the two entries within `bytes`.
        var checkedEntry: Int
        var uncheckedEntry: Int
        /// Guest instructions compiled (a prefix of the block).
        var count: Int
        /// rel32 fields (offsets within `bytes`) of exits to blocks not compiled yet, with their targets.
        var links: [(field: Int, target: UInt64)]
    }

    enum AccessKind { case read, write }

    var e: X86Emitter
    let insns: UnsafePointer<DecodedInstruction>
    let blockIndex: Int32
    let epilogue: UInt64
    /// The checked entry of the compiled block at a guest address, if there is one.
    let resolve: (UInt64) -> UInt64?

    var hostOf = [UInt8](repeating: 0xFF, count: 16)
    var written: UInt16 = 0
    var used: UInt16 = 0
    var count = 0
    var start: UInt64 { insns[0].address }
    var body = X86Emitter.Label()
    var links: [(field: Int, target: UInt64)] = []
    /// Out-of-line exits, emitted after the body: (label, instruction index, kind).
    var stubs: [(label: X86Emitter.Label, index: Int, budget: Bool)] = []

    init(origin: UInt64, insns: UnsafePointer<DecodedInstruction>, blockIndex: Int32, epilogue: UInt64,
         resolve: @escaping (UInt64) -> UInt64?) {
        e = X86Emitter(origin: origin)
        self.insns = insns
        self.blockIndex = blockIndex
        self.epilogue = epilogue
        self.resolve = resolve
    }

    /// Compiles the longest prefix of the `available` instructions the JIT handles.
    /// - Returns: `nil` if not even the first instruction can be compiled.
    mutating func compile(available: Int) -> Output? {
        for i in 0..<available {
            guard let plan = Self.plan(insns[i]) else { break }
            let all = used | plan.used
            if all.nonzeroBitCount > Self.pool.count { break }
            used = all
            written |= plan.written
            count = i + 1
            // A block can go on past a direct JMP or CALL (the decoder follows them); compiled code ends there.
            if Self.transfersControl(insns[i].opcode) { break }
        }
        guard count > 0 else { return nil }
        var next = 0
        for r in 0..<16 where used & (1 << r) != 0 {
            hostOf[r] = Self.pool[next]
            next += 1
        }

        let checked = e.count
        emitBudgetCheck(onFail: nil)
        let unchecked = e.count
        for r in 0..<16 where used & (1 << r) != 0 {
            e.load(hostOf[r], context: r * 8)
        }
        e.bind(&body)
        for i in 0..<count { emitInstruction(i) }
        let last = insns[count - 1]
        if !Self.transfersControl(last.opcode) { exit(to: last.nextAddress) }
        emitStubs()
        return Output(bytes: e.bytes, checkedEntry: checked, uncheckedEntry: unchecked, count: count, links: links)
    }

    // MARK: Budget, exits

    /// Subtracts the block's length from `fuel`; if that would go negative, exits with TVX_JIT_BUDGET at the
    /// block's start: inline before anything is loaded (`onFail == nil`), else through a stub that writes
    /// registers back first.
    mutating func emitBudgetCheck(onFail stub: Int?) {
        let rcx = X86Emitter.Reg.rcx, rdx = X86Emitter.Reg.rdx
        e.lea(rdx, base: Self.fuel, disp: -Int32(count))
        e.moveImmediate(rcx, 63)
        e.shrx(rcx, rdx, count: rcx)
        if let stub {
            e.jrcxz(skipping: 5)
            e.jump(to: &stubs[stub].label)
        } else {
            returnUnlessRCXIsZero(rip: start, status: TVX_JIT_BUDGET)
        }
        e.move(Self.fuel, rdx)
    }

    /// Appends the way back to the dispatcher: `RIP ← rip` (unless the caller stored it), `EAX ← status`,
    /// `jmp epilogue`.
    static func emitReturn(_ x: inout X86Emitter, rip: UInt64?, status: Int, epilogue: UInt64) {
        if let rip {
            x.moveImmediate(X86Emitter.Reg.rcx, rip)
            x.store(X86Emitter.Reg.rcx, context: Int(TVX_CTX_RIP))
        }
        x.moveImmediate(0, UInt64(status))
        x.jump(to: epilogue)
    }

    /// An inline return to the dispatcher, skipped by JRCXZ when RCX is zero.
    mutating func returnUnlessRCXIsZero(rip: UInt64?, status: Int) {
        var back = X86Emitter(origin: e.address &+ 2)  // placed right after the 2-byte JRCXZ
        Self.emitReturn(&back, rip: rip, status: status, epilogue: epilogue)
        e.jrcxz(skipping: back.count)
        e.append(back.bytes)
    }

    mutating func writeBack() {
        for r in 0..<16 where written & (1 << r) != 0 {
            e.store(hostOf[r], context: r * 8)
        }
    }

    /// Leaves for a known guest address: back into this block's body, into a compiled block, or (until it
    /// is compiled and this exit linked) to the dispatcher.
    mutating func exit(to target: UInt64) {
        if target == start {
            stubs.append((X86Emitter.Label(), count, true))
            emitBudgetCheck(onFail: stubs.count - 1)
            e.jump(to: &body)
            return
        }
        writeBack()
        e.byte(0xE9)
        let field = e.count
        if let entry = resolve(target) {
            e.int32(UInt32(truncatingIfNeeded: Int64(bitPattern: entry &- (e.address &+ 4))))
        } else {
            e.int32(0)  // falls through to the unlinked path below until linked
            links.append((field, target))
        }
        Self.emitReturn(&e, rip: target, status: TVX_JIT_NEXT, epilogue: epilogue)
    }

    /// Leaves for the guest address in RSI (registers already written back): through the indirect-branch
    /// cache if it knows the address, else to the dispatcher.
    mutating func exitIndirect() {
        let rcx = X86Emitter.Reg.rcx, rdx = X86Emitter.Reg.rdx, rsi = X86Emitter.Reg.rsi, rdi = X86Emitter.Reg.rdi
        let cache = Int32(tvx_ctx_jump_cache())
        e.store(rsi, context: Int(TVX_CTX_RIP))
        e.movzxByte(rcx, rsi)
        e.lea(rcx, base: rcx, index: rcx)
        e.op([0x8B], size: 8, reg: rdx, rm: .mem(base: X86Emitter.Reg.r15, index: rcx, scale: 8, disp: cache))
        e.lea(rdx, base: rdx, index: rsi, disp: 1)
        e.op([0x8B], size: 8, reg: rdi, rm: .mem(base: X86Emitter.Reg.r15, index: rcx, scale: 8, disp: cache + 8))
        e.move(rcx, rdx)
        returnUnlessRCXIsZero(rip: nil, status: TVX_JIT_NEXT)
        e.jumpIndirect(rdi)
    }

    /// Jumps to the miss stub of instruction `index` unless RSI holds a canonical address.
    mutating func requireCanonicalRSI(_ index: Int) {
        let rcx = X86Emitter.Reg.rcx, rdx = X86Emitter.Reg.rdx
        e.moveImmediate(rdx, 1 << 47)
        e.lea(rcx, base: X86Emitter.Reg.rsi, index: rdx)
        e.moveImmediate(rdx, 48)
        e.shrx(rcx, rcx, count: rdx)
        jumpToMiss(index)
    }

    /// Emits the out-of-line exits: TLB misses (refund the unexecuted part of the budget, name the
    /// instruction) and failed budget checks on a back edge.
    mutating func emitStubs() {
        for s in stubs.indices {
            e.bind(&stubs[s].label)
            writeBack()
            let index = stubs[s].index
            if stubs[s].budget {
                Self.emitReturn(&e, rip: start, status: TVX_JIT_BUDGET, epilogue: epilogue)
            } else {
                e.lea(Self.fuel, base: Self.fuel, disp: Int32(count - index))
                e.storeImmediate(UInt32(blockIndex), context: tvx_ctx_exit_block())
                e.storeImmediate(UInt32(index), context: tvx_ctx_exit_index())
                Self.emitReturn(&e, rip: insns[index].address, status: TVX_JIT_MISS, epilogue: epilogue)
            }
        }
    }

    /// `jrcxz` over a jump to the miss stub of instruction `index` (created on first use): exits unless RCX
    /// is zero.
    mutating func jumpToMiss(_ index: Int) {
        var s = stubs.firstIndex { $0.index == index && !$0.budget } ?? -1
        if s < 0 {
            stubs.append((X86Emitter.Label(), index, false))
            s = stubs.count - 1
        }
        e.jrcxz(skipping: 5)
        e.jump(to: &stubs[s].label)
    }

    // MARK: Memory

    /// RSI ← the linear address of memory operand `o` (segment base included).
    mutating func emitAddress(_ o: Operand) {
        let rsi = X86Emitter.Reg.rsi
        if o.reg == Operand.noRegister && o.index == Operand.noRegister {
            e.moveImmediate(rsi, UInt64(bitPattern: o.value))
        } else if o.reg == Operand.noRegister {
            e.lea(rsi, base: hostOf[Int(o.index)], disp: Int32(o.value))
        } else {
            let index = o.index == Operand.noRegister ? nil : hostOf[Int(o.index)]
            e.lea(rsi, base: hostOf[Int(o.reg)], index: index, scale: o.scale, disp: Int32(o.value))
        }
        switch o.segment {
        case .none: break
        case .fs, .gs:
            let rdx = X86Emitter.Reg.rdx
            e.load(rdx, context: Int(o.segment == .fs ? TVX_CTX_FS_BASE : TVX_CTX_GS_BASE))
            e.lea(rsi, base: rsi, index: rdx)
        }
    }

    /// With the linear address in RSI: RDI ← the TLB addend of its page if the `size`-byte access hits the
    /// TLB for `kind` without crossing a page; otherwise jumps to the miss stub of instruction `index`.
    ///
    /// A tag is −2 × a page number, so `first + last + tag == 0` holds exactly when both ends of the access
    /// are on the tagged page (`last` is `first` or `first + 1`, and an odd sum never matches). All flag-free.
    mutating func emitTLBCheck(size: UInt8, kind: AccessKind, index: Int) {
        let rcx = X86Emitter.Reg.rcx, rdx = X86Emitter.Reg.rdx, rsi = X86Emitter.Reg.rsi, rdi = X86Emitter.Reg.rdi
        let r15 = X86Emitter.Reg.r15
        let tag = Int32(kind == .read ? tvx_ctx_read_tag() : tvx_ctx_write_tag())
        let addend = Int32(kind == .read ? tvx_ctx_read_addend() : tvx_ctx_write_addend())
        e.moveImmediate(rcx, 12)
        if size > 1 {
            e.lea(rdx, base: rsi, disp: Int32(size) - 1)
            e.shrx(rdx, rdx, count: rcx)
        }
        e.shrx(rcx, rsi, count: rcx)
        if size > 1 {
            e.lea(rdx, base: rdx, index: rcx)
        } else {
            e.lea(rdx, base: rcx, index: rcx)
        }
        e.movzxByte(rcx, rcx)
        e.op([0x8B], size: 8, reg: rdi, rm: .mem(base: r15, index: rcx, scale: 8, disp: addend))
        e.op([0x8B], size: 8, reg: rcx, rm: .mem(base: r15, index: rcx, scale: 8, disp: tag))
        e.lea(rcx, base: rcx, index: rdx)
        jumpToMiss(index)
    }

    /// Address, TLB check, and the host operand `[RSI + RDI]` for memory operand `o`.
    mutating func memory(_ o: Operand, _ kind: AccessKind, index: Int) -> X86Emitter.RM {
        emitAddress(o)
        emitTLBCheck(size: o.size, kind: kind, index: index)
        return .mem(base: X86Emitter.Reg.rsi, index: X86Emitter.Reg.rdi, scale: 1, disp: 0)
    }

    /// The host form of a register or memory operand.
    mutating func rm(_ o: Operand, _ kind: AccessKind, index: Int) -> X86Emitter.RM {
        o.kind == .memory ? memory(o, kind, index: index) : .reg(hostOf[Int(o.reg)])
    }

    func host(_ o: Operand) -> UInt8 { hostOf[Int(o.reg)] }
}
