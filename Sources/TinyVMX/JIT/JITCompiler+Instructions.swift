/// Which guest instructions the JIT compiles, and their re-encoding on host registers, by family.
///
/// Each compiled instruction runs as the same host instruction (so the host computes its result and flags,
/// exactly as the oracle tests hold the interpreter to), with guest registers replaced by the host registers
/// they are allocated to and memory operands by `[RSI + RDI]` after the TLB check. Anything else ends the
/// compiled prefix and runs in the interpreter: string, multiply/divide, bit scans, flag instructions,
/// system and VMX instructions, high-byte registers, 32-bit addressing, LOCK.
extension JITCompiler {
    /// Registers an instruction reads or writes (`used`) and writes (`written`), as GPR bit masks.
    struct Plan {
        var used: UInt16
        var written: UInt16
    }

    static let rspBit: UInt16 = 1 << 4

    static func transfersControl(_ op: Opcode) -> Bool {
        switch op {
        case .jmp, .jcc, .call, .ret, .jmpIndirect: return true
        default: return false
        }
    }

    /// Whether `d` is compiled, and the registers it touches.
    static func plan(_ d: DecodedInstruction) -> Plan? {
        guard !d.hasLockPrefix else { return nil }
        var used: UInt16 = 0
        for o in [d.operand0, d.operand1, d.operand2] {
            switch o.kind {
            case .none, .immediate: break
            case .reg8High: return nil
            case .reg8, .reg16, .reg32, .reg64: used |= 1 << UInt16(o.reg)
            case .memory:
                if o.isAddress32 { return nil }
                let hasBase = o.reg != Operand.noRegister, hasIndex = o.index != Operand.noRegister
                if !hasBase && hasIndex && o.scale != 1 { return nil }
                if (hasBase || hasIndex) && Int64(Int32(truncatingIfNeeded: o.value)) != o.value { return nil }
                if hasBase { used |= 1 << UInt16(o.reg) }
                if hasIndex { used |= 1 << UInt16(o.index) }
            }
        }
        let o0 = d.operand0, o1 = d.operand1
        let isReg0 = o0.kind != .memory && o0.kind != .immediate && o0.kind != .none
        let dst: UInt16 = isReg0 ? 1 << UInt16(o0.reg) : 0
        let immediateFits = o1.kind != .immediate || o1.size != 8
            || Int64(Int32(truncatingIfNeeded: o1.value)) == o1.value
        switch d.opcode {
        case .add, .or, .adc, .sbb, .and, .sub, .xor, .cmp, .test:
            guard d.operandCount == 2, o0.kind != .immediate, immediateFits else { return nil }
            let op = d.opcode
            // AF is undefined after AND/OR/XOR/TEST; the interpreter clears it, and so must compiled code
            // (see `normalizeLogicFlags`), which is done for register operands only.
            if op == .and || op == .or || op == .xor || op == .test {
                guard isReg0, o1.kind != .memory else { return nil }
            }
            return Plan(used: used, written: op == .cmp || op == .test ? 0 : dst)
        case .inc, .dec, .neg, .not:
            return Plan(used: used, written: dst)
        case .mov:
            guard o0.kind != .memory || immediateFits else { return nil }
            return Plan(used: used, written: dst)
        case .movzx, .movsx:
            guard isReg0, o1.size == 1 || o1.size == 2 || o1.size == o0.size || (o1.size == 4 && o0.size == 8)
            else { return nil }
            return Plan(used: used, written: dst)
        case .lea, .cmovcc:
            guard isReg0, o0.size >= 2 else { return nil }
            return Plan(used: used, written: dst)
        case .setcc:
            return Plan(used: used, written: dst)
        case .xchg:
            guard isReg0, o1.kind != .memory else { return nil }
            return Plan(used: used, written: used)
        case .bswap:
            guard isReg0, o0.size >= 4 else { return nil }
            return Plan(used: used, written: dst)
        case .nop, .fence, .pause:
            return Plan(used: 0, written: 0)
        case .push:
            guard o0.kind == .reg64 || (o0.kind == .immediate && d.size == 8) else { return nil }
            return Plan(used: used | rspBit, written: rspBit)
        case .pop:
            guard o0.kind == .reg64 else { return nil }
            return Plan(used: used | rspBit, written: rspBit | dst)
        case .call:
            guard Core.isCanonical(d.target) else { return nil }
            return Plan(used: rspBit, written: rspBit)
        case .ret:
            guard d.size == 8 else { return nil }
            return Plan(used: rspBit, written: rspBit)
        case .jmp, .jcc:
            guard Core.isCanonical(d.target) else { return nil }
            return Plan(used: 0, written: 0)
        case .jmpIndirect:
            guard o0.kind == .reg64 || (o0.kind == .memory && o0.size == 8) else { return nil }
            return Plan(used: used, written: 0)
        default:
            // Shifts and rotates are left to the interpreter: for counts above 1 the host's OF (and AF) are
            // its own choice, and the interpreter's documented values are the reference.
            return nil
        }
    }

