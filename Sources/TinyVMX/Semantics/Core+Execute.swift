/// The dispatcher: one `switch` over `Opcode`, calling the family that implements it.
extension Core {
    /// Instructions that read the retired-instruction counters (`Opcode.readsInstructionCount`): executed
    /// with them up to date.
    @inline(never)
    func executeExactCount(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        switch p.pointee.opcode {
        case .movs, .stos, .lods, .cmps, .scas: try executeString(p)
        default: try execute(p)
        }
    }

    /// Runs any decoded instruction by its opcode (the run loop reaches it through `executeFast`).
    @inline(never)
    func execute(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        switch p.pointee.opcode {
        case .mov: try executeMove(p)
        case .add, .adc, .sub, .sbb, .and, .or, .xor, .cmp, .test: try executeBinary(p, p.pointee.opcode)
        case .inc: try executeIncDec(p, increment: true)
        case .dec: try executeIncDec(p, increment: false)
        case .jmp, .jcc, .jmpIndirect, .call, .callIndirect, .ret, .loop, .loope, .loopne, .jrcxz:
            try executeControlFlow(p)
        case .lea: executeLea(p)
        case .push: try executePush(p)
        case .pop: try executePop(p)
        case .movzx: try executeExtend(p, signed: false)
        case .movsx: try executeExtend(p, signed: true)
        case .xchg: try executeExchange(p)
        case .xadd: try executeExchangeAdd(p)
        case .cmpxchg: try executeCompareExchange(p)
        case .bswap: executeByteSwap(p)
        case .cmovcc: try executeConditionalMove(p)
        case .setcc: try executeSetCondition(p)
        case .neg: try executeNegNot(p, negate: true)
        case .not: try executeNegNot(p, negate: false)
        case .mul: try executeMultiplyWide(p, signed: false)
        case .imul1: try executeMultiplyWide(p, signed: true)
        case .imul2: try executeMultiplyTruncating(p, threeOperands: false)
        case .imul3: try executeMultiplyTruncating(p, threeOperands: true)
        case .div: try executeDivide(p, signed: false)
        case .idiv: try executeDivide(p, signed: true)
        case .shl, .shr, .sar: try executeShift(p, p.pointee.opcode)
        case .rol: try executeRotate(p, left: true)
        case .ror: try executeRotate(p, left: false)
        case .rcl: try executeRotateCarry(p, left: true)
        case .rcr: try executeRotateCarry(p, left: false)
        case .shld: try executeDoubleShift(p, left: true)
        case .shrd: try executeDoubleShift(p, left: false)
        case .bt, .bts, .btr, .btc: try executeBitTest(p, p.pointee.opcode)
        case .bsf: try executeBitScan(p, forward: true)
        case .bsr: try executeBitScan(p, forward: false)
        case .tzcnt, .lzcnt, .popcnt: try executeCount(p, p.pointee.opcode)
        case .nop, .fence, .pause: break
        case .leave: try executeLeave()
        case .enter: try executeEnter(p)
        case .cbw, .cwde, .cdqe, .cwd, .cdq, .cqo: executeSignExtendAccumulator(p.pointee.opcode)
        case .clc, .stc, .cmc, .cld, .std, .lahf, .sahf, .pushf, .popf: try executeFlagInstruction(p)
        case .movs, .stos, .lods, .cmps, .scas: try executeString(p)
        case .rdtsc: try executeSystem(p)
        case .int3, .ud2, .hlt, .cpuid: try executeSystem(p)
        case .cli, .sti, .intN, .iretq: try executeInterruptInstruction(p)
        case .movToCR, .movFromCR, .clts, .invlpg, .wbinvd, .invd, .xgetbv: try executeControlRegisterInstruction(p)
        case .rdmsr, .wrmsr, .swapgs, .rdfsbase, .rdgsbase, .wrfsbase, .wrgsbase: try executeMSRInstruction(p)
        case .lgdt, .lidt, .sgdt, .sidt, .ltr, .str, .verw: try executeDescriptorTableInstruction(p)
        case .inPort, .outPort: try executePortIO(p)
        case .vmxon, .vmxoff, .vmclear, .vmptrld, .vmptrst, .vmread, .vmwrite, .vmlaunch, .vmresume, .vmcall,
            .invept, .invvpid:
            try executeVMXInstruction(p)
        case .overlong: throw .exception(.gp(0))
        case .unsupported: throw .unsupported
        }
    }
}
