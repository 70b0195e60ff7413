/// ADD ADC SUB SBB AND OR XOR CMP TEST INC DEC NEG NOT.
extension Core {
    /// Two-operand arithmetic and logic: `operand0 ← operand0 op operand1` (CMP and TEST only set flags).
    @inline(__always)
    func executeBinary(_ p: UnsafePointer<DecodedInstruction>, _ op: Opcode) throws(ExecutionEvent) {
        let size = p.pointee.size
        let m = Width.mask(size)
        let d = try readDestination(p.pointee.operand0, forWrite: op != .cmp && op != .test)
        let a = d.value
        let b = try readOperand(p.pointee.operand1) & m
        switch op {
        case .add:
            let r = (a &+ b) & m
            try writeDestination(d, r)
            deferFlags(.add, a, b, r, size)
        case .adc:
            let c = rflags & RFLAGS.cf
            let r = (a &+ b &+ c) & m
            try writeDestination(d, r)
            setStatusFlags(Flags.add(a, b, r, carry: c != 0, size))
        case .sub, .cmp:
            let r = (a &- b) & m
            if op == .sub { try writeDestination(d, r) }
            deferFlags(.sub, a, b, r, size)
        case .sbb:
            let c = rflags & RFLAGS.cf
            let r = (a &- b &- c) & m
            try writeDestination(d, r)
            setStatusFlags(Flags.sub(a, b, r, borrow: c != 0, size))
        case .and, .test:
            let r = a & b
            if op == .and { try writeDestination(d, r) }
            deferFlags(.logic, a, b, r, size)
        case .or:
            let r = a | b
            try writeDestination(d, r)
            deferFlags(.logic, a, b, r, size)
        default:
            let r = a ^ b
            try writeDestination(d, r)
            deferFlags(.logic, a, b, r, size)
        }
    }

    /// INC and DEC: like ADD/SUB 1 but CF is preserved.
    @inline(__always)
    func executeIncDec(_ p: UnsafePointer<DecodedInstruction>, increment: Bool) throws(ExecutionEvent) {
        let size = p.pointee.size
        let d = try readDestination(p.pointee.operand0)
        let a = d.value
        let r = increment ? (a &+ 1) & Width.mask(size) : (a &- 1) & Width.mask(size)
        try writeDestination(d, r)
        deferFlags(increment ? .inc : .dec, a, 1, r, size)
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
