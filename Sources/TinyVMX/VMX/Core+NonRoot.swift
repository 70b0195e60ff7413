/// What VMX non-root operation changes (SDM vol. 3C, chapter 25): which exceptions, events and instructions
/// cause VM exits, and how MOV CR behaves under the guest/host masks.
extension Core {
    typealias Pin = VMXCapabilities.Pin
    typealias Primary = VMXCapabilities.Primary

    // MARK: Exceptions (25.2)

    /// Whether an exception causes a VM exit instead of being delivered: the exception-bitmap bit of its
    /// vector, and for #PF the bit inverted unless the error code matches PFEC_MASK/PFEC_MATCH. INT n never
    /// does (it is not an exception).
    func exceptionCausesExit(_ fault: Fault) -> Bool {
        guard fault.vector < 32, !fault.isSoftwareInterrupt || fault.isSoftwareException else { return false }
        let c = vmx.controls
        let bit = c.exceptionBitmap >> UInt32(fault.vector) & 1 != 0
        guard fault.vector == 14 else { return bit }
        let matches = (fault.errorCode ?? 0) & c.pfecMask == c.pfecMatch
        return matches == bit
    }

    /// The exit for an exception: interruption information and error code, and for #PF the linear address
    /// as the qualification (CR2 is not written). A software exception (INT3) saves the RIP of the
    /// instruction and its length; a fault or trap the RIP it would have pushed.
    func exceptionExit(_ fault: Fault, returnRIP: UInt64, instructionAddress: UInt64) -> VMExit {
        let type = fault.isSoftwareException ? InterruptionType.softwareException : InterruptionType.hardwareException
        var info = UInt32(fault.vector) | type << 8 | InterruptionType.valid
        if fault.errorCode != nil { info |= InterruptionType.errorCodeValid }
        var exit = VMExit(
            reason: VMExitReason.exceptionOrNMI, interruptionInfo: info,
            interruptionErrorCode: fault.errorCode ?? 0, guestRIP: returnRIP)
        if let address = fault.pageFaultAddress { exit.qualification = address }
        if fault.vector == 1 { exit.qualification = 0x4000 }  // BS: the single-step trap
        if fault.isSoftwareException {
            exit.guestRIP = instructionAddress
            exit.instructionLength = UInt32(truncatingIfNeeded: returnRIP &- instructionAddress)
        }
        return exit
    }

    // MARK: Events at instruction boundaries (25.2, 26.7.5–26.7.6, 6.9 priorities)

    /// The exit an instruction boundary causes in non-root operation, by priority: preemption timer, NMI
    /// (NMI exiting), NMI window, external interrupt (external-interrupt exiting, whatever RFLAGS.IF),
    /// interrupt window. An exit that acknowledges an event takes it off the pending list.
    func boundaryExit() -> VMExit? {
        let c = vmx.controls
        let shadowed = instructionCount < events.interruptShadowEnd
        if let deadline = vmx.timerDeadline, instructionCount >= deadline {
            return VMExit(reason: VMExitReason.preemptionTimer)
        }
        if events.nmiPending && c.has(pin: Pin.nmiExiting) && !events.nmiBlocked {
            events.nmiPending = false
            return VMExit(
                reason: VMExitReason.exceptionOrNMI,
                interruptionInfo: 2 | InterruptionType.nmi << 8 | InterruptionType.valid)
        }
        if c.has(primary: Primary.nmiWindowExiting) && !vmx.virtualNMIBlocked && !shadowed {
            return VMExit(reason: VMExitReason.nmiWindow)
        }
        if !events.pendingInterrupts.isEmpty && c.has(pin: Pin.externalInterruptExiting) && !shadowed {
            var exit = VMExit(reason: VMExitReason.externalInterrupt)
            if c.exit & VMXCapabilities.Exit.acknowledgeInterrupt != 0 {
                let vector = events.pendingInterrupts.removeFirst()
                exit.interruptionInfo = UInt32(vector) | InterruptionType.valid
            }
            return exit
        }
        if c.has(primary: Primary.interruptWindowExiting) && rflags & RFLAGS.if != 0 && !shadowed {
            return VMExit(reason: VMExitReason.interruptWindow)
        }
        return nil
    }

    // MARK: Instructions (25.1.3)

    /// The error that makes the run loop perform `exit`.
    func exitEvent(_ exit: VMExit) -> ExecutionEvent {
        pendingExit = exit
        return .vmExit
    }

    /// Throws the VM exit `p` causes when `condition` holds in non-root operation.
    @inline(__always)
    func exitIfNonRoot(
        _ p: UnsafePointer<DecodedInstruction>, _ reason: UInt32, qualification: UInt64 = 0,
        when condition: (VMXState.Controls) -> Bool
    ) throws(ExecutionEvent) {
        guard vmx.isNonRoot, condition(vmx.controls) else { return }
        throw exitEvent(instructionExit(p, reason: reason, qualification: qualification))
    }

