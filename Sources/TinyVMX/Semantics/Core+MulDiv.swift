/// MUL, IMUL (one, two and three operands), DIV, IDIV.
///
/// MUL/IMUL define only CF and OF; SF, ZF and PF are produced from the low half of the result and AF is
/// cleared (all four are undefined in the SDM). DIV/IDIV leave every flag unchanged (all undefined).
extension Core {
    /// The accumulator pair for a size: (low register value, high register value) as a double-width operand.
    private func writeWide(_ size: UInt8, low: UInt64, high: UInt64) {
        switch size {
        case 1: g[0] = (g[0] & ~0xFFFF) | ((high & 0xFF) << 8) | (low & 0xFF)
        case 2:
            g[0] = (g[0] & ~0xFFFF) | (low & 0xFFFF)
            g[2] = (g[2] & ~0xFFFF) | (high & 0xFFFF)
        case 4:
            g[0] = low & 0xFFFF_FFFF
            g[2] = high & 0xFFFF_FFFF
        default:
            g[0] = low
            g[2] = high
        }
    }

    private func mulFlags(overflow: Bool, low: UInt64, size: UInt8) -> UInt64 {
        Flags.zsp(low & Width.mask(size), size) | (overflow ? RFLAGS.cf | RFLAGS.of : 0)
    }

    /// One-operand MUL/IMUL: the accumulator times the operand into the double-width accumulator pair.
    func executeMultiplyWide(_ p: UnsafePointer<DecodedInstruction>, signed: Bool) throws(ExecutionEvent) {
        let size = p.pointee.size
        let m = Width.mask(size)
        let src = try readOperand(p.pointee.operand0) & m
        let acc = g[0] & m
        var low: UInt64
        var high: UInt64
        let overflow: Bool
        if size == 8 {
            if signed {
                let r = Int64(bitPattern: acc).multipliedFullWidth(by: Int64(bitPattern: src))
                low = r.low
                high = UInt64(bitPattern: r.high)
                overflow = high != (Int64(bitPattern: low) < 0 ? ~0 : 0)
            } else {
                let r = acc.multipliedFullWidth(by: src)
                low = r.low
                high = r.high
                overflow = high != 0
            }
        } else {
            let bits = Width.bits(size)
            if signed {
                let prod = Int64(bitPattern: Width.signExtend(acc, size)) &* Int64(bitPattern: Width.signExtend(src, size))
                let u = UInt64(bitPattern: prod)
                low = u & m
                high = (u >> bits) & m
                overflow = Width.signExtend(low, size) != u
            } else {
                let prod = acc &* src
                low = prod & m
                high = (prod >> bits) & m
                overflow = high != 0
            }
        }
        writeWide(size, low: low, high: high)
        setStatusFlags(mulFlags(overflow: overflow, low: low, size: size))
    }

    /// Two- and three-operand IMUL: `dest ← truncate(src1 × src2)`, CF = OF = the product did not fit.
    func executeMultiplyTruncating(_ p: UnsafePointer<DecodedInstruction>, threeOperands: Bool) throws(ExecutionEvent) {
        let size = p.pointee.size
        let a: UInt64
        let b: UInt64
        if threeOperands {
            a = try readOperand(p.pointee.operand1)
            b = UInt64(bitPattern: p.pointee.operand2.value)
        } else {
            a = try readOperand(p.pointee.operand0)
            b = try readOperand(p.pointee.operand1)
        }
        let sa = Int64(bitPattern: Width.signExtend(a, size))
        let sb = Int64(bitPattern: Width.signExtend(b, size))
        let (prod, overflow64) = sa.multipliedReportingOverflow(by: sb)
        let low = UInt64(bitPattern: prod) & Width.mask(size)
        let overflow = size == 8 ? overflow64 : Width.signExtend(low, size) != UInt64(bitPattern: prod)
        writeRegister(p.pointee.operand0, low)
        setStatusFlags(mulFlags(overflow: overflow, low: low, size: size))
    }

    /// DIV/IDIV: the double-width accumulator divided by the operand; #DE on a zero divisor or a quotient that
    /// does not fit.
    func executeDivide(_ p: UnsafePointer<DecodedInstruction>, signed: Bool) throws(ExecutionEvent) {
        let size = p.pointee.size
        let m = Width.mask(size)
        let divisor = try readOperand(p.pointee.operand0) & m
        guard divisor != 0 else { throw .exception(.de()) }
        let bits = Width.bits(size)
        // Dividend as (high, low) halves of `size` bytes each.
        let low: UInt64
        let high: UInt64
        if size == 1 {
            low = g[0] & 0xFF
            high = (g[0] >> 8) & 0xFF
        } else {
            low = g[0] & m
            high = g[2] & m
        }
        if !signed {
            guard high < divisor else { throw .exception(.de()) }
            let q: UInt64
            let r: UInt64
            if size == 8 {
                (q, r) = divisor.dividingFullWidth((high, low))
            } else {
                let dividend = (high << bits) | low
                (q, r) = (dividend / divisor, dividend % divisor)
            }
            writeQuotient(size, q, r)
            return
        }
        // Signed: divide magnitudes, then apply signs and check the quotient's range.
        let negativeDividend = high & Width.signBit(size) != 0
        let negativeDivisor = divisor & Width.signBit(size) != 0
        var magHigh = high
        var magLow = low
        if negativeDividend {
            // Two's-complement negate the 2×size-bit dividend.
            magLow = (~low &+ 1) & m
            magHigh = (~high &+ (magLow == 0 ? 1 : 0)) & m
        }
        let magDivisor = negativeDivisor ? (0 &- divisor) & m : divisor
        guard magHigh < magDivisor else { throw .exception(.de()) }
        let q: UInt64
        let r: UInt64
        if size == 8 {
            (q, r) = magDivisor.dividingFullWidth((magHigh, magLow))
        } else {
            let dividend = (magHigh << bits) | magLow
            (q, r) = (dividend / magDivisor, dividend % magDivisor)
        }
        let negativeQuotient = negativeDividend != negativeDivisor
        let limit = Width.signBit(size)  // |quotient| may be `limit` only when negative
        if negativeQuotient ? q > limit : q >= limit { throw .exception(.de()) }
        let quotient = negativeQuotient ? (0 &- q) & m : q
        let remainder = negativeDividend ? (0 &- r) & m : r
        writeQuotient(size, quotient, remainder)
    }

    private func writeQuotient(_ size: UInt8, _ q: UInt64, _ r: UInt64) {
        if size == 1 {
            g[0] = (g[0] & ~0xFFFF) | ((r & 0xFF) << 8) | (q & 0xFF)
        } else {
            writeWide(size, low: q, high: r)
        }
    }
}
