/// VM entry (SDM vol. 3C, chapter 26): checks on the controls and host state (VMfailValid 7 and 8), then on
/// the guest state (a failure is a VM exit with reason 33 | 0x80000000), loading guest state, the VM-entry
/// MSR-load list, and event injection. `Docs/VMX.md` lists the subset of checks enforced.
extension Core {
    /// VMLAUNCH / VMRESUME after the #UD, exit and CPL checks. RIP already points after the instruction.
    func vmEntry(launch: Bool, _ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        guard vmx.hasCurrentVMCS else { return vmFailInvalid() }
        let launched = vmcsLaunched(at: vmx.currentVMCS)
        if launch && launched { return vmFailValid(VMInstructionError.vmlaunchNonClear) }
        if !launch && !launched { return vmFailValid(VMInstructionError.vmresumeNonLaunched) }
        guard let controls = checkedControls() else { return vmFailValid(VMInstructionError.invalidControlFields) }
        guard hostStateIsValid(controls) else { return vmFailValid(VMInstructionError.invalidHostState) }

        statistics.vmEntries += 1
        vmx.entries += 1
        vmx.controls = controls  // a guest-state failure loads host state under these exit controls
        if let qualification = guestStateProblem(controls) {
            return vmExit(VMExit(
                reason: VMExitReason.entryFailure | VMExitReason.entryFailGuestState, qualification: qualification,
                guestRIP: p.pointee.nextAddress), saveGuest: false)
        }
        loadGuestState(controls)
        if let failed = loadMSRList(vmcs(.entryMSRLoadAddress), count: vmcs(.entryMSRLoadCount)) {
            return vmExit(VMExit(
                reason: VMExitReason.entryFailure | VMExitReason.entryFailMSRLoading, qualification: failed,
                guestRIP: p.pointee.nextAddress), saveGuest: false)
        }
        if launch { setVMCSLaunched(true, at: vmx.currentVMCS) }
        // The valid bit stays set: the next VM exit clears it (SDM 27.2, "Recording VM-Exit Information").
        let injection = vmcs32(.entryInterruptionInfo)
        if injection & InterruptionType.valid != 0 { injectOnEntry(injection) }
    }

    // MARK: Checks on VMX controls and host state (26.2)

