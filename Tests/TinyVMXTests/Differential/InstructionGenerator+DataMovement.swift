/// MOV MOVZX MOVSX MOVSXD LEA XCHG XADD CMPXCHG BSWAP CMOVcc SETcc PUSH POP, CBW…CQO, the flag instructions.
extension InstructionGenerator {
    func genMove() -> Bool {
        let size = pickSize()
        let sfx = suffix(size)
        switch rng.below(7) {
        case 0:  // reg, reg
            guard let dst = pickRegister(size: size, writable: true),
                let src = pickPartner(of: dst, size: size, writable: false)
            else { return false }
            let pseudo = rng.percent(30) ? rng.pick(["{load} ", "{store} "]) : ""
            emit("\(pseudo)mov \(src.text), \(dst.text)")
        case 1:  // imm, reg (movabs for full 64-bit immediates)
            guard let dst = pickRegister(size: size, writable: true) else { return false }
            if size == 8 && rng.coin() {
                emit("movabsq $0x\(String(rng.interesting(bits: 64), radix: 16)), \(dst.text)")
            } else {
                emit("mov\(sfx) $\(immediate(size)), \(dst.text)")
            }
        case 2:  // imm, mem
            let m = memory(size: size, access: .write)
            emit("mov\(sfx) $\(immediate(size)), \(m.text)")
        case 3:  // reg, mem
            let m = memory(size: size, access: .write)
            guard let src = pickRegister(size: size, writable: false, allowHigh: !m.needsREX) else { return false }
            emit("mov \(src.text), \(m.text)")
        case 4, 5:  // mem, reg
            let m = memory(size: size, access: .read)
            guard let dst = pickRegister(size: size, writable: true, allowHigh: !m.needsREX) else { return false }
            emit("mov \(m.text), \(dst.text)", label: m.label)
        default:  // moffs: movabs between the accumulator and an absolute data address
            guard isWritable(0) || rng.coin() else { return false }
            let address = FuzzLayout.dataAddress + 0x1000 + UInt64(rng.below(0x2000))
            let acc = "%" + GPRNames.name(0, size: size)
            if isWritable(0) && rng.coin() {
                emit("movabs 0x\(String(address, radix: 16)), \(acc)")
            } else {
                emit("movabs \(acc), 0x\(String(address, radix: 16))")
            }
        }
        return true
    }

    func genExtend() -> Bool {
        // (mnemonic, source size, destination size)
        let forms: [(String, Int, Int)] = [
            ("movzbw", 1, 2), ("movzbl", 1, 4), ("movzbq", 1, 8), ("movzwl", 2, 4), ("movzwq", 2, 8),
            ("movsbw", 1, 2), ("movsbl", 1, 4), ("movsbq", 1, 8), ("movswl", 2, 4), ("movswq", 2, 8),
            ("movslq", 4, 8), ("movsxd", 4, 4),
        ]
        let (mnemonic, srcSize, dstSize) = rng.pick(forms)
        guard let dst = pickRegister(size: dstSize, writable: true) else { return false }
        let highOK = dst.isLegacy && dstSize < 8
        if rng.percent(35) {
            let m = memory(size: srcSize, access: .read)
            emit("\(mnemonic) \(m.text), \(dst.text)", label: m.label)
        } else {
            guard let src = pickRegister(size: srcSize, writable: false, legacyOnly: false, allowHigh: highOK) else {
                return false
            }
            if src.high && dst.needsREX { return false }
            emit("\(mnemonic) \(src.text), \(dst.text)")
        }
        return true
    }

    /// LEA with any base, index, scale and displacement (no memory is accessed), 16/32/64-bit destinations,
    /// 32-bit address size, and RIP-relative forms.
    func genLea() -> Bool {
        let size = pickSize([2, 4, 8])
        guard let dst = pickRegister(size: size, writable: true) else { return false }
        if rng.percent(15) {
            let l = newLabel()
            if rng.coin() {
                emit("lea\(suffix(size)) \(l)b(%rip), \(dst.text)", label: l)
            } else {
                emit("lea\(suffix(size)) \(l)f(%rip), \(dst.text)")
                emit("nop", label: l)
            }
            return true
        }
        let a32 = rng.percent(25)
        let names = a32 ? GPRNames.r32 : GPRNames.r64
        let disp: String
        switch rng.below(4) {
        case 0: disp = ""
        case 1: disp = "\(Int8(truncatingIfNeeded: rng.next()))"
        default: disp = "\(Int32(truncatingIfNeeded: rng.interesting(bits: 32)))"
        }
        let base = rng.percent(85) ? "%" + names[rng.below(16)] : ""
        var index = ""
        if rng.percent(60) {
            var i = rng.below(16)
            if i == 4 { i = 5 }
            index = ",%\(names[i]),\(rng.pick([1, 2, 4, 8]))"
        }
        if base.isEmpty && index.isEmpty {
            emit("lea\(suffix(size)) \(disp.isEmpty ? "0" : disp), \(dst.text)")
        } else {
            emit("lea\(suffix(size)) \(disp)(\(base)\(index)), \(dst.text)")
        }
        return true
    }

