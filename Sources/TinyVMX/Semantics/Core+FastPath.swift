/// The run loop's inner dispatch: the hottest instruction shapes (`FastForm`) executed inline with their width
/// and operation known at compile time; everything else goes to the `Opcode` switch in `execute`.
///
/// Each case does exactly what the generic path does for that shape. The saving is in what it skips: the
/// operand-kind switches, the width mask computed from a runtime size, and a call per instruction.
extension Core {
    /// - Returns: Whether the block must end after this instruction: it modified code or opened an event
    ///   window (`codeWasModified`), or it is a conditional branch that went the way its block does not.
    @inline(always)
    func executeFast(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) -> Bool {
        switch p.pointee.form {
        case .add64rr: alu(p, 8, immediate: false, .add, writes: true) { $0 &+ $1 }
        case .add32rr: alu(p, 4, immediate: false, .add, writes: true) { $0 &+ $1 }
        case .add64ri: alu(p, 8, immediate: true, .add, writes: true) { $0 &+ $1 }
        case .add32ri: alu(p, 4, immediate: true, .add, writes: true) { $0 &+ $1 }
        case .sub64rr: alu(p, 8, immediate: false, .sub, writes: true) { $0 &- $1 }
        case .sub32rr: alu(p, 4, immediate: false, .sub, writes: true) { $0 &- $1 }
        case .sub64ri: alu(p, 8, immediate: true, .sub, writes: true) { $0 &- $1 }
        case .sub32ri: alu(p, 4, immediate: true, .sub, writes: true) { $0 &- $1 }
        case .cmp64rr: alu(p, 8, immediate: false, .sub, writes: false) { $0 &- $1 }
        case .cmp32rr: alu(p, 4, immediate: false, .sub, writes: false) { $0 &- $1 }
        case .cmp64ri: alu(p, 8, immediate: true, .sub, writes: false) { $0 &- $1 }
        case .cmp32ri: alu(p, 4, immediate: true, .sub, writes: false) { $0 &- $1 }
        case .and64rr: alu(p, 8, immediate: false, .logic, writes: true) { $0 & $1 }
        case .and32rr: alu(p, 4, immediate: false, .logic, writes: true) { $0 & $1 }
        case .and64ri: alu(p, 8, immediate: true, .logic, writes: true) { $0 & $1 }
        case .and32ri: alu(p, 4, immediate: true, .logic, writes: true) { $0 & $1 }
        case .or64rr: alu(p, 8, immediate: false, .logic, writes: true) { $0 | $1 }
        case .or32rr: alu(p, 4, immediate: false, .logic, writes: true) { $0 | $1 }
        case .or64ri: alu(p, 8, immediate: true, .logic, writes: true) { $0 | $1 }
        case .or32ri: alu(p, 4, immediate: true, .logic, writes: true) { $0 | $1 }
        case .xor64rr: alu(p, 8, immediate: false, .logic, writes: true) { $0 ^ $1 }
        case .xor32rr: alu(p, 4, immediate: false, .logic, writes: true) { $0 ^ $1 }
        case .xor64ri: alu(p, 8, immediate: true, .logic, writes: true) { $0 ^ $1 }
        case .xor32ri: alu(p, 4, immediate: true, .logic, writes: true) { $0 ^ $1 }
        case .test64rr: alu(p, 8, immediate: false, .logic, writes: false) { $0 & $1 }
        case .test32rr: alu(p, 4, immediate: false, .logic, writes: false) { $0 & $1 }
        case .test64ri: alu(p, 8, immediate: true, .logic, writes: false) { $0 & $1 }
        case .test32ri: alu(p, 4, immediate: true, .logic, writes: false) { $0 & $1 }
        case .inc64: incDec(p, 8, increment: true)
        case .inc32: incDec(p, 4, increment: true)
        case .dec64: incDec(p, 8, increment: false)
        case .dec32: incDec(p, 4, increment: false)
        case .mov64rr: g[Int(p.pointee.operand0.reg)] = g[Int(p.pointee.operand1.reg)]
        case .mov32rr: g[Int(p.pointee.operand0.reg)] = g[Int(p.pointee.operand1.reg)] & 0xFFFF_FFFF
        case .mov64ri: g[Int(p.pointee.operand0.reg)] = UInt64(bitPattern: p.pointee.operand1.value)
        case .mov32ri: g[Int(p.pointee.operand0.reg)] = UInt64(bitPattern: p.pointee.operand1.value) & 0xFFFF_FFFF
        case .mov64rm: g[Int(p.pointee.operand0.reg)] = try read(flatAddress(p.pointee.operand1), 8)
        case .mov32rm: g[Int(p.pointee.operand0.reg)] = try read(flatAddress(p.pointee.operand1), 4)
        case .mov64mr:
            try write(flatAddress(p.pointee.operand0), 8, g[Int(p.pointee.operand1.reg)])
            return codeWasModified
        case .mov32mr:
            try write(flatAddress(p.pointee.operand0), 4, g[Int(p.pointee.operand1.reg)])
            return codeWasModified
        case .lea64: g[Int(p.pointee.operand0.reg)] = offsetAddress(p.pointee.operand1)
        case .push64r:
            try push(g[Int(p.pointee.operand0.reg)])
            return codeWasModified
        case .pop64r:
            let v = try stackRead(g[4], 8)
            g[4] = g[4] &+ 8
            g[Int(p.pointee.operand0.reg)] = v
        case .jz: return branch(p, taken: zeroFlag)
        case .jnz: return branch(p, taken: !zeroFlag)
        case .jcc: return branch(p, taken: condition(p.pointee.condition))
        case .jmp: rip = p.pointee.target
        case .call:
            try push(p.pointee.nextAddress)
            rip = p.pointee.target
            return codeWasModified
        case .ret:
            let target = try stackRead(g[4], 8)
            guard Self.isCanonical(target) else { throw .exception(.gp(0)) }
            g[4] = g[4] &+ 8
            rip = target
        case .nop: break
        case .generic:
            try execute(p)
            return codeWasModified
        }
        return false
    }

