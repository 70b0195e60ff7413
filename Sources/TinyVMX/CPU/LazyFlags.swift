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
        /// INC/DEC: CF is not theirs; `b` holds the CF they keep (0 or `RFLAGS.cf`).
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
        case .inc: return (Flags.add(a, 1, result, carry: false, size) & ~RFLAGS.cf) | b
        case .dec: return (Flags.sub(a, 1, result, borrow: false, size) & ~RFLAGS.cf) | b
        }
    }

    /// Condition code `cc` evaluated from the pending operation without computing RFLAGS, where that is
    /// cheaper: every condition but P after SUB/CMP and logic operations; E/NE/S/NS after any kind.
    /// - Returns: `nil` when the flags must be computed instead.
    @inline(always)
    func condition(_ cc: UInt8) -> Bool? {
        let sign = Width.signBit(size)
        let r: Bool
        switch kind {
        case .sub:
            switch cc >> 1 {
            case 0: r = (a ^ b) & (a ^ result) & sign != 0  // O
            case 1: r = a < b  // B
            case 2: r = result == 0  // E
            case 3: r = a <= b  // BE
            case 4: r = result & sign != 0  // S
            case 5: return nil  // P
            case 6: r = Int64(bitPattern: Width.signExtend(a, size)) < Int64(bitPattern: Width.signExtend(b, size))  // L
            default: r = Int64(bitPattern: Width.signExtend(a, size)) <= Int64(bitPattern: Width.signExtend(b, size))  // LE
            }
        case .logic:
            // CF = OF = 0.
            switch cc >> 1 {
            case 0, 1: r = false  // O, B
            case 2, 3: r = result == 0  // E, BE
            case 4, 6: r = result & sign != 0  // S, L (SF != OF)
            case 5: return nil  // P
            default: r = result == 0 || result & sign != 0  // LE
            }
        default:
            switch cc >> 1 {
            case 2: r = result == 0  // E
            case 4: r = result & sign != 0  // S
            default: return nil
            }
        }
        return (cc & 1) == 0 ? r : !r
    }

    /// CF (0 or `RFLAGS.cf`) after this operation; `currentFlags` is the register file's RFLAGS.
    @inline(__always)
    func carry(currentFlags: UInt64) -> UInt64 {
        switch kind {
        case .none: return currentFlags & RFLAGS.cf
        case .add: return result < a ? RFLAGS.cf : 0
        case .sub: return a < b ? RFLAGS.cf : 0
        case .logic: return 0
        case .inc, .dec: return b
        }
    }
}