    func genExchange() -> Bool {
        let size = pickSize()
        if rng.percent(40) {
            let m = memory(size: size, access: .readWrite)
            guard let r = pickRegister(size: size, writable: true, allowHigh: !m.needsREX) else { return false }
            emit(rng.coin() ? "xchg \(r.text), \(m.text)" : "xchg \(m.text), \(r.text)")
        } else {
            guard let a = pickRegister(size: size, writable: true) else { return false }
            let b = rng.percent(15) ? a : pickPartner(of: a, size: size, writable: true)
            guard let b else { return false }
            emit("xchg \(a.text), \(b.text)")
        }
        return true
    }

    func genExchangeAdd() -> Bool {
        let size = pickSize()
        guard let dst = rm(size: size, access: .readWrite) else { return false }
        guard let src = pickRegister(size: size, writable: true, legacyOnly: dst.isHigh, allowHigh: dst.allowsHigh) else {
            return false
        }
        let lock = dst.isMemory && rng.percent(40) ? "lock " : ""
        emit("\(lock)xadd \(src.text), \(dst.text)")
        define(.status)
        return true
    }

    func genCompareExchange() -> Bool {
        guard isWritable(0) else { return false }
        let size = pickSize()
        guard let dst = rm(size: size, access: .readWrite, avoid: [0]) else { return false }
        guard let src = pickRegister(size: size, writable: false, legacyOnly: dst.isHigh, allowHigh: dst.allowsHigh)
        else { return false }
        let acc = "%" + GPRNames.name(0, size: size)
        if rng.coin() && !(dst.isHigh) {
            // Make the compare succeed (unless the setup below changes things).
            emit("mov \(dst.text), \(acc)")
        }
        let lock = dst.isMemory && rng.percent(40) ? "lock " : ""
        emit("\(lock)cmpxchg \(src.text), \(dst.text)")
        define(.status)
        return true
    }

    func genByteSwap() -> Bool {
        let size = pickSize([4, 8])
        guard let r = pickRegister(size: size, writable: true) else { return false }
        emit("bswap \(r.text)")
        return true
    }

    func genConditionalMove() -> Bool {
        let size = pickSize([2, 4, 8])
        let cc = rng.pick(ConditionCode.allCases)
        ensureDefined(cc.reads)
        guard let dst = pickRegister(size: size, writable: true), let src = rm(size: size, access: .read) else {
            return false
        }
        use(cc.reads)
        emit("cmov\(cc.suffix) \(src.text), \(dst.text)", label: src.label)
        return true
    }

    func genSetCondition() -> Bool {
        let cc = rng.pick(ConditionCode.allCases)
        ensureDefined(cc.reads)
        guard let dst = rm(size: 1, access: .write) else { return false }
        use(cc.reads)
        emit("set\(cc.suffix) \(dst.text)")
        return true
    }

    func genPushPop() -> Bool {
        let size = rng.percent(80) ? 8 : 2
        let sfx = suffix(size)
        let canPush = stackDepth + size <= FuzzLayout.stackSlack
        let canPop = stackDepth - size >= -FuzzLayout.stackSlack
        let push = canPush && (!canPop || (stackDepth <= 0 ? rng.percent(70) : rng.percent(35)))
        if push {
            switch rng.below(3) {
            case 0:
                guard let r = pickRegister(size: size, writable: false) else { return false }
                emit("push\(sfx) \(r.text)")
            case 1:
                emit("push\(sfx) $\(rng.percent(40) ? immediate8() : immediate(size))")
            default:
                let m = memory(size: size, access: .read)
                emit("push\(sfx) \(m.text)", label: m.label)
            }
            stackDepth += size
        } else {
            if rng.percent(70) {
                guard let r = pickRegister(size: size, writable: true) else { return false }
                emit("pop\(sfx) \(r.text)")
            } else {
                let m = memory(size: size, access: .write)
                emit("pop\(sfx) \(m.text)")
            }
            stackDepth -= size
        }
        return true
    }

    func genConvert() -> Bool {
        let (mnemonic, writesRDX) = rng.pick([
            ("cbtw", false), ("cwtl", false), ("cltq", false), ("cwtd", true), ("cltd", true), ("cqto", true),
        ])
        guard writesRDX ? isWritable(2) : isWritable(0) else { return false }
        emit(mnemonic)
        return true
    }

    func genFlagInstruction() -> Bool {
        switch rng.below(7) {
        case 0:
            emit("clc")
            define(.cf)
        case 1:
            emit("stc")
            define(.cf)
        case 2:
            emit("cmc")  // CF stays as defined (or undefined) as it was
        case 3:
            emit(rng.coin() ? "cld" : "std")
        case 4, 5:
            guard isWritable(0) else { return false }
            if !defined.isSuperset(of: .lahf) && rng.coin() { ensureDefined(.lahf) }
            let known = defined.intersection(.lahf)
            use(known)
            emit("lahf")
            if known != .lahf {
                // Keep only the defined flags (and bit 1) in AH.
                emit("andb $\(Int8(truncatingIfNeeded: known.rawValue | 2)), %ah")
                define(FlagSet.status.subtracting(.af))
                undefine(.af)
            }
        default:
            emit("sahf")
            define(.lahf)
        }
        return true
    }

