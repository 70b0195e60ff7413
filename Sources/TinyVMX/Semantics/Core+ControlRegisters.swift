/// MOV to/from CR0 CR2 CR3 CR4 CR8, CLTS, INVLPG, WBINVD/INVD and XGETBV.
extension Core {
    /// Privileged instructions raise #GP(0) outside CPL 0.
    @inline(__always)
    func requireCPL0() throws(ExecutionEvent) {
        if cpl != 0 { throw .exception(.gp(0)) }
    }

    func executeControlRegisterInstruction(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        switch p.pointee.opcode {
        case .movFromCR:
            try requireCPL0()
            let s = state.pointee
            let value: UInt64
            switch p.pointee.condition {
            case 0: value = s.cr0
            case 2:
                value = s.cr2
                statistics.cr2Reads += 1
            case 3: value = s.cr3
            case 4: value = s.cr4
            default: value = s.cr8
            }
            let cr = p.pointee.condition
            g[Int(p.pointee.operand0.reg)] = vmx.isNonRoot ? try nonRootControlRegisterRead(p, cr, value) : value
        case .movToCR:
            try requireCPL0()
            let cr = p.pointee.condition
            var value = g[Int(p.pointee.operand0.reg)]
            if vmx.isNonRoot { value = try nonRootControlRegisterWrite(p, cr, value) }
            try writeControlRegister(Int(cr), value)
        case .clts:
            try requireCPL0()
            let clears = vmx.isNonRoot ? try nonRootCLTS(p) : true
            if clears { state.pointee.cr0 &= ~ControlRegister.CR0.ts }
        case .invlpg:
            try requireCPL0()
            let linear = effectiveAddress(p.pointee.operand0)
            try exitIfNonRoot(p, VMExitReason.invlpg, qualification: linear) { $0.has(primary: Primary.invlpgExiting) }
            // INVLPG of a non-canonical address is a no-op (no fault).
            invalidatePage(linear)
            // Decoded code is keyed by linear address: drop it, since the page may now map other bytes.
            flushDecodedCode()
        case .wbinvd, .invd:
            try requireCPL0()
            // INVD exits unconditionally in VMX non-root operation ("WBINVD exiting" is not supported).
            if p.pointee.opcode == .invd { try exitIfNonRoot(p, VMExitReason.invd) { _ in true } }
        default:  // xgetbv
            guard state.pointee.cr4 & ControlRegister.CR4.osxsave != 0 else { throw .exception(.ud()) }
            guard g[1] & 0xFFFF_FFFF == 0 else { throw .exception(.gp(0)) }  // only XCR0 exists
            g[0] = state.pointee.xcr0 & 0xFFFF_FFFF
            g[2] = state.pointee.xcr0 >> 32
        }
    }

    /// MOV to CRn with the reserved-bit and consistency checks of 64-bit mode; every check raises #GP(0).
    func writeControlRegister(_ number: Int, _ value: UInt64) throws(ExecutionEvent) {
        let s = state.pointee
        switch number {
        case 0:
            typealias B = ControlRegister.CR0
            guard value & ~B.defined == 0 else { throw .exception(.gp(0)) }
            guard value & B.pg != 0 && value & B.pe != 0 else { throw .exception(.gp(0)) }  // cannot leave long mode here
            guard !(value & B.nw != 0 && value & B.cd == 0) else { throw .exception(.gp(0)) }
            // In VMX operation the IA32_VMX_CR0_FIXED0 bits (PE, NE, PG) stay set.
            if vmx.operation != .none && value & VMXCapabilities.cr0Fixed0 != VMXCapabilities.cr0Fixed0 {
                throw .exception(.gp(0))
            }
            let new = value | B.et  // ET is hardwired to 1
            state.pointee.cr0 = new
            if (new ^ s.cr0) & (B.wp | B.pg | B.pe) != 0 { translationChanged(keepGlobal: false) }
        case 2:
            state.pointee.cr2 = value
            statistics.cr2Writes += 1
        case 3:
            // Bits above MAXPHYADDR are reserved (bit 63 too: PCIDs are not supported).
            guard value >> UInt64(physicalAddressBits) == 0 else { throw .exception(.gp(0)) }
            state.pointee.cr3 = value
            translationChanged(keepGlobal: true)
        case 4:
            typealias B = ControlRegister.CR4
            guard value & ~B.supported == 0 else { throw .exception(.gp(0)) }
            guard value & B.pae != 0 else { throw .exception(.gp(0)) }  // clearing PAE in IA-32e mode
            // CR4.VMXE cannot be cleared in VMX operation.
            if vmx.operation != .none && value & B.vmxe == 0 { throw .exception(.gp(0)) }
            state.pointee.cr4 = value
            if (value ^ s.cr4) & B.pagingBits != 0 { translationChanged(keepGlobal: false) }
        default:  // CR8: the task-priority class, bits 3:0
            guard value >> 4 == 0 else { throw .exception(.gp(0)) }
            state.pointee.cr8 = value
            openEventWindow()
        }
    }

    /// Paging changed: drop cached translations (global ones survive a CR3 load with CR4.PGE) and decoded
    /// code, which is keyed by linear address.
    func translationChanged(keepGlobal: Bool) {
        flushTLB(keepGlobal: keepGlobal)
        flushDecodedCode()
    }
}
