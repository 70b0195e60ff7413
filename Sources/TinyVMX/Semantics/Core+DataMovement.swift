/// MOV MOVZX MOVSX(D) LEA XCHG XADD CMPXCHG BSWAP CMOVcc SETcc PUSH POP, the sign-extension family
/// (CBW … CQO) and the flag instructions (CLC STC CMC CLD STD LAHF SAHF PUSHF POPF).
extension Core {
    func executeMove(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        try writeOperand(p.pointee.operand0, try readOperand(p.pointee.operand1))
    }

    func executeExtend(_ p: UnsafePointer<DecodedInstruction>, signed: Bool) throws(ExecutionEvent) {
        let src = p.pointee.operand1
        var v = try readOperand(src)
        if signed { v = Width.signExtend(v, src.size) & Width.mask(p.pointee.operand0.size) }
        writeRegister(p.pointee.operand0, v)
    }

    /// LEA: the offset part of the address (segment bases are not added), truncated to the destination.
    func executeLea(_ p: UnsafePointer<DecodedInstruction>) {
        writeRegister(p.pointee.operand0, offsetAddress(p.pointee.operand1))
    }

    /// XCHG: a memory operand is written first, so a fault leaves both operands unchanged.
    func executeExchange(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let a = p.pointee.operand0
        let b = p.pointee.operand1
        if b.kind == .memory {
            let d = try readDestination(b)
            let va = readRegister(a)
            try writeDestination(d, va)
            writeRegister(a, d.value)
        } else {
            let d = try readDestination(a)
            let vb = readRegister(b)
            try writeDestination(d, vb)
            writeRegister(b, d.value)
        }
    }

    /// XADD: `temp ← dest + src; src ← dest; dest ← temp`, flags of the addition.
    func executeExchangeAdd(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let size = p.pointee.size
        let d = try readDestination(p.pointee.operand0)
        let s = readRegister(p.pointee.operand1)
        let r = (d.value &+ s) & Width.mask(size)
        if d.operand.kind == .memory {
            try writeDestination(d, r)
            writeRegister(p.pointee.operand1, d.value)
        } else {
            writeRegister(p.pointee.operand1, d.value)
            writeRegister(p.pointee.operand0, r)
        }
        setStatusFlags(Flags.add(d.value, s, r, carry: false, size))
    }

    /// CMPXCHG: compare the accumulator with the destination; equal → dest ← src, else accumulator ← dest.
    /// When unequal, a memory destination is written back with its own value (the SDM's locked
    /// read-modify-write, which faults on a read-only page); a register destination is left untouched, upper
    /// half included, as the host CPU does.
    func executeCompareExchange(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let size = p.pointee.size
        let m = Width.mask(size)
        let d = try readDestination(p.pointee.operand0)
        let acc = g[0] & m
        let r = (acc &- d.value) & m
        let flags = Flags.sub(acc, d.value, r, borrow: false, size)
        if acc == d.value {
            try writeDestination(d, readRegister(p.pointee.operand1))
        } else {
            if d.operand.kind == .memory { try writeDestination(d, d.value) }
            writeRegister(Operand(kind: Self.registerKind(size), reg: 0), d.value)
        }
        setStatusFlags(flags)
    }

    static func registerKind(_ size: UInt8) -> Operand.Kind {
        switch size {
        case 1: return .reg8
        case 2: return .reg16
        case 4: return .reg32
        default: return .reg64
        }
    }

    /// BSWAP: 32/64-bit byte reversal; the 16-bit form is undefined and produces 0 in the low 16 bits.
    func executeByteSwap(_ p: UnsafePointer<DecodedInstruction>) {
        let o = p.pointee.operand0
        let v = readRegister(o)
        switch o.size {
        case 8: writeRegister(o, v.byteSwapped)
        case 4: writeRegister(o, UInt64(UInt32(truncatingIfNeeded: v).byteSwapped))
        default: writeRegister(o, 0)
        }
    }