    /// PUSHF/POPF, with the pushed image masked to the defined flags, and POPF of arbitrary (masked) values.
    func genPushfPopf() -> Bool {
        guard stackDepth + 8 <= FuzzLayout.stackSlack else { return false }
        let wide = rng.percent(75)
        let (sfx, push, pop) = wide ? ("q", "pushfq", "popfq") : ("w", "pushfw", "popfw")
        let comparable = defined.rawValue | FlagSet.directionBit
        switch rng.below(3) {
        case 0:  // pushf; and; popf
            use(defined)
            emit(push)
            emit("and\(sfx) $0x\(String(comparable & (rng.next() | 0x400), radix: 16)), (%rsp)")
            emit(pop)
            define(.status)
        case 1:  // pushf; and; pop reg
            use(defined)
            let size = wide ? 8 : 2
            guard let r = pickRegister(size: size, writable: true) else { return false }
            emit(push)
            emit("and\(sfx) $0x\(String(comparable, radix: 16)), (%rsp)")
            emit("pop\(sfx) \(r.text)")
            define(FlagSet.status.subtracting(.af))
            undefine(.af)
        default:  // push value; popf (TF, AC and the rest masked off)
            if rng.coin(), let r = pickRegister(size: wide ? 8 : 2, writable: false) {
                emit("push\(sfx) \(r.text)")
                emit("and\(sfx) $0xcd5, (%rsp)")
            } else {
                emit("push\(sfx) $0x\(String(rng.next() & 0xCD5, radix: 16))")
            }
            emit(pop)
            define(.status)
        }
        return true
    }
}

/// Byte-level encodings GAS would not choose: operand-size and REX prefixes in unusual orders and numbers (REX.W
/// beats 66; a REX not directly before the opcode is ignored; repeated 66), instructions of exactly 15 bytes,
/// branch-hint segment prefixes on Jcc, REP RET.
extension InstructionGenerator {
    func genEncoding() -> Bool {
        switch rng.below(4) {
        case 0, 1:
            // An ALU register-register operation: 01 ADD, 09 OR, 21 AND, 29 SUB, 31 XOR, 39 CMP, 85 TEST.
            let ops: [(UInt8, Bool, Bool)] = [(0x01, true, false), (0x09, true, true), (0x21, true, true),
                                              (0x29, true, false), (0x31, true, true), (0x39, false, false),
                                              (0x85, false, true)]
            let (opcode, writes, logic) = rng.pick(ops)
            let dsts = (0..<8).filter { !writes || isWritable($0) }
            guard !dsts.isEmpty else { return false }
            let dst = rng.pick(dsts)
            let src = rng.below(16)
            let w = rng.coin()
            let rex: UInt8 = 0x40 | (w ? 8 : 0) | (src >= 8 ? 4 : 0)
            var bytes: [UInt8]
            switch rng.below(5) {
            case 0: bytes = [0x66, rex]  // REX.W wins over 66 (or a 16-bit operation without W)
            case 1: bytes = [rex, 0x66]  // REX ignored: 16-bit, low registers
            case 2: bytes = Array(repeating: 0x66, count: rng.range(2...4))
            case 3: bytes = [0x40, rex]  // two REX prefixes: the last counts
            default: bytes = Array(repeating: 0x66, count: 12) + [rex]  // 15 bytes with the opcode and ModRM
            }
            bytes += [opcode, 0xC0 | UInt8((src & 7) << 3) | UInt8(dst)]
            if bytes.count > 15 { return false }
            emit(".byte " + bytes.map { "0x" + String($0, radix: 16) }.joined(separator: ", "))
            if logic {
                define(FlagSet.status.subtracting(.af))
                undefine(.af)
            } else {
                define(.status)
            }
        case 2:
            // A Jcc with a branch hint (2E not taken, 3E taken: both ignored by the semantics).
            let cc = rng.pick(ConditionCode.allCases)
            ensureDefined(cc.reads)
            use(cc.reads)
            let target = newLabel()
            emit(".byte \(rng.coin() ? "0x2e" : "0x3e")")
            emit("j\(cc.suffix) \(target)f")
            let before = save()
            nestedBody(1...2)
            merge(before, save())
            emitLabel(target)
        default:
            // REP RET and BND-prefixed CALL/RET (F3 / F2 are ignored on near branches).
            guard stackDepth + 8 <= FuzzLayout.stackSlack else { return false }
            let function = newLabel()
            let after = newLabel()
            emit(rng.coin() ? "call \(function)f" : ".byte 0xf2\n    call \(function)f")
            emit("jmp \(after)f")
            emitLabel(function)
            callDepth += 1
            nestedBody(0...2)
            callDepth -= 1
            emit(rng.pick(["rep ret", ".byte 0xf2, 0xc3", "ret"]))
            emitLabel(after)
        }
        return true
    }
}
