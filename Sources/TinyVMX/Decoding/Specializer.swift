/// Rewrites the hottest instruction shapes into specialized opcodes that skip operand-kind dispatch.
///
/// Only 32- and 64-bit register forms are specialized: their result is a plain store into the GPR (a 32-bit
/// result is already zero-extended). Anything else keeps its generic opcode. Semantics are identical; the
/// differential and corpus tests run every form.
enum Specializer {
    static func specialize(_ d: inout DecodedInstruction) {
        guard d.size == 8 || d.size == 4, !d.hasLockPrefix else { return }
        let wide: Operand.Kind = d.size == 8 ? .reg64 : .reg32
        let o0 = d.operand0
        let o1 = d.operand1
        switch d.opcode {
        case .add, .adc, .sub, .sbb, .and, .or, .xor, .cmp, .test:
            guard o0.kind == wide else { return }
            if o1.kind == wide {
                d.operation = d.opcode
                d.opcode = .aluRegReg
            } else if o1.kind == .immediate {
                d.operation = d.opcode
                d.opcode = .aluRegImm
            }
        case .mov:
            if o0.kind == wide && o1.kind == wide {
                d.opcode = .movRegReg
            } else if o0.kind == wide && o1.kind == .immediate {
                d.opcode = .movRegImm
            } else if o0.kind == wide && o1.kind == .memory && o1.size == d.size {
                d.opcode = .movRegMem
            } else if o0.kind == .memory && o1.kind == wide && o0.size == d.size {
                d.opcode = .movMemReg
            }
        case .inc, .dec:
            guard o0.kind == wide else { return }
            d.opcode = d.opcode == .inc ? .incReg : .decReg
        default:
            return
        }
    }
}
