/// SHL SHR SAR ROL ROR RCL RCR SHLD SHRD.
///
/// A masked count of 0 leaves the flags alone. Where the SDM leaves a flag undefined (OF for counts other
/// than 1, AF always, CF of SHL/SHR when the count reaches the operand width) the value produced is the one
/// the count-1 formula gives; comparisons mask those flags.
extension Core {
    private func shiftCount(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) -> UInt64 {
        let raw: UInt64 = p.pointee.operandCount >= 2 ? try readOperand(p.pointee.operand1) : 1
        return raw & (p.pointee.size == 8 ? 63 : 31)
    }

    /// SHL/SAL, SHR, SAR.
    func executeShift(_ p: UnsafePointer<DecodedInstruction>, _ op: Opcode) throws(ExecutionEvent) {
        let size = p.pointee.size
        let m = Width.mask(size)
        let bits = Width.bits(size)
        let sign = Width.signBit(size)
        let count = try shiftCount(p)
        let d = try readDestination(p.pointee.operand0)
        let a = d.value
        guard count != 0 else {
            try writeDestination(d, a)  // a 32-bit register destination is still zero-extended
            return
        }
        var r: UInt64
        var cf: Bool
        var of: Bool
        switch op {
        case .shl:
            r = count >= 64 ? 0 : (a << count) & m
            cf = count <= bits ? (a >> (bits - count)) & 1 != 0 : false
            of = (r & sign != 0) != cf
        case .shr:
            r = count >= 64 ? 0 : a >> count
            cf = count <= bits ? (a >> (count - 1)) & 1 != 0 : false
            of = a & sign != 0
        default:
            let s = Int64(bitPattern: Width.signExtend(a, size))
            r = UInt64(bitPattern: s >> Int64(min(count, 63))) & m
            cf = (s >> Int64(min(count - 1, 63))) & 1 != 0
            of = false
        }
        try writeDestination(d, r)
        setStatusFlags(Flags.zsp(r, size) | (cf ? RFLAGS.cf : 0) | (of ? RFLAGS.of : 0))
    }

    /// ROL and ROR: only CF and OF change.
    func executeRotate(_ p: UnsafePointer<DecodedInstruction>, left: Bool) throws(ExecutionEvent) {
        let size = p.pointee.size
        let m = Width.mask(size)
        let bits = Width.bits(size)
        let count = try shiftCount(p)
        let d = try readDestination(p.pointee.operand0)
        let a = d.value
        guard count != 0 else {
            try writeDestination(d, a)
            return
        }
        let t = count % bits
        let r = t == 0 ? a : (left ? ((a << t) | (a >> (bits - t))) & m : ((a >> t) | (a << (bits - t))) & m)
        let msb = (r >> (bits - 1)) & 1
        let cf: UInt64
        let of: UInt64
        if left {
            cf = r & 1
            of = msb ^ cf
        } else {
            cf = msb
            of = msb ^ ((r >> (bits - 2)) & 1)
        }
        try writeDestination(d, r)
        setFlags((cf != 0 ? RFLAGS.cf : 0) | (of != 0 ? RFLAGS.of : 0), mask: RFLAGS.cf | RFLAGS.of)
    }

    /// RCL and RCR: rotate through CF; only CF and OF change.
    func executeRotateCarry(_ p: UnsafePointer<DecodedInstruction>, left: Bool) throws(ExecutionEvent) {
        let size = p.pointee.size
        let m = Width.mask(size)
        let bits = Width.bits(size)
        let masked = try shiftCount(p)
        let d = try readDestination(p.pointee.operand0)
        guard masked != 0 else {
            try writeDestination(d, d.value)
            return
        }
        let t = size < 4 ? masked % (bits + 1) : masked
        var a = d.value
        var cf: UInt64 = rflags & RFLAGS.cf
        let of: UInt64
        if left {
            for _ in 0..<t {
                let out = (a >> (bits - 1)) & 1
                a = ((a << 1) | cf) & m
                cf = out
            }
            of = ((a >> (bits - 1)) & 1) ^ cf
        } else {
            let before = ((a >> (bits - 1)) & 1) ^ cf
            for _ in 0..<t {
                let out = a & 1
                a = (a >> 1) | (cf << (bits - 1))
                cf = out
            }
            // The SDM defines OF (count 1) from the operand before rotation; other counts leave it undefined
            // and the value after rotation (MSB xor next bit) is produced, as hardware does.
            of = masked == 1 ? before : ((a >> (bits - 1)) ^ (a >> (bits - 2))) & 1
        }
        try writeDestination(d, a)
        setFlags((cf != 0 ? RFLAGS.cf : 0) | (of != 0 ? RFLAGS.of : 0), mask: RFLAGS.cf | RFLAGS.of)
    }

    /// SHLD and SHRD: shift the destination, filling from the source. A 16-bit count above 16 gives an
    /// undefined result; the value produced is the 32-bit double shift's low half.
    func executeDoubleShift(_ p: UnsafePointer<DecodedInstruction>, left: Bool) throws(ExecutionEvent) {
        let size = p.pointee.size
        let m = Width.mask(size)
        let bits = Width.bits(size)
        let count = try readOperand(p.pointee.operand2) & (size == 8 ? 63 : 31)
        let d = try readDestination(p.pointee.operand0)
        let a = d.value
        let s = readRegister(p.pointee.operand1)
        guard count != 0 else {
            try writeDestination(d, a)
            return
        }
        var r: UInt64
        var cf: UInt64
        if count <= bits {
            if left {
                r = count == bits ? s : ((a << count) | (s >> (bits - count))) & m
                cf = (a >> (bits - count)) & 1
            } else {
                r = count == bits ? s : ((a >> count) | (s << (bits - count))) & m
                cf = (a >> (count - 1)) & 1
            }
        } else {
            // Only 16-bit operands get here (count 17…31): undefined; model a 32-bit dest:src pattern.
            let wide = left ? (a << 16) | s : (s << 16) | a
            let c = count - 16
            if left {
                r = ((wide << c) >> 16) & m
                cf = (wide >> (32 - c)) & 1
            } else {
                r = (wide >> c) & m
                cf = (wide >> (c - 1)) & 1
            }
        }
        let of = ((r ^ a) >> (bits - 1)) & 1
        try writeDestination(d, r)
        setStatusFlags(Flags.zsp(r, size) | (cf != 0 ? RFLAGS.cf : 0) | (of != 0 ? RFLAGS.of : 0))
    }
}