    /// The controls if they pass the checks of 26.2.1, else `nil` (VMfailValid(7)).
    private func checkedControls() -> VMXState.Controls? {
        typealias C = VMXCapabilities
        var c = VMXState.Controls()
        c.pin = vmcs32(.pinBasedControls)
        c.primary = vmcs32(.primaryProcessorControls)
        c.secondary = c.primary & C.Primary.activateSecondary != 0 ? vmcs32(.secondaryProcessorControls) : 0
        c.exit = vmcs32(.exitControls)
        c.entry = vmcs32(.entryControls)
        guard C.allowed(c.pin, allowed0: C.pinAllowed0, allowed1: C.pinAllowed1),
            C.allowed(c.primary, allowed0: C.primaryAllowed0, allowed1: C.primaryAllowed1),
            C.allowed(c.secondary, allowed0: 0, allowed1: C.secondaryAllowed1),
            C.allowed(c.exit, allowed0: C.exitAllowed0, allowed1: C.exitAllowed1),
            C.allowed(c.entry, allowed0: C.entryAllowed0, allowed1: C.entryAllowed1)
        else { return nil }
        let targetCount = Int(vmcs(.cr3TargetCount))
        guard targetCount <= C.cr3TargetCount else { return nil }
        let targets: [VMCSField] = [.cr3Target0, .cr3Target1, .cr3Target2, .cr3Target3]
        c.cr3TargetCount = targetCount
        for (i, field) in targets.prefix(targetCount).enumerated() { c.cr3Targets[i] = vmcs(field) }
        if c.has(primary: C.Primary.useMSRBitmaps) {
            c.msrBitmap = vmcs(.msrBitmap)
            guard isValidRegionPointer(c.msrBitmap) else { return nil }
        }
        if c.has(pin: C.Pin.virtualNMIs) && !c.has(pin: C.Pin.nmiExiting) { return nil }
        if c.has(primary: C.Primary.nmiWindowExiting) && !c.has(pin: C.Pin.virtualNMIs) { return nil }
        if c.has(secondary: C.Secondary.enableVPID) && vmcs(.vpid) == 0 { return nil }
        if c.has(secondary: C.Secondary.enableEPT) {
            let eptp = vmcs(.eptPointer)
            guard isValidEPTPointer(eptp) else { return nil }
            c.eptPointer = eptp
        }
        if c.exit & C.Exit.savePreemptionTimer != 0 && !c.has(pin: C.Pin.preemptionTimer) { return nil }
        for (count, address) in [(VMCSField.exitMSRStoreCount, VMCSField.exitMSRStoreAddress),
                                 (.exitMSRLoadCount, .exitMSRLoadAddress), (.entryMSRLoadCount, .entryMSRLoadAddress)] {
            // Beyond the recommended maximum of IA32_VMX_MISC (512 entries) the SDM leaves the behaviour
            // undefined; TinyVMX fails the entry rather than walk a list of billions of entries.
            let n = vmcs(count), a = vmcs(address)
            guard n <= 512, n == 0 || (a & 0xF == 0 && (a &+ n &* 16 &- 1) >> UInt64(physicalAddressBits) == 0)
            else { return nil }
        }
        guard injectionIsValid(vmcs32(.entryInterruptionInfo)) else { return nil }
        c.exceptionBitmap = vmcs32(.exceptionBitmap)
        c.pfecMask = vmcs32(.pageFaultErrorCodeMask)
        c.pfecMatch = vmcs32(.pageFaultErrorCodeMatch)
        c.cr0Mask = vmcs(.cr0GuestHostMask)
        c.cr0Shadow = vmcs(.cr0ReadShadow)
        c.cr4Mask = vmcs(.cr4GuestHostMask)
        c.cr4Shadow = vmcs(.cr4ReadShadow)
        c.tscOffset = vmcs(.tscOffset)
        return c
    }

    /// The VM-entry interruption-information checks of 26.2.1.3 (unrestricted guest is 0, so CR0.PE = 1).
    private func injectionIsValid(_ info: UInt32) -> Bool {
        guard info & InterruptionType.valid != 0 else { return true }
        let vector = info & 0xFF, type = (info >> 8) & 7
        guard info & 0x7FFF_F000 == 0, type != 1, type != 7 else { return false }
        if type == InterruptionType.nmi && vector != 2 { return false }
        if type == InterruptionType.hardwareException && vector > 31 { return false }
        let needsCode = type == InterruptionType.hardwareException && [8, 10, 11, 12, 13, 14, 17].contains(vector)
        guard (info & InterruptionType.errorCodeValid != 0) == needsCode else { return false }
        if needsCode && vmcs(.entryExceptionErrorCode) >> 15 != 0 { return false }
        if type >= InterruptionType.softwareInterrupt && vmcs(.entryInstructionLength) > 15 { return false }
        return true
    }

    /// The host-state checks of 26.2.2 and 26.2.3 for a 64-bit host.
    private func hostStateIsValid(_ c: VMXState.Controls) -> Bool {
        typealias C = VMXCapabilities
        let cr0 = vmcs(.hostCR0), cr4 = vmcs(.hostCR4)
        guard cr0 & C.cr0Fixed0 == C.cr0Fixed0, cr0 >> 32 == 0,
            cr4 & C.cr4Fixed0 == C.cr4Fixed0, cr4 & ~ControlRegister.CR4.supported == 0,
            cr4 & ControlRegister.CR4.pae != 0,
            vmcs(.hostCR3) >> UInt64(physicalAddressBits) == 0,
            c.exit & C.Exit.hostAddressSpaceSize != 0
        else { return false }
        for field in [VMCSField.hostFSBase, .hostGSBase, .hostTRBase, .hostGDTRBase, .hostIDTRBase, .hostRIP,
                      .hostSysenterESP, .hostSysenterEIP] where !Self.isCanonical(vmcs(field)) {
            return false
        }
        for field in [VMCSField.hostESSelector, .hostCSSelector, .hostSSSelector, .hostDSSelector,
                      .hostFSSelector, .hostGSSelector, .hostTRSelector] where vmcs(field) & 7 != 0 {
            return false
        }
        guard vmcs(.hostCSSelector) != 0, vmcs(.hostTRSelector) != 0 else { return false }
        if c.exit & C.Exit.loadEFER != 0 {
            let efer = vmcs(.hostEFER)
            typealias E = ModelSpecificRegisters.EFERBits
            guard efer & ~E.writable == 0, efer & E.lma != 0, efer & E.lme != 0 else { return false }
        }
        if c.exit & C.Exit.loadPAT != 0 && !Self.isValidPAT(vmcs(.hostPAT)) { return false }
        return true
    }