    /// `operand0 ← operand0 op operand1` on a 32- or 64-bit register, flags deferred (`writes: false` for CMP
    /// and TEST).
    @inline(__always)
    private func alu(
        _ p: UnsafePointer<DecodedInstruction>, _ size: UInt8, immediate: Bool, _ kind: LazyFlags.Kind,
        writes: Bool, _ op: (UInt64, UInt64) -> UInt64
    ) {
        let m: UInt64 = size == 8 ? ~0 : 0xFFFF_FFFF
        let r0 = Int(p.pointee.operand0.reg)
        let a = g[r0] & m
        let b = (immediate ? UInt64(bitPattern: p.pointee.operand1.value) : g[Int(p.pointee.operand1.reg)]) & m
        let r = op(a, b) & m
        if writes { g[r0] = r }
        lazy.pointee = LazyFlags(kind: kind, size: size, a: a, b: b, result: r)
    }

    /// INC or DEC of a 32- or 64-bit register (CF kept).
    @inline(__always)
    private func incDec(_ p: UnsafePointer<DecodedInstruction>, _ size: UInt8, increment: Bool) {
        let m: UInt64 = size == 8 ? ~0 : 0xFFFF_FFFF
        let r0 = Int(p.pointee.operand0.reg)
        let a = g[r0] & m
        let r = (increment ? a &+ 1 : a &- 1) & m
        g[r0] = r
        deferFlags(increment ? .inc : .dec, a, 1, r, size)
    }

    /// A conditional branch: sets RIP; whether it left its block (see `DecodedInstruction.continuesIfTaken`).
    @inline(__always)
    private func branch(_ p: UnsafePointer<DecodedInstruction>, taken: Bool) -> Bool {
        rip = taken ? p.pointee.target : p.pointee.nextAddress
        return taken != p.pointee.continuesIfTaken
    }

    /// The linear address of a memory operand the Specializer found flat (`Specializer.isFlat`): its
    /// offset, checked like `checkedAddress` (a non-canonical SS-relative address is #SS(0); others fault in
    /// translation) but without the segment-base switch.
    @inline(__always)
    private func flatAddress(_ o: Operand) throws(ExecutionEvent) -> UInt64 {
        let ea = offsetAddress(o)
        if o.usesStackSegment && !Self.isCanonical(ea) { throw .exception(.ss(0)) }
        return ea
    }

    /// ZF, read from the pending operation's result when there is one.
    @inline(__always)
    private var zeroFlag: Bool {
        lazy.pointee.kind != .none ? lazy.pointee.result == 0 : state.pointee.rflags & RFLAGS.zf != 0
    }
}
