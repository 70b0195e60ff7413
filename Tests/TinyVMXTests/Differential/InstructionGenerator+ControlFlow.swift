/// Forward JMP/Jcc, indirect JMP, CALL/RET to a local label, LOOP/LOOPE/LOOPNE, JRCXZ/JECXZ, NOPs, fences,
/// string instructions.
extension InstructionGenerator {
    func emitLabel(_ label: Int) { lines.append("\(label):") }

    func genBranch() -> Bool {
        let target = newLabel()
        let conditional = rng.percent(80)
        var text: String
        if conditional {
            let cc = rng.pick(ConditionCode.allCases)
            ensureDefined(cc.reads)
            use(cc.reads)
            text = "j\(cc.suffix) \(target)f"
        } else {
            text = "jmp \(target)f"
        }
        if rng.percent(20) { text = "{disp32} " + text }
        emit(text)
        let before = save()
        nestedBody(1...3)
        if conditional {
            merge(before, save())
        } else {
            restoreFlags(before)
        }
        emitLabel(target)
        return true
    }

    /// The flag tracking as it was at `s` (the code since is never executed).
    private func restoreFlags(_ s: Snapshot) {
        defined = s.defined
        unitRequires = s.requires
        unitDefines = s.defines
        unitUndefines = s.undefines
    }

    /// Loads the address of `label` into a register and jumps or calls through it or through memory.
    private func indirectTransfer(_ mnemonic: String, to label: Int) -> Bool {
        guard let r = pickRegister(size: 8, writable: true) else { return false }
        emit("lea \(label)f(%rip), \(r.text)")
        if rng.coin() {
            emit("\(mnemonic) *\(r.text)")
        } else {
            let m = memory(size: 8, access: .write, avoid: [r.number])
            emit("mov \(r.text), \(m.text)")
            emit("\(mnemonic) *\(m.text)")
        }
        return true
    }

    func genIndirectBranch() -> Bool {
        let target = newLabel()
        guard indirectTransfer("jmp", to: target) else { return false }
        let before = save()
        nestedBody(0...2)
        restoreFlags(before)
        emitLabel(target)
        return true
    }

    func genCall() -> Bool {
        guard stackDepth + 8 <= FuzzLayout.stackSlack else { return false }
        let function = newLabel()
        let after = newLabel()
        if rng.percent(60) {
            emit("call \(function)f")
        } else {
            guard indirectTransfer("call", to: function) else { return false }
        }
        emit("jmp \(after)f")
        emitLabel(function)
        callDepth += 1
        nestedBody(1...3)
        callDepth -= 1
        var release = 0
        if rng.percent(20) {
            release = rng.pick([8, 16, 2, 0])
            if stackDepth - release < -FuzzLayout.stackSlack { release = 0 }
            emit("ret $\(release)")
        } else {
            emit(rng.percent(10) ? "retq" : "ret")
        }
        emitLabel(after)
        stackDepth -= release
        return true
    }

    func genLoop() -> Bool {
        guard isWritable(1) else { return false }
        let n = rng.range(1...4)
        let kind = rng.pick(["loop", "loop", "loope", "loopne", "dec"])
        if kind == "dec" {
            // A counted loop closed by DEC/SUB and a backward JNZ.
            emit(rng.coin() ? "mov $\(n), %ecx" : "movq $\(n), %rcx")
            reserved.insert(1)
            let top = newLabel()
            emitLabel(top)
            let start = defined
            nestedBody(1...3)
            ensureDefined(start)
            if rng.coin() {
                emit(rng.pick(["dec %ecx", "decq %rcx", "decl %ecx"]))
                define(FlagSet.status.subtracting(.cf))
            } else {
                emit(rng.pick(["sub $1, %rcx", "subl $1, %ecx", "add $-1, %ecx"]))
                define(.status)
            }
            use(.zf)
            emit("\(rng.percent(20) ? "{disp32} " : "")\(rng.pick(["jnz", "jne"])) \(top)b")
            reserved.remove(1)
            return true
        }
        let a32 = rng.percent(20)
        if a32 {
            let upper = rng.next() & 0xFFFF_FFFF_0000_0000
            emit("movabsq $0x\(String(upper | UInt64(n), radix: 16)), %rcx")
        } else {
            emit(rng.coin() ? "mov $\(n), %ecx" : "movq $\(n), %rcx")
        }
        reserved.insert(1)
        let top = newLabel()
        emitLabel(top)
        let start = defined
        nestedBody(1...3)
        // Later iterations start with the flags the body leaves: they must be at least as defined.
        let needed = kind == "loop" ? start : start.union(.zf)
        ensureDefined(needed)
        if kind != "loop" { use(.zf) }
        emit("\(a32 ? "addr32 " : "")\(kind) \(top)b")
        reserved.remove(1)
        return true
    }

