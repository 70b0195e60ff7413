import CCapstone

/// Turns Capstone's `cs_insn` (read through pointers, never copied) into a `DecodedInstruction`.
enum InstructionTranslator {
    /// Mnemonics that map to one opcode whatever their operands.
    private static let direct: [String: Opcode] = [
        "mov": .mov, "movabs": .mov, "movzx": .movzx, "movsx": .movsx, "movsxd": .movsx, "lea": .lea,
        "xchg": .xchg, "xadd": .xadd, "cmpxchg": .cmpxchg, "bswap": .bswap, "push": .push, "pop": .pop,
        "add": .add, "adc": .adc, "sub": .sub, "sbb": .sbb, "and": .and, "or": .or, "xor": .xor, "cmp": .cmp,
        "test": .test, "inc": .inc, "dec": .dec, "neg": .neg, "not": .not, "mul": .mul, "div": .div,
        "idiv": .idiv, "shl": .shl, "sal": .shl, "shr": .shr, "sar": .sar, "rol": .rol, "ror": .ror,
        "rcl": .rcl, "rcr": .rcr, "shld": .shld, "shrd": .shrd, "bt": .bt, "bts": .bts, "btr": .btr,
        "btc": .btc, "bsf": .bsf, "bsr": .bsr, "tzcnt": .tzcnt, "lzcnt": .lzcnt, "popcnt": .popcnt,
        "ret": .ret, "loop": .loop, "loope": .loope, "loopne": .loopne, "jrcxz": .jrcxz, "jecxz": .jrcxz,
        "nop": .nop, "endbr64": .nop, "leave": .leave, "enter": .enter,
        "cbw": .cbw, "cwde": .cwde, "cdqe": .cdqe, "cwd": .cwd, "cdq": .cdq, "cqo": .cqo,
        "clc": .clc, "stc": .stc, "cmc": .cmc, "cld": .cld, "std": .std, "lahf": .lahf, "sahf": .sahf,
        "pushf": .pushf, "pushfq": .pushf, "popf": .popf, "popfq": .popf,
        "int3": .int3, "ud2": .ud2, "ud0": .ud2, "ud1": .ud2, "hlt": .hlt, "cpuid": .cpuid, "rdtsc": .rdtsc,
        "lfence": .fence, "mfence": .fence, "sfence": .fence, "pause": .pause,
        "cli": .cli, "sti": .sti, "int": .intN, "iretq": .iretq,
        "clts": .clts, "invlpg": .invlpg, "wbinvd": .wbinvd, "invd": .invd, "xgetbv": .xgetbv,
        "rdmsr": .rdmsr, "wrmsr": .wrmsr, "swapgs": .swapgs,
        "rdfsbase": .rdfsbase, "rdgsbase": .rdgsbase, "wrfsbase": .wrfsbase, "wrgsbase": .wrgsbase,
        "lgdt": .lgdt, "lidt": .lidt, "sgdt": .sgdt, "sidt": .sidt, "ltr": .ltr, "str": .str, "verw": .verw,
        "vmxon": .vmxon, "vmxoff": .vmxoff, "vmclear": .vmclear, "vmptrld": .vmptrld, "vmptrst": .vmptrst,
        "vmread": .vmread, "vmwrite": .vmwrite, "vmlaunch": .vmlaunch, "vmresume": .vmresume, "vmcall": .vmcall,
        "invept": .invept, "invvpid": .invvpid, "in": .inPort, "out": .outPort,
        // Features this CPU does not report in CPUID: #UD, as on hardware without them (VMFUNC: no VM
        // functions are enabled, so it is #UD in a guest too).
        "invpcid": .ud2, "into": .ud2, "vmfunc": .ud2,
    ]