    /// Each PAT entry holds a valid memory type (0 UC, 1 WC, 4 WT, 5 WP, 6 WB, 7 UC-).
    static func isValidPAT(_ pat: UInt64) -> Bool {
        (0..<8).allSatisfy { i in [0, 1, 4, 5, 6, 7].contains((pat >> (8 * UInt64(i))) & 0xFF) }
    }

    // MARK: Checks on guest state (26.3.1)

    /// The first guest-state problem, as the exit qualification of the failure (0, or 4 for the VMCS link
    /// pointer); `nil` when the guest state is valid. A guest TinyVMX cannot run (not a 64-bit guest) is
    /// reported as a failure too, with the same qualification 0; `Docs/VMX.md` says so.
    private func guestStateProblem(_ c: VMXState.Controls) -> UInt64? {
        typealias C = VMXCapabilities
        typealias CR0 = ControlRegister.CR0
        let cr0 = vmcs(.guestCR0), cr4 = vmcs(.guestCR4)
        let ia32e = c.entry & C.Entry.ia32eModeGuest != 0
        guard cr0 & C.cr0Fixed0 == C.cr0Fixed0, cr0 & ~CR0.defined == 0, !(cr0 & CR0.nw != 0 && cr0 & CR0.cd == 0),
            cr4 & C.cr4Fixed0 == C.cr4Fixed0, cr4 & ~ControlRegister.CR4.supported == 0,
            ia32e, cr4 & ControlRegister.CR4.pae != 0,
            vmcs(.guestCR3) >> UInt64(physicalAddressBits) == 0
        else { return 0 }
        if c.entry & C.Entry.loadDebugControls != 0 && vmcs(.guestDR7) >> 32 != 0 { return 0 }
        if c.entry & C.Entry.loadEFER != 0 {
            let efer = vmcs(.guestEFER)
            typealias E = ModelSpecificRegisters.EFERBits
            guard efer & ~E.writable == 0, efer & E.lma != 0, efer & E.lme != 0 else { return 0 }
        }
        if c.entry & C.Entry.loadPAT != 0 && !Self.isValidPAT(vmcs(.guestPAT)) { return 0 }

        // Segments: 64-bit code, RPLs, TR a busy 64-bit TSS, LDTR unusable or an LDT.
        let unusable: UInt64 = 1 << 16
        let csAR = vmcs(.guestCSAccessRights), ssAR = vmcs(.guestSSAccessRights)
        let cs = vmcs(.guestCSSelector), ss = vmcs(.guestSSSelector)
        guard csAR & unusable == 0, [9, 11, 13, 15].contains(csAR & 0xF), csAR & 0x90 == 0x90,
            csAR & (1 << 13) != 0, csAR & (1 << 14) == 0, cs & 3 == ss & 3
        else { return 0 }
        if ssAR & unusable == 0 {
            guard [3, 7].contains(ssAR & 0xF), ssAR & 0x90 == 0x90, (ssAR >> 5) & 3 == ss & 3 else { return 0 }
        }
        let trAR = vmcs(.guestTRAccessRights)
        guard trAR & unusable == 0, trAR & 0x9F == 0x8B, vmcs(.guestTRSelector) & 4 == 0 else { return 0 }
        let ldtrAR = vmcs(.guestLDTRAccessRights)
        if ldtrAR & unusable == 0 { guard ldtrAR & 0x9F == 0x82 else { return 0 } }
        for field in [VMCSField.guestFSBase, .guestGSBase, .guestTRBase, .guestLDTRBase, .guestGDTRBase,
                      .guestIDTRBase, .guestRIP] where !Self.isCanonical(vmcs(field)) {
            return 0
        }
        guard vmcs(.guestGDTRLimit) <= 0xFFFF, vmcs(.guestIDTRLimit) <= 0xFFFF else { return 0 }

        // RFLAGS, activity and interruptibility state.
        let flags = vmcs(.guestRFLAGS)
        let reservedZero: UInt64 = ~((1 << 22) - 1) | 1 << 15 | 1 << 5 | 1 << 3
        guard flags & reservedZero == 0, flags & RFLAGS.reserved1 != 0, flags & RFLAGS.vm == 0 else { return 0 }
        let injection = vmcs32(.entryInterruptionInfo)
        let injecting = injection & InterruptionType.valid != 0
        let injectedType = (injection >> 8) & 7
        if injecting && injectedType == InterruptionType.external && flags & RFLAGS.if == 0 { return 0 }
        let activity = vmcs(.guestActivityState)
        guard activity <= 1 else { return 0 }
        if activity == 1 && (ssAR >> 5) & 3 != 0 { return 0 }
        let interruptibility = vmcs(.guestInterruptibilityState)
        guard interruptibility >> 5 == 0, interruptibility & 3 != 3 else { return 0 }
        // Pending debug exceptions: only B3–B0, enabled breakpoint (12) and BS (14) exist (no RTM).
        guard vmcs(.guestPendingDebugExceptions) & ~0x500F == 0 else { return 0 }
        if interruptibility & 1 != 0 && flags & RFLAGS.if == 0 { return 0 }
        if injecting && injectedType == InterruptionType.external && interruptibility & 3 != 0 { return 0 }
        if injecting && injectedType == InterruptionType.nmi && interruptibility & 0xA != 0 { return 0 }

        // VMCS link pointer: all ones, or a region with the right revision (shadowing is not supported).
        let link = vmcs(.vmcsLinkPointer)
        if link != VMXState.invalidPointer {
            guard isValidRegionPointer(link), regionRevision(at: link) == VMXCapabilities.revisionID else { return 4 }
        }
        return nil
    }

