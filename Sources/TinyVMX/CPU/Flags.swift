/// Status-flag computation for arithmetic results, as the SDM defines each flag.
///
/// Every function returns only the six status bits (CF PF AF ZF SF OF) it defines; the caller merges them into
/// RFLAGS. Values are already masked to the operand size.
enum Flags {
    /// ZF, SF and PF of a result.
    @inline(__always)
    static func zsp(_ r: UInt64, _ size: UInt8) -> UInt64 {
        var f: UInt64 = r == 0 ? RFLAGS.zf : 0
        if r & Width.signBit(size) != 0 { f |= RFLAGS.sf }
        var x = r & 0xFF
        x ^= x >> 4
        if (0x6996 >> (x & 0xF)) & 1 == 0 { f |= RFLAGS.pf }
        return f
    }

    /// Flags of `a + b + carry` with result `r`.
    @inline(__always)
    static func add(_ a: UInt64, _ b: UInt64, _ r: UInt64, carry: Bool, _ size: UInt8) -> UInt64 {
        var f = zsp(r, size)
        if r < a || (carry && r == a) { f |= RFLAGS.cf }
        if (a ^ r) & (b ^ r) & Width.signBit(size) != 0 { f |= RFLAGS.of }
        f |= (a ^ b ^ r) & RFLAGS.af
        return f
    }

    /// Flags of `a - b - borrow` with result `r`.
    @inline(__always)
    static func sub(_ a: UInt64, _ b: UInt64, _ r: UInt64, borrow: Bool, _ size: UInt8) -> UInt64 {
        var f = zsp(r, size)
        if a < b || (borrow && a == b) { f |= RFLAGS.cf }
        if (a ^ b) & (a ^ r) & Width.signBit(size) != 0 { f |= RFLAGS.of }
        f |= (a ^ b ^ r) & RFLAGS.af
        return f
    }

    /// Flags of AND/OR/XOR/TEST: CF = OF = 0; AF is undefined by the SDM and produced as 0.
    @inline(__always)
    static func logic(_ r: UInt64, _ size: UInt8) -> UInt64 { zsp(r, size) }
}
