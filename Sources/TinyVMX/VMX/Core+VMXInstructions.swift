/// VMXON VMXOFF VMCLEAR VMPTRLD VMPTRST VMREAD VMWRITE VMLAUNCH VMRESUME VMCALL INVEPT INVVPID, each with the
/// order of checks of its Operation section (SDM vol. 3C, "VMX Instruction Reference"): #UD outside VMX
/// operation (or VMXON with CR4.VMXE = 0), a VM exit in VMX non-root operation, #GP(0) at CPL > 0, then
/// VMfailInvalid / VMfailValid(n) / VMsucceed. In 64-bit mode the "mode #UD" tests never fire.
extension Core {
    func executeVMXInstruction(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let op = p.pointee.opcode
        if op == .vmxon {
            guard state.pointee.cr4 & ControlRegister.CR4.vmxe != 0 else { throw .exception(.ud()) }
        } else if vmx.operation == .none {
            throw .exception(.ud())
        }
        if vmx.isNonRoot { throw exitEvent(instructionExit(p, reason: Self.exitReason(of: op))) }
        try requireCPL0()
        switch op {
        case .vmxon: try executeVMXON(p)
        case .vmxoff:
            vmx.operation = .none
            vmx.currentVMCS = VMXState.invalidPointer
            vmSucceed()
        case .vmclear: try executeVMCLEAR(p)
        case .vmptrld: try executeVMPTRLD(p)
        case .vmptrst:
            try write(checkedAddress(p.pointee.operand0), 8, vmx.currentVMCS)
            vmSucceed()
        case .vmread: try executeVMREAD(p)
        case .vmwrite: try executeVMWRITE(p)
        case .vmlaunch, .vmresume:
            rip = p.pointee.nextAddress  // where a VMfail continues; a VM entry sets the guest RIP
            try vmEntry(launch: op == .vmlaunch, p)
        case .vmcall: vmFail(VMInstructionError.vmcallInRoot)
        default: try executeInvalidation(p)
        }
    }

    private static func exitReason(of op: Opcode) -> UInt32 {
        switch op {
        case .vmxon: return VMExitReason.vmxon
        case .vmxoff: return VMExitReason.vmxoff
        case .vmclear: return VMExitReason.vmclear
        case .vmptrld: return VMExitReason.vmptrld
        case .vmptrst: return VMExitReason.vmptrst
        case .vmread: return VMExitReason.vmread
        case .vmwrite: return VMExitReason.vmwrite
        case .vmlaunch: return VMExitReason.vmlaunch
        case .vmresume: return VMExitReason.vmresume
        case .vmcall: return VMExitReason.vmcall
        case .invept: return VMExitReason.invept
        default: return VMExitReason.invvpid
        }
    }

    /// VMXON outside VMX operation enters VMX root operation; inside it fails with VMfail(15).
    private func executeVMXON(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        guard vmx.operation == .none else { return vmFail(VMInstructionError.vmxonInRoot) }
        let s = state.pointee
        let cr0Fixed1 = VMXCapabilities.msrs[0x487]!, cr4Fixed1 = VMXCapabilities.msrs[0x489]!
        guard s.cr0 & VMXCapabilities.cr0Fixed0 == VMXCapabilities.cr0Fixed0, s.cr0 & ~cr0Fixed1 == 0,
            s.cr4 & VMXCapabilities.cr4Fixed0 == VMXCapabilities.cr4Fixed0, s.cr4 & ~cr4Fixed1 == 0
        else { throw .exception(.gp(0)) }
        let pointer = try read(checkedAddress(p.pointee.operand0), 8)
        guard isValidRegionPointer(pointer), regionRevision(at: pointer) == VMXCapabilities.revisionID else {
            return vmFailInvalid()
        }
        vmx.operation = .root
        vmx.vmxonPointer = pointer
        vmx.currentVMCS = VMXState.invalidPointer
        vmSucceed()
    }

    private func executeVMCLEAR(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let pointer = try read(checkedAddress(p.pointee.operand0), 8)
        guard isValidRegionPointer(pointer) else { return vmFail(VMInstructionError.vmclearInvalidAddress) }
        guard pointer != vmx.vmxonPointer else { return vmFail(VMInstructionError.vmclearVMXONPointer) }
        setVMCSLaunched(false, at: pointer)
        if pointer == vmx.currentVMCS { vmx.currentVMCS = VMXState.invalidPointer }
        vmSucceed()
    }

    private func executeVMPTRLD(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let pointer = try read(checkedAddress(p.pointee.operand0), 8)
        guard isValidRegionPointer(pointer) else { return vmFail(VMInstructionError.vmptrldInvalidAddress) }
        guard pointer != vmx.vmxonPointer else { return vmFail(VMInstructionError.vmptrldVMXONPointer) }
        guard regionRevision(at: pointer) == VMXCapabilities.revisionID else {
            return vmFail(VMInstructionError.vmptrldBadRevision)
        }
        vmx.currentVMCS = pointer
        vmSucceed()
    }