    // MARK: Loading guest state (26.3.2)

    private func loadGuestState(_ c: VMXState.Controls) {
        typealias C = VMXCapabilities
        let fetchedRIP = vmcs(.guestRIP)
        vmx.controls = c
        vmx.operation = .nonRoot
        state.pointee.cr0 = vmcs(.guestCR0) | ControlRegister.CR0.et
        state.pointee.cr3 = vmcs(.guestCR3)
        state.pointee.cr4 = vmcs(.guestCR4)
        if c.entry & C.Entry.loadDebugControls != 0 { state.pointee.dr7 = vmcs(.guestDR7) }
        typealias E = ModelSpecificRegisters.EFERBits
        if c.entry & C.Entry.loadEFER != 0 {
            state.pointee.efer = vmcs(.guestEFER)
        } else {
            state.pointee.efer |= E.lma | E.lme
        }
        if c.entry & C.Entry.loadPAT != 0 { msrs.table[ModelSpecificRegisters.pat] = vmcs(.guestPAT) }
        state.pointee.ss = UInt16(vmcs(.guestSSSelector))
        state.pointee.ds = UInt16(vmcs(.guestDSSelector))
        state.pointee.es = UInt16(vmcs(.guestESSelector))
        state.pointee.fs = UInt16(vmcs(.guestFSSelector))
        state.pointee.gs = UInt16(vmcs(.guestGSSelector))
        state.pointee.tr = UInt16(vmcs(.guestTRSelector))
        state.pointee.ldtr = UInt16(vmcs(.guestLDTRSelector))
        state.pointee.fs_base = vmcs(.guestFSBase)
        state.pointee.gs_base = vmcs(.guestGSBase)
        state.pointee.tr_base = vmcs(.guestTRBase)
        state.pointee.tr_limit = UInt32(truncatingIfNeeded: vmcs(.guestTRLimit))
        state.pointee.gdtr_base = vmcs(.guestGDTRBase)
        state.pointee.gdtr_limit = UInt32(truncatingIfNeeded: vmcs(.guestGDTRLimit))
        state.pointee.idtr_base = vmcs(.guestIDTRBase)
        state.pointee.idtr_limit = UInt32(truncatingIfNeeded: vmcs(.guestIDTRLimit))
        g[4] = vmcs(.guestRSP)
        rflags = vmcs(.guestRFLAGS)
        setCodeSegment(UInt16(vmcs(.guestCSSelector)))
        rip = fetchedRIP
        vmx.entrySelectors = segmentSelectors

        // Events: NMI blocking (virtual with "virtual NMIs"), the STI / MOV SS shadow, HLT.
        let interruptibility = vmcs(.guestInterruptibilityState)
        let nmiBlocking = interruptibility & 8 != 0
        if c.has(pin: C.Pin.virtualNMIs) {
            vmx.virtualNMIBlocked = nmiBlocking
            events.nmiBlocked = false
        } else {
            vmx.virtualNMIBlocked = false
            events.nmiBlocked = nmiBlocking
        }
        // VMLAUNCH/VMRESUME retires after this returns: guest instructions are counted from `entryCount`.
        let entryCount = instructionCount &+ 1
        events.interruptShadowPending = false
        events.interruptShadowEnd = interruptibility & 3 != 0 ? entryCount &+ 1 : 0
        events.halted = vmcs(.guestActivityState) == 1
        events.exceptionsStopRun = false
        vmx.timerDeadline = c.has(pin: C.Pin.preemptionTimer) ? entryCount &+ vmcs(.preemptionTimerValue) : nil
        vmTransitionFlush()
    }