    /// RDMSR/WRMSR: always without MSR bitmaps; with them, the bit of the MSR in the read or write bitmap
    /// (low MSRs 0–1FFFH, high MSRs C0000000H–C0001FFFH; any other MSR exits).
    func msrAccessExits(_ index: UInt32, write: Bool) -> Bool {
        let c = vmx.controls
        guard c.has(primary: Primary.useMSRBitmaps) else { return true }
        var offset: UInt64 = write ? 2048 : 0
        switch index {
        case 0...0x1FFF: break
        case 0xC000_0000...0xC000_1FFF: offset += 1024
        default: return true
        }
        let bit = UInt64(index & 0x1FFF)
        let quadword = physicalRead64(c.msrBitmap &+ offset &+ (bit >> 6) &* 8)
        return (quadword >> (bit & 63)) & 1 != 0
    }

    /// The CR-access exit qualification: CR number, access type (0 MOV to CR, 1 MOV from CR, 2 CLTS) and
    /// the general-purpose register.
    static func crAccessQualification(_ cr: UInt8, type: UInt64, register: UInt8) -> UInt64 {
        UInt64(cr) | type << 4 | UInt64(register) << 8
    }

    /// MOV from CR in non-root operation: CR3/CR8 store exiting; CR0/CR4 bits owned by the host read from
    /// the read shadow.
    func nonRootControlRegisterRead(_ p: UnsafePointer<DecodedInstruction>, _ cr: UInt8, _ value: UInt64)
        throws(ExecutionEvent) -> UInt64
    {
        let c = vmx.controls
        let qualification = Self.crAccessQualification(cr, type: 1, register: p.pointee.operand0.reg)
        switch cr {
        case 0: return value & ~c.cr0Mask | c.cr0Shadow & c.cr0Mask
        case 4: return value & ~c.cr4Mask | c.cr4Shadow & c.cr4Mask
        case 3:
            try exitIfNonRoot(p, VMExitReason.crAccess, qualification: qualification) { $0.has(primary: Primary.cr3StoreExiting) }
        case 8:
            try exitIfNonRoot(p, VMExitReason.crAccess, qualification: qualification) { $0.has(primary: Primary.cr8StoreExiting) }
        default: break
        }
        return value
    }

    /// MOV to CR in non-root operation: exits (CR0/CR4 when a host-owned bit differs from the read shadow,
    /// CR3 unless the value is a CR3-target value, CR8 load exiting); otherwise the value to write, with
    /// host-owned CR0/CR4 bits kept as they are.
    func nonRootControlRegisterWrite(_ p: UnsafePointer<DecodedInstruction>, _ cr: UInt8, _ value: UInt64)
        throws(ExecutionEvent) -> UInt64
    {
        let c = vmx.controls
        let qualification = Self.crAccessQualification(cr, type: 0, register: p.pointee.operand0.reg)
        let s = state.pointee
        switch cr {
        case 0:
            try exitIfNonRoot(p, VMExitReason.crAccess, qualification: qualification) { (value ^ $0.cr0Shadow) & $0.cr0Mask != 0 }
            return value & ~c.cr0Mask | s.cr0 & c.cr0Mask
        case 4:
            try exitIfNonRoot(p, VMExitReason.crAccess, qualification: qualification) { (value ^ $0.cr4Shadow) & $0.cr4Mask != 0 }
            return value & ~c.cr4Mask | s.cr4 & c.cr4Mask
        case 3:
            try exitIfNonRoot(p, VMExitReason.crAccess, qualification: qualification) {
                $0.has(primary: Primary.cr3LoadExiting) && !$0.isCR3Target(value)
            }
        case 8:
            try exitIfNonRoot(p, VMExitReason.crAccess, qualification: qualification) { $0.has(primary: Primary.cr8LoadExiting) }
        default: break
        }
        return value
    }

    /// CLTS in non-root operation: exits when the host owns CR0.TS and the shadow has it set; leaves TS alone
    /// when the host owns it and the shadow has it clear.
    /// - Returns: Whether CR0.TS is to be cleared.
    func nonRootCLTS(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) -> Bool {
        let ts = ControlRegister.CR0.ts
        try exitIfNonRoot(p, VMExitReason.crAccess, qualification: Self.crAccessQualification(0, type: 2, register: 0)) {
            $0.cr0Mask & ts != 0 && $0.cr0Shadow & ts != 0
        }
        return vmx.controls.cr0Mask & ts == 0
    }
}
