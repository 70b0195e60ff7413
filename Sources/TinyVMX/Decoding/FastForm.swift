/// How the interpreter's inner loop runs an instruction: a shape with its width and operation baked in,
/// or `generic` (the `Opcode` switch in `Core.execute`).
///
/// The `Opcode` always says what an instruction is (the JIT, the tracer and VMX exit checks read it); the
/// form only says how the run loop executes it fastest. Every form has exactly the semantics of its
/// opcode's generic path; the differential and corpus tests run both (the generic path runs an instruction
/// a JIT TLB miss hands back, and every form outside this list).
enum FastForm: UInt8, Sendable {
    case generic
    // Register destination, register (rr) or immediate (ri) source, 64- or 32-bit; flags deferred.
    case add64rr, add32rr, add64ri, add32ri
    case sub64rr, sub32rr, sub64ri, sub32ri
    case cmp64rr, cmp32rr, cmp64ri, cmp32ri
    case and64rr, and32rr, and64ri, and32ri
    case or64rr, or32rr, or64ri, or32ri
    case xor64rr, xor32rr, xor64ri, xor32ri
    case test64rr, test32rr, test64ri, test32ri
    case inc64, inc32, dec64, dec32
    // MOV: register from register or immediate, register from memory, memory from register (memory
    // operands without FS/GS or the 0x67 prefix).
    case mov64rr, mov32rr, mov64ri, mov32ri
    case mov64rm, mov32rm, mov64mr, mov32mr
    /// LEA into a 64-bit register.
    case lea64
    /// 64-bit PUSH and POP of a register.
    case push64r, pop64r
    // Control flow.
    case jz, jnz, jcc, jmp, call, ret
    /// NOP (every form), fences, PAUSE.
    case nop
}

/// Chooses each decoded instruction's `FastForm`.
enum Specializer {
    static func specialize(_ d: inout DecodedInstruction) {
        d.form = form(of: d)
    }

    /// A memory operand without FS/GS and without the 0x67 prefix: its address is base + index × scale +
    /// displacement (`Core.flatAddress`).
    static func isFlat(_ o: Operand) -> Bool { o.segment == .none && !o.isAddress32 }

    static func form(of d: DecodedInstruction) -> FastForm {
        guard !d.hasLockPrefix else { return .generic }
        let o0 = d.operand0
        let o1 = d.operand1
        switch d.opcode {
        case .jcc: return d.condition == 4 ? .jz : d.condition == 5 ? .jnz : .jcc
        case .jmp: return .jmp
        case .call: return .call
        case .ret: return d.operandCount == 0 ? .ret : .generic
        case .nop, .fence, .pause: return .nop
        case .push: return d.size == 8 && o0.kind == .reg64 ? .push64r : .generic
        case .pop: return d.size == 8 && o0.kind == .reg64 ? .pop64r : .generic
        case .lea: return d.size == 8 && o0.kind == .reg64 ? .lea64 : .generic
        default: break
        }
        guard d.size == 8 || d.size == 4 else { return .generic }
        let wide: Operand.Kind = d.size == 8 ? .reg64 : .reg32
        let is64 = d.size == 8
        switch d.opcode {
        case .add, .sub, .cmp, .and, .or, .xor, .test:
            guard o0.kind == wide, d.operandCount == 2 else { return .generic }
            let immediate: Bool
            if o1.kind == wide {
                immediate = false
            } else if o1.kind == .immediate {
                immediate = true
            } else {
                return .generic
            }
            // The forms of one operation are consecutive: 64rr, 32rr, 64ri, 32ri.
            let first: FastForm
            switch d.opcode {
            case .add: first = .add64rr
            case .sub: first = .sub64rr
            case .cmp: first = .cmp64rr
            case .and: first = .and64rr
            case .or: first = .or64rr
            case .xor: first = .xor64rr
            default: first = .test64rr
            }
            return FastForm(rawValue: first.rawValue + (is64 ? 0 : 1) + (immediate ? 2 : 0))!
        case .inc, .dec:
            guard o0.kind == wide else { return .generic }
            if d.opcode == .inc { return is64 ? .inc64 : .inc32 }
            return is64 ? .dec64 : .dec32
        case .mov:
            if o0.kind == wide && o1.kind == wide { return is64 ? .mov64rr : .mov32rr }
            if o0.kind == wide && o1.kind == .immediate { return is64 ? .mov64ri : .mov32ri }
            if o0.kind == wide && o1.kind == .memory && o1.size == d.size && isFlat(o1) { return is64 ? .mov64rm : .mov32rm }
            if o0.kind == .memory && o1.kind == wide && o0.size == d.size && isFlat(o0) { return is64 ? .mov64mr : .mov32mr }
            return .generic
        default:
            return .generic
        }
    }
}