    /// VMREAD r/m64, r64: the field encoding is ModRM.reg (operand 1).
    private func executeVMREAD(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        guard vmx.hasCurrentVMCS else { return vmFailInvalid() }
        guard let (field, access) = VMCSField.resolve(g[Int(p.pointee.operand1.reg)]) else {
            return vmFailValid(VMInstructionError.unsupportedComponent)
        }
        let value = VMCSField.readValue(stored: vmcs(field), access: access)
        let destination = p.pointee.operand0
        if destination.kind == .memory {
            try write(checkedAddress(destination), 8, value)
        } else {
            g[Int(destination.reg)] = value
        }
        vmSucceed()
    }

    /// VMWRITE r64, r/m64: the field encoding is ModRM.reg (operand 0); the source is read before the field
    /// is checked, so its memory faults come first.
    private func executeVMWRITE(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        guard vmx.hasCurrentVMCS else { return vmFailInvalid() }
        let source = p.pointee.operand1
        let value = source.kind == .memory ? try read(checkedAddress(source), 8) : g[Int(source.reg)]
        guard let (field, access) = VMCSField.resolve(g[Int(p.pointee.operand0.reg)]) else {
            return vmFailValid(VMInstructionError.unsupportedComponent)
        }
        guard !field.isReadOnly else { return vmFailValid(VMInstructionError.writeReadOnlyComponent) }
        setVMCS(field, field.writtenValue(stored: vmcs(field), operand: value, access: access))
        vmSucceed()
    }

    /// INVEPT (types 1 single-context, 2 all-context) and INVVPID (types 0 individual-address, 1 single-context,
    /// 2 all-context, 3 single-context retaining globals). TinyVMX caches no translation across VM entries and
    /// exits, so a valid invalidation flushes the TLB and decoded code.
    private func executeInvalidation(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let type = g[Int(p.pointee.operand0.reg)]
        let address = try checkedAddress(p.pointee.operand1)
        let low = try read(address, 8)
        let high = try read(address &+ 8, 8)
        let valid: Bool
        if p.pointee.opcode == .invept {
            valid = (type == 1 || type == 2) && (type == 2 || isValidEPTPointer(low))
        } else {
            let vpid = low & 0xFFFF
            valid = type <= 3 && low >> 16 == 0 && (type == 2 || vpid != 0) && (type != 0 || Self.isCanonical(high))
        }
        guard valid else { return vmFail(VMInstructionError.invalidOperand) }
        translationChanged(keepGlobal: false)
        vmSucceed()
    }

    /// A VM exit caused by executing `p` in VMX non-root operation: guest RIP and instruction length name the
    /// instruction; memory operands are described in the qualification (displacement) and the
    /// instruction-information field.
    func instructionExit(
        _ p: UnsafePointer<DecodedInstruction>, reason: UInt32, qualification: UInt64? = nil
    ) -> VMExit {
        var exit = VMExit(reason: reason, instructionLength: UInt32(p.pointee.length), guestRIP: p.pointee.address)
        if let qualification {
            exit.qualification = qualification
        } else {
            (exit.qualification, exit.instructionInfo) = Self.instructionInformation(p.pointee)
        }
        return exit
    }

    /// Exit qualification and VM-exit instruction information for VMX instructions and INVEPT/INVVPID
    /// (SDM vol. 3C, "VM-Exit Instruction Information"): the memory operand's displacement (for a
    /// RIP-relative operand, its absolute address, with base and index invalid), scaling, address size
    /// 64-bit, register/memory, segment DS (or FS/GS), index, base, and the register operands.
    static func instructionInformation(_ d: DecodedInstruction) -> (UInt64, UInt32) {
        let memory: Operand
        var register1: UInt8 = 0, register2: UInt8 = 0
        var isRegisterForm = false
        switch d.opcode {
        case .vmread, .vmwrite:
            let rm = d.opcode == .vmread ? d.operand0 : d.operand1
            register2 = d.opcode == .vmread ? d.operand1.reg : d.operand0.reg
            memory = rm
            if rm.kind != .memory {
                isRegisterForm = true
                register1 = rm.reg
            }
        case .invept, .invvpid:
            memory = d.operand1
            register2 = d.operand0.reg
        default:
            memory = d.operand0
        }
        var info: UInt32 = UInt32(register2 & 0xF) << 28 | 2 << 7  // address size 64-bit
        if isRegisterForm {
            return (0, info | 1 << 10 | UInt32(register1 & 0xF) << 3)
        }
        let scaling: UInt32 = memory.scale == 8 ? 3 : memory.scale == 4 ? 2 : memory.scale == 2 ? 1 : 0
        let segment: UInt32 = memory.segment == .fs ? 4 : memory.segment == .gs ? 5 : 3
        info |= scaling | segment << 15
        info |= memory.index == Operand.noRegister ? 1 << 22 : UInt32(memory.index) << 18
        info |= memory.reg == Operand.noRegister ? 1 << 27 : UInt32(memory.reg) << 23
        return (UInt64(bitPattern: memory.value), info)
    }
}
