/// ADD ADC SUB SBB AND OR XOR CMP TEST, INC DEC NEG NOT, MUL IMUL DIV IDIV.
extension InstructionGenerator {
    /// An r/m operand of `size` bytes: a register (writable unless `access` is `.read`) or memory.
    func rm(
        size: Int, access: Access, memoryPercent: Int = 40, legacyOnly: Bool = false, allowHigh: Bool = true,
        avoid: Set<Int> = []
    ) -> RM? {
        if rng.percent(memoryPercent) {
            return .memory(memory(size: size, access: access, legacyOnly: legacyOnly, avoid: avoid))
        }
        guard let r = pickRegister(
            size: size, writable: access != .read, legacyOnly: legacyOnly, allowHigh: allowHigh && size == 1, avoid: avoid)
        else { return nil }
        return .register(r)
    }

    func genBinary() -> Bool {
        let op = rng.pick(["add", "adc", "sub", "sbb", "and", "or", "xor", "cmp", "test"])
        let size = pickSize()
        let sfx = suffix(size)
        let writes = op != "cmp" && op != "test"
        let logic = ["and", "or", "xor", "test"].contains(op)
        if op == "adc" || op == "sbb" { ensureDefined(.cf) }
        let access: Access = writes ? .readWrite : .read
        var text: String
        var label: Int?
        switch rng.below(5) {
        case 0:  // reg, reg
            guard let dst = pickRegister(size: size, writable: writes),
                let src = pickPartner(of: dst, size: size, writable: false)
            else { return false }
            let pseudo = op != "test" && rng.percent(20) ? rng.pick(["{load} ", "{store} "]) : ""
            text = "\(pseudo)\(op) \(src.text), \(dst.text)"
        case 1:  // imm, reg
            guard let dst = pickRegister(size: size, writable: writes) else { return false }
            text = "\(op)\(sfx) $\(rng.percent(30) && size > 1 ? immediate8() : immediate(size)), \(dst.text)"
        case 2:  // imm, mem
            let m = memory(size: size, access: access)
            let lock = writes && rng.percent(20) ? "lock " : ""
            text = "\(lock)\(op)\(sfx) $\(rng.percent(30) && size > 1 ? immediate8() : immediate(size)), \(m.text)"
            label = m.label
        case 3:  // reg, mem
            let m = memory(size: size, access: access)
            guard let src = pickRegister(size: size, writable: false, allowHigh: !m.needsREX) else { return false }
            let lock = writes && rng.percent(20) ? "lock " : ""
            text = "\(lock)\(op) \(src.text), \(m.text)"
            label = m.label
        default:  // mem, reg
            let m = memory(size: size, access: .read)
            guard let dst = pickRegister(size: size, writable: writes, allowHigh: !m.needsREX) else { return false }
            text = op == "test" ? "test \(dst.text), \(m.text)" : "\(op) \(m.text), \(dst.text)"
            label = m.label
        }
        if op == "adc" || op == "sbb" { use(.cf) }
        emit(text, label: label)
        if logic {
            define(FlagSet.status.subtracting(.af))
            undefine(.af)
        } else {
            define(.status)
        }
        return true
    }

    func genIncDec() -> Bool {
        let op = rng.pick(["inc", "dec"])
        let size = pickSize()
        guard let dst = rm(size: size, access: .readWrite) else { return false }
        let lock = dst.isMemory && rng.percent(20) ? "lock " : ""
        emit("\(lock)\(op)\(suffix(size)) \(dst.text)", label: dst.label)
        define(FlagSet.status.subtracting(.cf))
        return true
    }

    func genNegNot() -> Bool {
        let negate = rng.coin()
        let size = pickSize()
        guard let dst = rm(size: size, access: .readWrite) else { return false }
        let lock = dst.isMemory && rng.percent(20) ? "lock " : ""
        emit("\(lock)\(negate ? "neg" : "not")\(suffix(size)) \(dst.text)", label: dst.label)
        if negate { define(.status) }
        return true
    }

    private func multiplyFlags() {
        define([.cf, .of])
        undefine([.sf, .zf, .af, .pf])
    }

    /// One-operand MUL / IMUL.
    func genMultiplyWide() -> Bool {
        let size = pickSize()
        guard isWritable(0), size == 1 || isWritable(2) else { return false }
        guard let src = rm(size: size, access: .read) else { return false }
        emit("\(rng.coin() ? "mul" : "imul")\(suffix(size)) \(src.text)", label: src.label)
        multiplyFlags()
        return true
    }

    /// Two- and three-operand IMUL (and sometimes the one-operand form).
    func genSignedMultiply() -> Bool {
        if rng.percent(20) { return genMultiplyWide() }
        let size = pickSize([2, 4, 8])
        guard let dst = pickRegister(size: size, writable: true), let src = rm(size: size, access: .read) else {
            return false
        }
        if rng.coin() {
            emit("imul\(suffix(size)) \(src.text), \(dst.text)", label: src.label)
        } else {
            let imm = rng.percent(40) ? immediate8() : immediate(size)
            emit("imul\(suffix(size)) $\(imm), \(src.text), \(dst.text)", label: src.label)
        }
        multiplyFlags()
        return true
    }