    /// Flag producers (full and partial: INC/DEC keep CF, BT sets only CF, rotates only CF/OF, a zero shift count
    /// nothing) followed directly by a flag consumer, so that lazily computed flags are read in every combination.
    func genFlagChain() -> Bool {
        let producers: [Family] = [.alu, .incDec, .negNot, .shift, .rotate, .rotateCarry, .bitTest, .flagOps, .imul,
                                   .bitScan, .bitCount, .xadd, .cmpxchg, .doubleShift, .mul]
        for _ in 0..<rng.range(1...3) {
            for _ in 0..<20 {
                let saved = save()
                if generate(rng.pick(producers)) { break }
                restore(saved)
            }
        }
        let consumers: [Family] = [.setcc, .cmov, .rotateCarry, .alu, .flagOps]
        for _ in 0..<20 {
            let saved = save()
            if rng.percent(25) {
                // A conditional branch over one instruction.
                let cc = rng.pick(ConditionCode.allCases)
                ensureDefined(cc.reads)
                use(cc.reads)
                let target = newLabel()
                emit("j\(cc.suffix) \(target)f")
                let before = save()
                if generate(.mov) || generate(.lea) { merge(before, save()) } else { restore(before) }
                emitLabel(target)
                return true
            }
            if generate(rng.pick(consumers)) { return true }
            restore(saved)
        }
        return true
    }

    /// ENTER (nesting level 0) … LEAVE around a body that keeps RBP.
    func genFrame() -> Bool {
        let size = rng.pick([0, 8, 16, 24, 0x40, 3])
        guard isWritable(5), stackDepth + 8 + size <= FuzzLayout.stackSlack else { return false }
        emit("enter $\(size), $0")
        reserved.insert(5)
        callDepth += 1
        nestedBody(0...2)
        callDepth -= 1
        reserved.remove(5)
        emit(rng.coin() ? "leave" : "leaveq")
        return true
    }

    func genJumpIfCountZero() -> Bool {
        let target = newLabel()
        if isWritable(1) && rng.coin() {
            switch rng.below(4) {
            case 0:
                emit("xor %ecx, %ecx")
                define(FlagSet.status.subtracting(.af))
                undefine(.af)
            case 1: emit("mov $0, %ecx")
            case 2: emit("mov $1, %ecx")
            default: emit("movabsq $0x100000000, %rcx")
            }
        }
        emit(rng.coin() ? "jrcxz \(target)f" : "jecxz \(target)f")
        let before = save()
        nestedBody(1...2)
        merge(before, save())
        emitLabel(target)
        return true
    }

    func genNop() -> Bool {
        emit(rng.pick([
            "nop", "nopw %ax", "nopl %eax", "nopl (%rax)", "nopl 0x0(%rax)", "nopw 0x0(%rax,%rax,1)",
            "nopl 0x0(%rax,%rax,1)", "nopl 0x12345678(%rax,%rbx,8)", "nopw %cs:0x0(%rax,%rax,1)", "xchg %ax, %ax",
            ".byte 0x66, 0x90", ".byte 0x0f, 0x1f, 0x00", ".byte 0xf3, 0x90", ".nops \(rng.range(1...15))",
            "data16 nop",
        ]))
        return true
    }

    func genFence() -> Bool {
        emit(rng.pick(["lfence", "mfence", "sfence", "pause"]))
        return true
    }

    func genString() -> Bool {
        guard isWritable(1), isWritable(6), isWritable(7) else { return false }
        let op = rng.pick(["movs", "stos", "lods", "cmps", "scas"])
        if op == "lods" { guard isWritable(0) else { return false } }
        let size = pickSize()
        let compares = op == "cmps" || op == "scas"
        let readsSource = op == "movs" || op == "lods" || op == "cmps"
        let usesDestination = op != "lods"
        var prefix = ""
        if rng.percent(70) {
            if compares {
                prefix = rng.pick(["repe ", "repne ", "repz ", "repnz "])
            } else {
                // F3 only: F2 (REPNE) on MOVS/STOS/LODS is reserved (and Capstone drops it).
                prefix = rng.percent(90) ? "rep " : rng.pick(["repe ", "repz "])
            }
        }
        let a32 = rng.percent(15)
        if readsSource { emit("lea \(rng.range(-0x400...0x400))(%r15), %rsi") }
        if usesDestination { emit("lea \(rng.range(-0x400...0x400))(%r15), %rdi") }
        var count = 1
        if !prefix.isEmpty {
            count = rng.pick([0, 1, 2, 3, rng.below(17)])
            emit("mov $\(count), %ecx")
        }
        emit("\(a32 ? "addr32 " : "")\(prefix)\(op)\(suffix(size))")
        if compares && count > 0 { define(.status) }
        return true
    }
}
