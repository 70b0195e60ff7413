/// RDMSR WRMSR SWAPGS RDFSBASE RDGSBASE WRFSBASE WRGSBASE.
extension Core {
    func executeMSRInstruction(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        switch p.pointee.opcode {
        case .rdmsr:
            try requireCPL0()
            let index = UInt32(truncatingIfNeeded: g[1])
            try exitIfNonRoot(p, VMExitReason.rdmsr) { _ in msrAccessExits(index, write: false) }
            guard let value = readMSR(index) else { throw .exception(.gp(0)) }
            g[0] = value & 0xFFFF_FFFF
            g[2] = value >> 32
        case .wrmsr:
            try requireCPL0()
            let index = UInt32(truncatingIfNeeded: g[1])
            try exitIfNonRoot(p, VMExitReason.wrmsr) { _ in msrAccessExits(index, write: true) }
            let value = (g[2] << 32) | (g[0] & 0xFFFF_FFFF)
            try writeMSR(index, value)
        case .swapgs:
            try requireCPL0()
            let s = state.pointee
            state.pointee.gs_base = s.kernel_gs_base
            state.pointee.kernel_gs_base = s.gs_base
        case .rdfsbase, .rdgsbase:
            guard state.pointee.cr4 & ControlRegister.CR4.fsgsbase != 0 else { throw .exception(.ud()) }
            let base = p.pointee.opcode == .rdfsbase ? state.pointee.fs_base : state.pointee.gs_base
            writeRegister(p.pointee.operand0, base)
        default:  // wrfsbase, wrgsbase
            guard state.pointee.cr4 & ControlRegister.CR4.fsgsbase != 0 else { throw .exception(.ud()) }
            let base = readRegister(p.pointee.operand0)
            guard Self.isCanonical(base) else { throw .exception(.gp(0)) }
            if p.pointee.opcode == .wrfsbase { state.pointee.fs_base = base } else { state.pointee.gs_base = base }
        }
    }

    /// RDMSR's view: architectural MSRs from the register file (TSC counts retired instructions), write-only
    /// command MSRs absent, the rest from the table.
    func readMSR(_ index: UInt32) -> UInt64? {
        typealias M = ModelSpecificRegisters
        switch index {
        case M.tsc: return state.pointee.tsc &+ instructionCount
        case M.predCmd, M.flushCmd: return nil  // write-only
        case 0x3A, 0x480...0x490: return VMXCapabilities.msrs[index]
        default:
            if let field = M.field(index) { return state.pointee[keyPath: field] }
            return msrs.table[index]
        }
    }

    /// WRMSR with the checks of the MSRs it knows: EFER reserved bits and LME while paging, canonical bases,
    /// command MSRs' defined bits. A table MSR takes any value; an absent one raises #GP(0).
    func writeMSR(_ index: UInt32, _ value: UInt64) throws(ExecutionEvent) {
        typealias M = ModelSpecificRegisters
        switch index {
        case M.efer:
            guard value & ~M.EFERBits.writable == 0 else { throw .exception(.gp(0)) }
            let old = state.pointee.efer
            guard (value ^ old) & M.EFERBits.lme == 0 else { throw .exception(.gp(0)) }  // paging is on
            let new = (value & ~M.EFERBits.lma) | (old & M.EFERBits.lma)
            state.pointee.efer = new
            if (new ^ old) & M.EFERBits.nxe != 0 { translationChanged(keepGlobal: false) }
        case M.fsBase, M.gsBase, M.kernelGSBase:
            guard Self.isCanonical(value) else { throw .exception(.gp(0)) }
            state.pointee[keyPath: M.field(index)!] = value
        case M.tsc:
            state.pointee.tsc = value &- instructionCount
        case M.predCmd, M.flushCmd:
            guard value & ~1 == 0 else { throw .exception(.gp(0)) }  // IBPB / L1D_FLUSH: a command, no state
        case 0x3A, 0x480...0x490:
            throw .exception(.gp(0))  // locked feature control and read-only VMX capabilities
        default:
            guard msrs.table[index] != nil else { throw .exception(.gp(0)) }
            msrs.table[index] = value
        }
    }
}