    /// Emits guest instruction `i`.
    mutating func emitInstruction(_ i: Int) {
        let d = insns[i]
        let o0 = d.operand0, o1 = d.operand1
        let size = o0.size
        let byteOp = size == 1
        let rsi = X86Emitter.Reg.rsi, rdi = X86Emitter.Reg.rdi, rdx = X86Emitter.Reg.rdx
        let hostMemory = X86Emitter.RM.mem(base: rsi, index: rdi, scale: 1, disp: 0)
        switch d.opcode {
        case let op where Self.aluExtension(op) != nil:
            let b = Self.aluExtension(op)!
            let kind: AccessKind = op == .cmp ? .read : .write
            if o1.kind == .immediate {
                let target = rm(o0, kind, index: i)
                e.op([byteOp ? 0x80 : 0x81], size: size, reg: b, rm: target, byteRegisters: byteOp)
                immediate(o1.value, size)
            } else if o1.kind == .memory {
                let source = memory(o1, .read, index: i)
                e.op([b << 3 | (byteOp ? 2 : 3)], size: size, reg: host(o0), rm: source, byteRegisters: byteOp)
            } else {
                let target = rm(o0, kind, index: i)
                e.op([b << 3 | (byteOp ? 0 : 1)], size: size, reg: host(o1), rm: target, byteRegisters: byteOp)
            }
            if op == .and || op == .or || op == .xor { normalizeLogicFlags(host(o0), size) }
        case .test:
            // TEST is AND into a scratch copy, so the AF fix-up has a register to work on.
            let rcx = X86Emitter.Reg.rcx
            e.move(rcx, host(o0))
            if o1.kind == .immediate {
                e.op([byteOp ? 0x80 : 0x81], size: size, reg: 4, rm: .reg(rcx), byteRegisters: byteOp)
                immediate(o1.value, size)
            } else {
                e.op([byteOp ? 0x20 : 0x21], size: size, reg: host(o1), rm: .reg(rcx), byteRegisters: byteOp)
            }
            normalizeLogicFlags(rcx, size)
        case .inc, .dec, .not, .neg:
            let op = d.opcode
            let ext: UInt8 = op == .inc ? 0 : op == .dec ? 1 : op == .not ? 2 : 3
            let opcode: UInt8 = op == .inc || op == .dec ? (byteOp ? 0xFE : 0xFF) : (byteOp ? 0xF6 : 0xF7)
            e.op([opcode], size: size, reg: ext, rm: rm(o0, .write, index: i), byteRegisters: byteOp)
        case .mov:
            emitMove(d, index: i)
        case .movzx, .movsx:
            let source = rm(o1, .read, index: i)
            let opcode: [UInt8]
            if o1.size == size {
                opcode = [0x8B]
            } else if d.opcode == .movzx {
                opcode = o1.size == 1 ? [0x0F, 0xB6] : [0x0F, 0xB7]
            } else {
                opcode = o1.size == 1 ? [0x0F, 0xBE] : o1.size == 2 ? [0x0F, 0xBF] : [0x63]
            }
            e.op(opcode, size: size, reg: host(o0), rm: source, byteRegisters: o1.size == 1)
        case .lea:
            if o1.reg == Operand.noRegister && o1.index == Operand.noRegister {
                emitRegisterImmediate(host(o0), o1.value, size)
            } else {
                let base = o1.reg != Operand.noRegister ? hostOf[Int(o1.reg)] : hostOf[Int(o1.index)]
                let index = o1.reg != Operand.noRegister && o1.index != Operand.noRegister ? hostOf[Int(o1.index)] : nil
                e.op([0x8D], size: size, reg: host(o0), rm: .mem(base: base, index: index, scale: o1.scale, disp: Int32(o1.value)))
            }
        case .cmovcc:
            e.op([0x0F, 0x40 | d.condition], size: size, reg: host(o0), rm: rm(o1, .read, index: i))
        case .setcc:
            e.op([0x0F, 0x90 | d.condition], size: 1, reg: 0, rm: rm(o0, .write, index: i), byteRegisters: true)
        case .xchg:
            e.op([byteOp ? 0x86 : 0x87], size: size, reg: host(o1), rm: .reg(host(o0)), byteRegisters: byteOp)
        case .bswap:
            let h = host(o0)
            let rex: UInt8 = (size == 8 ? 0x48 : 0x40) | (h & 8 != 0 ? 1 : 0)
            if rex != 0x40 { e.byte(rex) }
            e.byte(0x0F)
            e.byte(0xC8 | (h & 7))
        case .nop, .fence, .pause:
            break
        case .push:
            let sp = hostOf[4]
            e.lea(rsi, base: sp, disp: -8)
            emitTLBCheck(size: 8, kind: .write, index: i)
            if o0.kind == .immediate {
                e.op([0xC7], size: 8, reg: 0, rm: hostMemory)
                e.int32(UInt32(truncatingIfNeeded: o0.value))
            } else {
                e.op([0x89], size: 8, reg: host(o0), rm: hostMemory)
            }
            e.lea(sp, base: sp, disp: -8)
        case .pop:
            let sp = hostOf[4]
            e.move(rsi, sp)
            emitTLBCheck(size: 8, kind: .read, index: i)
            e.op([0x8B], size: 8, reg: rdx, rm: hostMemory)
            e.lea(sp, base: sp, disp: 8)
            e.move(host(o0), rdx)
        case .call:
            let sp = hostOf[4]
            e.lea(rsi, base: sp, disp: -8)
            emitTLBCheck(size: 8, kind: .write, index: i)
            e.moveImmediate(rdx, d.nextAddress)
            e.op([0x89], size: 8, reg: rdx, rm: hostMemory)
            e.lea(sp, base: sp, disp: -8)
            exit(to: d.target)
        case .ret:
            let sp = hostOf[4]
            e.move(rsi, sp)
            emitTLBCheck(size: 8, kind: .read, index: i)
            e.op([0x8B], size: 8, reg: rdx, rm: hostMemory)
            e.move(rsi, rdx)
            requireCanonicalRSI(i)
            let release = o0.kind == .immediate ? Int32(o0.value & 0xFFFF) : 0
            e.lea(sp, base: sp, disp: 8 + release)
            writeBack()
            exitIndirect()
        case .jmp:
            exit(to: d.target)
        case .jcc:
            // The path that stays in this block (a loop's back edge) falls through: one taken branch fewer.
            let (inline, other, condition) = d.target == start
                ? (d.target, d.nextAddress, d.condition ^ 1) : (d.nextAddress, d.target, d.condition)
            var away = X86Emitter.Label()
            e.jump(if: condition, to: &away)
            exit(to: inline)
            e.bind(&away)
            exit(to: other)
        case .jmpIndirect:
            if o0.kind == .memory {
                let m = memory(o0, .read, index: i)
                e.op([0x8B], size: 8, reg: rdx, rm: m)
                e.move(rsi, rdx)
            } else {
                e.move(rsi, host(o0))
            }
            requireCanonicalRSI(i)
            writeBack()
            exitIndirect()
        default:
            preconditionFailure("JIT plan accepted \(d.opcode) but has no emitter for it")
        }
    }