    static func translate(_ insn: UnsafeMutablePointer<cs_insn>, tables: CapstoneTables) -> DecodedInstruction {
        let x86 = tvx_cs_x86(insn)!
        var d = DecodedInstruction()
        d.address = insn.pointee.address
        d.length = UInt8(insn.pointee.size)
        let id = Int(insn.pointee.id)
        let name = id < tables.instructionNames.count ? tables.instructionNames[id] : ""
        let op0 = x86.pointee.opcode.0, op1 = x86.pointee.opcode.1
        let prefixRep = x86.pointee.prefix.0
        d.hasLockPrefix = prefixRep == 0xF0
        d.isAddress32 = x86.pointee.prefix.3 == 0x67
        let rexW = (x86.pointee.rex & 0x08) != 0
        let opsize16 = x86.pointee.prefix.2 == 0x66

        // String instructions: identified by their one-byte opcode, which Capstone's names make ambiguous
        // (`movsd`/`cmpsd` are also SSE instructions).
        if (0xA4...0xAF).contains(op0) && op0 != 0xA8 && op0 != 0xA9 && isStringMnemonic(name) {
            let kinds: [Opcode] = [.movs, .cmps, .unsupported, .stos, .lods, .scas]
            d.opcode = kinds[Int(op0 - 0xA4) / 2]
            d.size = (op0 & 1) == 0 ? 1 : (rexW ? 8 : (opsize16 ? 2 : 4))
            d.repeatPrefix = prefixRep == 0xF3 ? .rep : (prefixRep == 0xF2 ? .repne : .none)
            let segment = x86.pointee.prefix.1
            d.operand0.segment = segment == 0x64 ? .fs : (segment == 0x65 ? .gs : .none)
            return d
        }

        // MOV to/from a control register: 0F 20 /r (read) and 0F 22 /r (write). ModRM.reg (with REX.R) is
        // the CR number, ModRM.rm (with REX.B) the GPR, whatever the mod bits. CR1, CR5–7, CR9–15 are #UD.
        if op0 == 0x0F && (op1 == 0x20 || op1 == 0x22) && name == "mov" {
            let modrm = x86.pointee.modrm
            let rex = x86.pointee.rex
            let cr = ((modrm >> 3) & 7) | (rex & 0x4 != 0 ? 8 : 0)
            d.opcode = [0, 2, 3, 4, 8].contains(cr) ? (op1 == 0x20 ? .movFromCR : .movToCR) : .ud2
            d.condition = cr
            d.operand0 = Operand(kind: .reg64, reg: (modrm & 7) | (rex & 0x1 != 0 ? 8 : 0), size: 8)
            d.operandCount = 1
            return d
        }

        var opcode: Opcode
        if let o = direct[name] {
            opcode = o
        } else if name == "jmp" {
            opcode = .jmp
        } else if name == "call" {
            opcode = .call
        } else if name == "imul" {
            opcode = .imul1
        } else if name.hasPrefix("cmov") {
            opcode = .cmovcc
            d.condition = op1 & 0x0F
        } else if name.hasPrefix("set") && op0 == 0x0F && (0x90...0x9F).contains(op1) {
            opcode = .setcc
            d.condition = op1 & 0x0F
        } else if name.hasPrefix("j") && (0x70...0x7F).contains(op0) {
            opcode = .jcc
            d.condition = op0 & 0x0F
        } else if name.hasPrefix("j") && op0 == 0x0F && (0x80...0x8F).contains(op1) {
            opcode = .jcc
            d.condition = op1 & 0x0F
        } else {
            opcode = .unsupported
        }

        let count = Int(x86.pointee.op_count)
        d.operandCount = UInt8(min(count, 3))
        for i in 0..<min(count, 3) {
            guard let operand = translateOperand(tvx_cs_x86_op(insn, UInt32(i))!, insn: insn, tables: tables)
            else {
                d.opcode = .unsupported
                return d
            }
            switch i {
            case 0: d.operand0 = operand
            case 1: d.operand1 = operand
            default: d.operand2 = operand
            }
        }
        if count > 3 { opcode = .unsupported }

        switch opcode {
        case .jmp, .call:
            if d.operand0.kind == .immediate {
                d.target = UInt64(bitPattern: d.operand0.value)
            } else {
                opcode = opcode == .jmp ? .jmpIndirect : .callIndirect
            }
        case .jcc, .loop, .loope, .loopne, .jrcxz:
            d.target = UInt64(bitPattern: d.operand0.value)
        case .imul1:
            opcode = count == 3 ? .imul3 : (count == 2 ? .imul2 : .imul1)
        case .pushf, .popf:
            d.size = opsize16 ? 2 : 8
        case .cbw, .cwd: d.size = 2
        case .cwde, .cdq: d.size = 4
        case .cdqe, .cqo: d.size = 8
        default:
            break
        }
        if opcode == .movsx && op0 == 0x63 && !rexW {
            // MOVSXD without REX.W has a 32-bit (or, with 66, 16-bit) operand size: a plain move. Capstone 4
            // reports a 64-bit destination for it; the size comes from the prefixes instead.
            let size: UInt8 = opsize16 ? 2 : 4
            d.operand0.kind = size == 4 ? .reg32 : .reg16
            d.operand0.size = size
            d.operand1.size = size
            if d.operand1.kind == .reg64 || d.operand1.kind == .reg32 { d.operand1.kind = size == 4 ? .reg32 : .reg16 }
            opcode = .movzx
        }
        // VMREAD/VMWRITE are NP: Capstone still decodes F3 0F 78 as VMREAD, the CPU raises #UD.
        // Capstone does not report the F3 in its prefix array here, so look at the bytes before 0F.
        if opcode == .vmread || opcode == .vmwrite {
            let hasMandatoryPrefix = withUnsafeBytes(of: insn.pointee.bytes) { bytes in
                bytes.prefix(while: { $0 != 0x0F }).contains { $0 == 0xF2 || $0 == 0xF3 || $0 == 0x66 }
            }
            if hasMandatoryPrefix { opcode = .ud2 }
        }
        d.opcode = opcode
        if count > 0 && opcode != .pushf && opcode != .popf && !(opcode == .ret || opcode == .enter) {
            d.size = d.operand0.size
        }
        if opcode == .push || opcode == .pop {
            d.size = d.operand0.kind == .immediate ? (opsize16 ? 2 : 8) : d.operand0.size
        }
        if opcode == .ret || opcode == .enter || opcode == .leave || opcode == .call || opcode == .callIndirect {
            d.size = opsize16 ? 2 : 8
        }
        // An immediate that feeds an operation of the destination's width is kept masked to that width.
        if d.operandCount >= 2 && d.operand1.kind == .immediate && d.size < 8 && opcode != .enter
            && !isShiftOrBit(opcode)
        {
            d.operand1.value = Int64(bitPattern: UInt64(bitPattern: d.operand1.value) & Width.mask(d.size))
        }
        if opcode == .imul3 && d.size < 8 {
            d.operand2.value = Int64(bitPattern: UInt64(bitPattern: d.operand2.value) & Width.mask(d.size))
        }
        return d
    }