    /// CMOVcc: the source is read (and may fault) whatever the condition; a 32-bit destination is always
    /// zero-extended.
    func executeConditionalMove(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let v = try readOperand(p.pointee.operand1)
        let dst = p.pointee.operand0
        writeRegister(dst, condition(p.pointee.condition) ? v : readRegister(dst))
    }

    func executeSetCondition(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        try writeOperand(p.pointee.operand0, condition(p.pointee.condition) ? 1 : 0)
    }

    func executePush(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        try push(try readOperand(p.pointee.operand0), size: p.pointee.size)
    }

    /// POP: RSP is incremented before a memory destination's address is computed; a faulting store
    /// restores RSP.
    func executePop(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let size = p.pointee.size
        let old = g[4]
        let v = try stackRead(old, size)
        g[4] = old &+ UInt64(size)
        do {
            try writeOperand(p.pointee.operand0, v)
        } catch {
            g[4] = old
            throw error
        }
    }

    /// CBW CWDE CDQE (accumulator sign-extended in place) and CWD CDQ CQO (sign into RDX).
    func executeSignExtendAccumulator(_ op: Opcode) {
        switch op {
        case .cbw: g[0] = (g[0] & ~0xFFFF) | (Width.signExtend(g[0], 1) & 0xFFFF)
        case .cwde: g[0] = Width.signExtend(g[0], 2) & 0xFFFF_FFFF
        case .cdqe: g[0] = Width.signExtend(g[0], 4)
        case .cwd: g[2] = (g[2] & ~0xFFFF) | (g[0] & 0x8000 != 0 ? 0xFFFF : 0)
        case .cdq: g[2] = g[0] & 0x8000_0000 != 0 ? 0xFFFF_FFFF : 0
        default: g[2] = g[0] & (1 << 63) != 0 ? ~0 : 0
        }
    }

    func executeFlagInstruction(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        switch p.pointee.opcode {
        case .clc: setFlags(0, mask: RFLAGS.cf)
        case .stc: setFlags(RFLAGS.cf, mask: RFLAGS.cf)
        case .cmc: rflags ^= RFLAGS.cf
        case .cld: setFlags(0, mask: RFLAGS.df)
        case .std: setFlags(RFLAGS.df, mask: RFLAGS.df)
        case .lahf:
            let ah = (rflags & (RFLAGS.sf | RFLAGS.zf | RFLAGS.af | RFLAGS.pf | RFLAGS.cf)) | RFLAGS.reserved1
            g[0] = (g[0] & ~0xFF00) | (ah << 8)
        case .sahf:
            let mask = RFLAGS.sf | RFLAGS.zf | RFLAGS.af | RFLAGS.pf | RFLAGS.cf
            setFlags((g[0] >> 8) & mask, mask: mask)
        case .pushf:
            // RF and VM are pushed as 0.
            let v = rflags & ~(RFLAGS.rf | RFLAGS.vm)
            try push(p.pointee.size == 2 ? v & 0xFFFF : v, size: p.pointee.size)
        default:  // popf
            let size = p.pointee.size
            let v = try stackRead(g[4], size)
            g[4] = g[4] &+ UInt64(size)
            // IOPL changes only at CPL 0; IF only when CPL ≤ IOPL (otherwise both keep their values, no fault).
            let old = rflags
            var writable = RFLAGS.popfWritableCPL0
            if cpl > 0 { writable &= ~RFLAGS.iopl }
            if UInt64(cpl) > (old & RFLAGS.iopl) >> 12 { writable &= ~RFLAGS.if }
            if size == 2 { writable &= 0xFFFF }
            let new = ((old & ~writable) | (v & writable)) & ~(RFLAGS.vif | RFLAGS.vip) | RFLAGS.reserved1
            rflags = new
            if new & ~old & RFLAGS.if != 0 || (new ^ old) & RFLAGS.tf != 0 { openEventWindow() }  // IF on, or TF changed
        }
    }
}
