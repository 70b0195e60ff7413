/// The operations the interpreter executes, one case per semantic family member.
///
/// Capstone's numeric instruction ids never leave `InstructionTranslator`; everything after decoding switches on
/// this enum. Condition-code families (`jcc`, `setcc`, `cmovcc`) carry their condition in
/// `DecodedInstruction.condition`.
enum Opcode: UInt8, Sendable {
    // Data movement
    case mov, movzx, movsx, lea, xchg, xadd, cmpxchg, bswap, cmovcc, setcc, push, pop
    // Arithmetic and logic
    case add, adc, sub, sbb, and, or, xor, cmp, test, inc, dec, neg, not
    case mul, imul1, imul2, imul3, div, idiv
    // Shifts, rotates, bit operations
    case shl, shr, sar, rol, ror, rcl, rcr, shld, shrd
    case bt, bts, btr, btc, bsf, bsr, tzcnt, lzcnt, popcnt
    // Control flow
    case jmp, jmpIndirect, jcc, call, callIndirect, ret, loop, loope, loopne, jrcxz
    case nop, leave, enter
    // Conversions and flag instructions
    case cbw, cwde, cdqe, cwd, cdq, cqo
    case clc, stc, cmc, cld, std, lahf, sahf, pushf, popf
    // String instructions (size in `DecodedInstruction.size`, repeat kind in `repeatPrefix`)
    case movs, stos, lods, cmps, scas
    // Traps and system
    case int3, ud2, hlt, cpuid, rdtsc, fence, pause
    // Interrupts (`Core+Interrupts`)
    case cli, sti, intN, iretq
    // Control registers and caches (`Core+ControlRegisters`); MOV CR keeps the CR number in `condition`
    case movToCR, movFromCR, clts, invlpg, wbinvd, invd, xgetbv
    // Model-specific registers and segment bases (`Core+MSR`)
    case rdmsr, wrmsr, swapgs, rdfsbase, rdgsbase, wrfsbase, wrgsbase
    // Descriptor tables (`Core+DescriptorTables`)
    case lgdt, lidt, sgdt, sidt, ltr, str, verw
    // Port I/O without string forms (`Core+PortIO`)
    case inPort, outPort
    // VMX (`VMX/Core+VMXInstructions`)
    case vmxon, vmxoff, vmclear, vmptrld, vmptrst, vmread, vmwrite, vmlaunch, vmresume, vmcall, invept, invvpid
    /// Bytes that form an instruction longer than 15 bytes: #GP(0).
    case overlong
    /// A decoded instruction outside the subset: executing it stops the run with `unsupported`.
    case unsupported
}

extension Opcode {
    /// Whether the instruction may transfer control, so it must end a decoded block.
    var endsBlock: Bool {
        switch self {
        case .jmp, .jmpIndirect, .jcc, .call, .callIndirect, .ret, .loop, .loope, .loopne, .jrcxz,
            .int3, .ud2, .overlong, .hlt, .unsupported, .movs, .stos, .lods, .cmps, .scas, .popf, .cpuid, .rdtsc:
            return true
        case _ where isSystem:
            // System instructions change state later instructions' decoding or events depend on.
            return true
        default:
            return false
        }
    }

    /// Whether executing it always sets RIP (control transfers and string instructions).
    var setsRIP: Bool {
        switch self {
        case .jmp, .jmpIndirect, .jcc, .call, .callIndirect, .ret, .loop, .loope, .loopne, .jrcxz,
            .movs, .stos, .lods, .cmps, .scas, .iretq, .vmlaunch, .vmresume:
            return true
        default:
            return false
        }
    }

    /// The system instructions added for kernels (interrupts, control registers, MSRs, descriptor tables,
    /// VMX): the cases declared from `cli` to `invvpid`, which must stay contiguous in the enum.
    var isSystem: Bool { rawValue >= Opcode.cli.rawValue && rawValue <= Opcode.invvpid.rawValue }

    /// Whether the `lock` prefix is architecturally allowed (with a memory destination).
    var isLockable: Bool {
        switch self {
        case .add, .adc, .sub, .sbb, .and, .or, .xor, .inc, .dec, .neg, .not, .xchg, .xadd, .cmpxchg,
            .bts, .btr, .btc:
            return true
        default:
            return false
        }
    }
}