    private static func isShiftOrBit(_ op: Opcode) -> Bool {
        switch op {
        case .shl, .shr, .sar, .rol, .ror, .rcl, .rcr, .shld, .shrd, .bt, .bts, .btr, .btc: return true
        default: return false
        }
    }

    private static func isStringMnemonic(_ name: String) -> Bool {
        for stem in ["movs", "cmps", "stos", "lods", "scas"] where name.hasPrefix(stem) { return true }
        return false
    }

    private static func translateOperand(
        _ op: UnsafePointer<cs_x86_op>, insn: UnsafeMutablePointer<cs_insn>, tables: CapstoneTables
    ) -> Operand? {
        var o = Operand()
        o.size = op.pointee.size
        switch op.pointee.type {
        case X86_OP_REG:
            let reg = Int(op.pointee.reg.rawValue)
            guard reg < tables.registers.count, let part = tables.registers[reg] else { return nil }
            o.kind = part.kind
            o.reg = part.number
        case X86_OP_IMM:
            o.kind = .immediate
            o.value = op.pointee.imm
        case X86_OP_MEM:
            o.kind = .memory
            let mem = op.pointee.mem
            o.scale = UInt8(truncatingIfNeeded: mem.scale)
            o.value = mem.disp
            o.isAddress32 = tvx_cs_x86(insn)!.pointee.prefix.3 == 0x67
            if mem.segment.rawValue == tables.fsRegister {
                o.segment = .fs
            } else if mem.segment.rawValue == tables.gsRegister {
                o.segment = .gs
            }
            if mem.base.rawValue == tables.ripRegister {
                // RIP-relative: fold the next instruction's address into an absolute displacement.
                let next = insn.pointee.address &+ UInt64(insn.pointee.size)
                o.value = Int64(bitPattern: next &+ UInt64(bitPattern: mem.disp))
                if o.isAddress32 { o.value &= 0xFFFF_FFFF }
            } else if mem.base.rawValue != 0 {
                let b = Int(mem.base.rawValue)
                guard b < tables.registers.count, let part = tables.registers[b],
                    part.kind == .reg64 || part.kind == .reg32
                else { return nil }
                o.reg = part.number
                o.usesStackSegment = (part.number == 4 || part.number == 5) && o.segment == .none
            }
            if mem.index.rawValue != 0 {
                let i = Int(mem.index.rawValue)
                guard i < tables.registers.count, let part = tables.registers[i],
                    part.kind == .reg64 || part.kind == .reg32
                else { return nil }
                o.index = part.number
            }
        default:
            return nil
        }
        return o
    }
}
