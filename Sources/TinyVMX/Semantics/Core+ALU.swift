/// ADD ADC SUB SBB AND OR XOR CMP TEST INC DEC NEG NOT.
extension Core {
    /// Two-operand arithmetic and logic: `operand0 ← operand0 op operand1` (CMP and TEST only set flags).
    @inline(__always)
    func executeBinary(_ p: UnsafePointer<DecodedInstruction>, _ op: Opcode) throws(ExecutionEvent) {
        let size = p.pointee.size
        let m = Width.mask(size)
        let d = try readDestination(p.pointee.operand0)
        let a = d.value
        let b = try readOperand(p.pointee.operand1) & m
        let r: UInt64
        let f: UInt64
        switch op {
        case .add:
            r = (a &+ b) & m
            f = Flags.add(a, b, r, carry: false, size)
        case .adc:
            let c = rflags & RFLAGS.cf
            r = (a &+ b &+ c) & m
            f = Flags.add(a, b, r, carry: c != 0, size)
        case .sub, .cmp:
            r = (a &- b) & m
            f = Flags.sub(a, b, r, borrow: false, size)
        case .sbb:
            let c = rflags & RFLAGS.cf
            r = (a &- b &- c) & m
            f = Flags.sub(a, b, r, borrow: c != 0, size)
        case .and, .test:
            r = a & b
            f = Flags.logic(r, size)
        case .or:
            r = a | b
            f = Flags.logic(r, size)
        default:
            r = a ^ b
            f = Flags.logic(r, size)
        }
        if op != .cmp && op != .test { try writeDestination(d, r) }
        setStatusFlags(f)
    }

    /// The specialized 32/64-bit register form of `executeBinary` (destination and source are GPRs or an
    /// immediate; a 32-bit result is zero-extended by construction).
    @inline(__always)
    func executeALURegister(_ p: UnsafePointer<DecodedInstruction>, immediate: Bool) {
        let size = p.pointee.size
        let m = Width.mask(size)
        let r0 = Int(p.pointee.operand0.reg)
        let a = g[r0] & m
        let b = immediate ? UInt64(bitPattern: p.pointee.operand1.value) & m : g[Int(p.pointee.operand1.reg)] & m
        let r: UInt64
        let f: UInt64
        switch p.pointee.operation {
        case .add:
            r = (a &+ b) & m
            f = Flags.add(a, b, r, carry: false, size)
        case .sub, .cmp:
            r = (a &- b) & m
            f = Flags.sub(a, b, r, borrow: false, size)
        case .xor:
            r = a ^ b
            f = Flags.logic(r, size)
        case .and, .test:
            r = a & b
            f = Flags.logic(r, size)
        case .or:
            r = a | b
            f = Flags.logic(r, size)
        case .adc:
            let c = rflags & RFLAGS.cf
            r = (a &+ b &+ c) & m
            f = Flags.add(a, b, r, carry: c != 0, size)
        default:  // sbb
            let c = rflags & RFLAGS.cf
            r = (a &- b &- c) & m
            f = Flags.sub(a, b, r, borrow: c != 0, size)
        }
        let op = p.pointee.operation
        if op != .cmp && op != .test { g[r0] = r }
        setStatusFlags(f)
    }

    /// The specialized 32/64-bit register form of INC/DEC.
    @inline(__always)
    func executeIncDecRegister(_ p: UnsafePointer<DecodedInstruction>, increment: Bool) {
        let size = p.pointee.size
        let m = Width.mask(size)
        let r0 = Int(p.pointee.operand0.reg)
        let a = g[r0] & m
        let r: UInt64
        let f: UInt64
        if increment {
            r = (a &+ 1) & m
            f = Flags.add(a, 1, r, carry: false, size)
        } else {
            r = (a &- 1) & m
            f = Flags.sub(a, 1, r, borrow: false, size)
        }
        g[r0] = r
        setFlags(f & ~RFLAGS.cf, mask: RFLAGS.status & ~RFLAGS.cf)
    }

    /// INC and DEC: like ADD/SUB 1 but CF is preserved.
    @inline(__always)
    func executeIncDec(_ p: UnsafePointer<DecodedInstruction>, increment: Bool) throws(ExecutionEvent) {
        let size = p.pointee.size
        let d = try readDestination(p.pointee.operand0)
        let a = d.value
        let r: UInt64
        let f: UInt64
        if increment {
            r = (a &+ 1) & Width.mask(size)
            f = Flags.add(a, 1, r, carry: false, size)
        } else {
            r = (a &- 1) & Width.mask(size)
            f = Flags.sub(a, 1, r, borrow: false, size)
        }
        try writeDestination(d, r)
        setFlags(f & ~RFLAGS.cf, mask: RFLAGS.status & ~RFLAGS.cf)
    }

    /// NEG (flags of 0 − operand; CF set unless the operand is 0) and NOT (no flags).
    func executeNegNot(_ p: UnsafePointer<DecodedInstruction>, negate: Bool) throws(ExecutionEvent) {
        let size = p.pointee.size
        let d = try readDestination(p.pointee.operand0)
        if negate {
            let r = (0 &- d.value) & Width.mask(size)
            try writeDestination(d, r)
            setStatusFlags(Flags.sub(0, d.value, r, borrow: false, size))
        } else {
            try writeDestination(d, ~d.value & Width.mask(size))
        }
    }
}