    /// Sets bit `bit` of an r/m operand without reading the flags.
    private func setBit(_ bit: Int, _ operand: RM, size: Int) {
        if size == 1 {
            emit("orb $\(Int8(truncatingIfNeeded: 1 << bit)), \(operand.text)")
        } else {
            emit("bts\(suffix(size)) $\(bit), \(operand.text)")
        }
    }

    private func clearBit(_ bit: Int, _ operand: RM, size: Int) {
        if size == 1 {
            emit("andb $\(Int8(truncatingIfNeeded: ~(1 << bit))), \(operand.text)")
        } else {
            emit("btr\(suffix(size)) $\(bit), \(operand.text)")
        }
    }

    /// The high half of the dividend: AH, DX, EDX or RDX.
    private func dividendHigh(_ size: Int) -> String {
        size == 1 ? "%ah" : "%" + GPRNames.name(2, size: size)
    }

    /// DIV/IDIV with a divisor and dividend arranged so that no #DE can happen: a non-zero divisor with a
    /// zero or sign-extended high half, or a divisor with its top bit(s) forced and a high half shifted right.
    func genDivide() -> Bool {
        guard isWritable(0), isWritable(2) else { return false }
        let signed = rng.coin()
        let size = pickSize()
        let bits = size * 8
        let sfx = suffix(size)
        let divisor: RM
        if rng.percent(40) {
            divisor = .memory(memory(size: size, access: .readWrite, avoid: [0, 2]))
        } else {
            guard let r = pickRegister(size: size, writable: true, avoid: size == 1 ? [0] : [2]) else { return false }
            divisor = .register(r)
        }
        let wide = rng.coin()
        switch (signed, wide) {
        case (false, false):
            setBit(rng.below(bits), divisor, size: size)
            switch size {
            case 1: emit("movzbw %al, %ax")
            case 2: emit(rng.coin() ? "xor %dx, %dx" : "mov $0, %dx")
            default: emit(rng.coin() ? "xor %edx, %edx" : "movq $0, %rdx")
            }
        case (false, true):
            setBit(bits - 1, divisor, size: size)
            emit("shr\(sfx) $\(rng.range(1...3)), \(dividendHigh(size))")
        case (true, false):
            let k = rng.below(bits)
            var j = rng.below(bits)
            if j == k { j = (j + 1) % bits }
            clearBit(k, divisor, size: size)
            setBit(j, divisor, size: size)
            emit(["cbtw", "cwtd", "cltd", "cqto"][size.trailingZeroBitCount])
        case (true, true):
            setBit(bits - 2, divisor, size: size)
            clearBit(bits - 1, divisor, size: size)
            if rng.coin() { emit("neg\(sfx) \(divisor.text)") }
            emit("sar\(sfx) $\(rng.range(3...5)), \(dividendHigh(size))")
        }
        emit("\(signed ? "idiv" : "div")\(sfx) \(divisor.text)")
        undefine(.status)
        return true
    }

    /// For the #DE tests: a setup unit then an unguarded DIV/IDIV unit (appended by the caller).
    func genDivideErrorSetup() -> (size: Int, signed: Bool, divisor: RM) {
        let signed = rng.coin()
        let size = pickSize()
        let sfx = suffix(size)
        let divisor: RM
        if rng.percent(30) {
            divisor = .memory(memory(size: size, access: .readWrite, avoid: [0, 2]))
        } else {
            divisor = .register(pickRegister(size: size, writable: true, avoid: size == 1 ? [0] : [2])!)
        }
        switch rng.below(4) {
        case 0:  // zero divisor
            if divisor.isMemory || rng.coin() {
                emit("mov\(sfx) $0, \(divisor.text)")
            } else {
                emit("xor \(divisor.text), \(divisor.text)")
                define(FlagSet.status.subtracting(.af))
                undefine(.af)
            }
        case 1:  // MIN / -1
            let min = size == 8 ? "movabsq $0x8000000000000000, %rax" : "mov\(sfx) $\(-(1 << (size * 8 - 1))), \(size == 1 ? "%al" : "%" + GPRNames.name(0, size: size))"
            emit(min)
            emit(["cbtw", "cwtd", "cltd", "cqto"][size.trailingZeroBitCount])
            emit("mov\(sfx) $-1, \(divisor.text)")
        case 2:  // high half not below the divisor
            emit("mov\(sfx) $\(immediate(size)), \(divisor.text)")
            emit("mov\(sfx) $-1, \(dividendHigh(size))")
        default:  // whatever the registers hold
            break
        }
        return (size, signed, divisor)
    }
}
