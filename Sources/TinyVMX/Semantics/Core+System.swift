/// INT3 UD2 HLT CPUID RDTSC and the fences (no-ops for a single in-order CPU).
extension Core {
    func executeSystem(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        switch p.pointee.opcode {
        case .int3:
            throw .exception(Fault(
                vector: 3, errorCode: nil, isTrap: true, isSoftwareInterrupt: true, isSoftwareException: true))
        case .ud2:
            throw .exception(.ud())
        case .hlt:
            try requireCPL0()
            try exitIfNonRoot(p, VMExitReason.hlt) { $0.has(primary: Primary.hltExiting) }
            throw .halt
        case .cpuid:
            try exitIfNonRoot(p, VMExitReason.cpuid) { _ in true }
            let leaf = UInt32(truncatingIfNeeded: g[0])
            let subleaf = UInt32(truncatingIfNeeded: g[1])
            let r = configuration.cpuid(leaf: leaf, subleaf: subleaf)
            g[0] = UInt64(r.eax)
            g[3] = UInt64(r.ebx)
            g[1] = UInt64(r.ecx)
            g[2] = UInt64(r.edx)
        case .rdtsc:
            if state.pointee.cr4 & ControlRegister.CR4.tsd != 0 && cpl > 0 { throw .exception(.gp(0)) }
            try exitIfNonRoot(p, VMExitReason.rdtsc) { $0.has(primary: Primary.rdtscExiting) }
            // Deterministic: the configured base plus one tick per retired instruction.
            var tsc = state.pointee.tsc &+ instructionCount
            if vmx.isNonRoot && vmx.controls.has(primary: Primary.useTSCOffsetting) { tsc &+= vmx.controls.tscOffset }
            g[0] = tsc & 0xFFFF_FFFF
            g[2] = tsc >> 32
        default:  // fence, pause, nop
            break
        }
    }
}