    /// Recomputes the flags of a logic result in register `r` as the interpreter defines them: ADD of 0 leaves
    /// the value, sets ZF SF PF from it and clears CF, OF and AF (the host's AF after AND/OR/XOR is its own).
    mutating func normalizeLogicFlags(_ r: UInt8, _ size: UInt8) {
        e.op([size == 1 ? 0x80 : 0x83], size: size, reg: 0, rm: .reg(r), byteRegisters: size == 1)
        e.byte(0)
    }

    /// The ModRM extension of the eight classic ALU operations (ADD 0 … CMP 7).
    static func aluExtension(_ op: Opcode) -> UInt8? {
        switch op {
        case .add: return 0
        case .or: return 1
        case .adc: return 2
        case .sbb: return 3
        case .and: return 4
        case .sub: return 5
        case .xor: return 6
        case .cmp: return 7
        default: return nil
        }
    }

    /// An immediate of an operation of `size` bytes (8-byte operations take a sign-extended imm32).
    mutating func immediate(_ value: Int64, _ size: UInt8) {
        switch size {
        case 1: e.byte(UInt8(truncatingIfNeeded: value))
        case 2: e.int16(UInt16(truncatingIfNeeded: value))
        default: e.int32(UInt32(truncatingIfNeeded: value))
        }
    }

    /// A register ← immediate write with the guest's sub-register rule (32-bit zero-extends, 8/16 merge).
    mutating func emitRegisterImmediate(_ h: UInt8, _ value: Int64, _ size: UInt8) {
        switch size {
        case 8: e.moveImmediate(h, UInt64(bitPattern: value))
        case 4: e.moveImmediate(h, UInt64(bitPattern: value) & 0xFFFF_FFFF)
        default:
            e.op([size == 1 ? 0xC6 : 0xC7], size: size, reg: 0, rm: .reg(h), byteRegisters: size == 1)
            immediate(value, size)
        }
    }

    mutating func emitMove(_ d: DecodedInstruction, index i: Int) {
        let o0 = d.operand0, o1 = d.operand1
        let size = o0.size
        let byteOp = size == 1
        if o1.kind == .immediate {
            if o0.kind == .memory {
                let m = memory(o0, .write, index: i)
                e.op([byteOp ? 0xC6 : 0xC7], size: size, reg: 0, rm: m, byteRegisters: byteOp)
                immediate(o1.value, size)
            } else {
                emitRegisterImmediate(host(o0), o1.value, size)
            }
        } else if o1.kind == .memory {
            let m = memory(o1, .read, index: i)
            e.op([byteOp ? 0x8A : 0x8B], size: size, reg: host(o0), rm: m, byteRegisters: byteOp)
        } else if o0.kind == .memory {
            let m = memory(o0, .write, index: i)
            e.op([byteOp ? 0x88 : 0x89], size: size, reg: host(o1), rm: m, byteRegisters: byteOp)
        } else {
            e.op([byteOp ? 0x88 : 0x89], size: size, reg: host(o1), rm: .reg(host(o0)), byteRegisters: byteOp)
        }
    }
}
