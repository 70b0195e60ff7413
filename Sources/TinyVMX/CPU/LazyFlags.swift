/// The last flag-setting ALU operation, kept instead of computed status flags until something reads them.
///
/// Most ALU results are overwritten by the next ALU instruction before any instruction looks at the flags,
/// so the six status flags are computed only on demand (`Core.materializeFlags()`). Conditions on ZF alone
/// are answered from `result` directly.
struct LazyFlags {
    enum Kind: UInt8 {
        /// RFLAGS in the register file is current.
        case none
        case add, sub, logic
        /// INC/DEC: CF is not theirs; the register file's CF bit already holds the value to keep.
        case inc, dec
    }

    var kind: Kind = .none
    var size: UInt8 = 8
    var a: UInt64 = 0
    var b: UInt64 = 0
    /// The result, masked to `size`.
    var result: UInt64 = 0

    /// The status flags this operation defines.
    func compute(currentFlags: UInt64) -> UInt64 {
        switch kind {
        case .none: return currentFlags & RFLAGS.status
        case .add: return Flags.add(a, b, result, carry: false, size)
        case .sub: return Flags.sub(a, b, result, borrow: false, size)
        case .logic: return Flags.logic(result, size)
        case .inc: return (Flags.add(a, 1, result, carry: false, size) & ~RFLAGS.cf) | (currentFlags & RFLAGS.cf)
        case .dec: return (Flags.sub(a, 1, result, borrow: false, size) & ~RFLAGS.cf) | (currentFlags & RFLAGS.cf)
        }
    }

    /// Condition code `cc` evaluated from the pending operation without computing RFLAGS, where that is
    /// cheaper: every condition after SUB/CMP and logic operations except O and P; E/NE/S/NS after any kind.
    /// - Returns: `nil` when the flags must be computed instead.
    @inline(__always)
    func condition(_ cc: UInt8) -> Bool? {
        let sign = Width.signBit(size)
        let r: Bool
        switch (cc >> 1, kind) {
        case (2, _): r = result == 0  // E
        case (4, _): r = result & sign != 0  // S
        case (1, .sub): r = a < b  // B
        case (3, .sub): r = a <= b  // BE
        case (6, .sub): r = Int64(bitPattern: Width.signExtend(a, size)) < Int64(bitPattern: Width.signExtend(b, size))  // L
        case (7, .sub): r = Int64(bitPattern: Width.signExtend(a, size)) <= Int64(bitPattern: Width.signExtend(b, size))  // LE
        case (1, .logic): r = false  // CF = 0
        case (3, .logic): r = result == 0  // CF | ZF
        case (6, .logic): r = result & sign != 0  // SF != OF with OF = 0
        case (7, .logic): r = result == 0 || result & sign != 0
        default: return nil
        }
        return (cc & 1) == 0 ? r : !r
    }

    /// CF as this operation defines it (INC/DEC keep the register file's).
    func carry(currentFlags: UInt64) -> UInt64 {
        switch kind {
        case .add: return result < a ? RFLAGS.cf : 0
        case .sub: return a < b ? RFLAGS.cf : 0
        case .logic: return 0
        default: return currentFlags & RFLAGS.cf
        }
    }
}