    /// Every VM transition: cached translations and decoded code belong to the other side (TinyVMX does not
    /// tag them with VPIDs or EPTPs), and the run loop must look at events before the next instruction.
    func vmTransitionFlush() {
        flushTLB()
        flushDecodedCode()
        openEventWindow()
    }

    /// Loads the MSRs of an MSR-load list (16-byte entries: index, reserved, value) through WRMSR's checks.
    /// - Returns: The 1-based index of the entry that failed, or `nil`.
    func loadMSRList(_ address: UInt64, count: UInt64) -> UInt64? {
        for i in 0..<count {
            let entry = address &+ 16 &* i
            let header = physicalRead64(entry)
            let index = UInt32(truncatingIfNeeded: header)
            // FS/GS base, x2APIC and the SMM monitor MSR are not allowed in the list (26.4).
            guard header >> 32 == 0, index != ModelSpecificRegisters.fsBase, index != ModelSpecificRegisters.gsBase,
                index >> 8 != 0x8, (try? writeMSR(index, physicalRead64(entry &+ 8))) != nil
            else { return i &+ 1 }
        }
        return nil
    }

    // MARK: Event injection (26.6)

    /// Delivers the event of the VM-entry interruption-information field through the guest IDT. A #PF is
    /// delivered without writing CR2: the guest sees whatever CR2 holds.
    private func injectOnEntry(_ info: UInt32) {
        let vector = UInt8(info & 0xFF), type = (info >> 8) & 7
        let errorCode = info & InterruptionType.errorCodeValid != 0 ? UInt32(vmcs(.entryExceptionErrorCode)) : nil
        let length = vmcs(.entryInstructionLength)
        var d = Delivery(vector: vector, errorCode: errorCode, source: .exception, returnRIP: rip)
        d.interruptionType = type
        switch type {
        case InterruptionType.external: d.source = .external
        case InterruptionType.nmi: d.source = .nmi
        case InterruptionType.softwareInterrupt, InterruptionType.softwareException:
            d.source = .software
            d.instructionAddress = rip
            d.returnRIP = rip &+ length
        case InterruptionType.privilegedSoftwareException:
            d.returnRIP = rip &+ length
        default: break
        }
        d.retired = false
        events.halted = false
        if type == InterruptionType.nmi {
            if vmx.controls.has(pin: VMXCapabilities.Pin.virtualNMIs) {
                vmx.virtualNMIBlocked = true
            } else {
                events.nmiBlocked = true
            }
        }
        // In non-root operation every delivery failure ends in a VM exit, never in a stop.
        _ = deliverNesting(d)
    }
}
