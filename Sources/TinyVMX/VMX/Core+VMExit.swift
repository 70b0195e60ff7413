/// VM exit (SDM vol. 3C, chapter 27): record the exit information, save guest state, load host state.
/// CR2 is neither saved nor loaded: after the exit it holds whatever the guest left there.
extension Core {
    /// The segment registers in VMCS order, with their selector, limit and access-rights fields.
    private static let segmentFields: [(selector: VMCSField, limit: VMCSField, rights: VMCSField)] = [
        (.guestESSelector, .guestESLimit, .guestESAccessRights),
        (.guestCSSelector, .guestCSLimit, .guestCSAccessRights),
        (.guestSSSelector, .guestSSLimit, .guestSSAccessRights),
        (.guestDSSelector, .guestDSLimit, .guestDSAccessRights),
        (.guestFSSelector, .guestFSLimit, .guestFSAccessRights),
        (.guestGSSelector, .guestGSLimit, .guestGSAccessRights),
        (.guestTRSelector, .guestTRLimit, .guestTRAccessRights),
        (.guestLDTRSelector, .guestLDTRLimit, .guestLDTRAccessRights),
    ]

    /// The selectors in `segmentFields` order.
    var segmentSelectors: SIMD8<UInt16> {
        let s = state.pointee
        return [s.es, s.cs, s.ss, s.ds, s.fs, s.gs, s.tr, s.ldtr]
    }

    /// Performs a VM exit (or, with `saveGuest` false, the host-state half of a VM-entry failure).
    /// - Parameter vectoring: the event whose delivery the exit interrupted (IDT-vectoring information).
    func vmExit(_ exit: VMExit, saveGuest: Bool = true, vectoring: Delivery? = nil) {
        typealias C = VMXCapabilities
        let c = vmx.controls
        let guestRIP = exit.guestRIP ?? rip
        setVMCS(.exitReason, UInt64(exit.reason))
        setVMCS(.exitQualification, exit.qualification)
        var vectoringInfo: UInt32 = 0
        if saveGuest {
            setVMCS(.exitInterruptionInfo, UInt64(exit.interruptionInfo))
            setVMCS(.exitInterruptionErrorCode, UInt64(exit.interruptionErrorCode))
            if let v = vectoring {
                vectoringInfo = UInt32(v.vector) | v.vmxInterruptionType << 8 | InterruptionType.valid
                if let code = v.errorCode {
                    vectoringInfo |= InterruptionType.errorCodeValid
                    setVMCS(.idtVectoringErrorCode, UInt64(code))
                }
            }
            setVMCS(.idtVectoringInfo, UInt64(vectoringInfo))
            setVMCS(.exitInstructionLength, UInt64(exit.instructionLength))
            setVMCS(.exitInstructionInfo, UInt64(exit.instructionInfo))
            setVMCS(.guestLinearAddress, exit.guestLinearAddress ?? 0)
            setVMCS(.guestPhysicalAddress, exit.guestPhysicalAddress ?? 0)
            let entryInfo = vmcs32(.entryInterruptionInfo)
            setVMCS(.entryInterruptionInfo, UInt64(entryInfo & ~InterruptionType.valid))
            saveGuestState(rip: guestRIP, controls: c)
            storeMSRList(vmcs(.exitMSRStoreAddress), count: vmcs(.exitMSRStoreCount))
        }
        let isNMIExit = exit.reason == VMExitReason.exceptionOrNMI
            && (exit.interruptionInfo >> 8) & 7 == InterruptionType.nmi && exit.interruptionInfo & InterruptionType.valid != 0
        loadHostState(controls: c)
        // A failing entry is a VMX abort on hardware; TinyVMX does not model aborts and stops at it.
        _ = loadMSRList(vmcs(.exitMSRLoadAddress), count: vmcs(.exitMSRLoadCount))

        // Events in VMX root operation: nothing blocks NMIs after an exit, except after an NMI exit.
        events.nmiBlocked = isNMIExit
        events.interruptShadowEnd = 0
        events.interruptShadowPending = false
        events.halted = false
        events.exceptionsStopRun = false
        vmx.operation = .root
        vmx.timerDeadline = nil
        vmx.virtualNMIBlocked = false
        vmx.exits += 1
        statistics.vmExits += 1
        if vmExitLog.count == VMXState.exitLogCapacity { vmExitLog.removeFirst(VMXState.exitLogCapacity / 2) }
        vmExitLog.append(VMExitRecord(
            reason: exit.reason, qualification: exit.qualification,
            interruptionInfo: saveGuest ? exit.interruptionInfo : 0,
            interruptionErrorCode: saveGuest ? exit.interruptionErrorCode : 0, idtVectoringInfo: vectoringInfo,
            guestRIP: guestRIP, instructionLength: exit.instructionLength,
            guestLinearAddress: exit.guestLinearAddress ?? 0, guestPhysicalAddress: exit.guestPhysicalAddress ?? 0,
            instructionCount: instructionCount, cr2: state.pointee.cr2))
        vmTransitionFlush()
    }

    /// Guest-state area on exit (27.3). Segment limits and access rights are written only for a selector
    /// that changed since the entry (TinyVMX keeps no descriptor caches): a changed one gets the flat 64-bit
    /// values, or "unusable" for a null selector.
    private func saveGuestState(rip guestRIP: UInt64, controls c: VMXState.Controls) {
        typealias C = VMXCapabilities
        let s = state.pointee
        setVMCS(.guestCR0, s.cr0)
        setVMCS(.guestCR3, s.cr3)
        setVMCS(.guestCR4, s.cr4)
        if c.exit & C.Exit.saveDebugControls != 0 { setVMCS(.guestDR7, s.dr7) }
        setVMCS(.guestRSP, g[4])
        setVMCS(.guestRIP, guestRIP)
        setVMCS(.guestRFLAGS, rflags)
        let selectors = segmentSelectors
        for (i, f) in Self.segmentFields.enumerated() {
            setVMCS(f.selector, UInt64(selectors[i]))
            guard vmx.entrySelectors[i] != selectors[i] else { continue }
            let selector = UInt64(selectors[i]), dpl = (selector & 3) << 5
            let rights: UInt64
            switch f.selector {
            case .guestCSSelector: rights = 0xA09B | dpl
            case .guestTRSelector: rights = 0x8B
            case .guestLDTRSelector: rights = selector == 0 ? 0x1_0000 : 0x82
            default: rights = selector & ~3 == 0 ? 0x1_0000 | dpl : 0xC093 | dpl
            }
            setVMCS(f.rights, rights)
            setVMCS(f.limit, f.selector == .guestTRSelector ? UInt64(s.tr_limit) : 0xFFFF_FFFF)
        }
        setVMCS(.guestFSBase, s.fs_base)
        setVMCS(.guestGSBase, s.gs_base)
        setVMCS(.guestTRBase, s.tr_base)
        setVMCS(.guestTRLimit, UInt64(s.tr_limit))
        setVMCS(.guestGDTRBase, s.gdtr_base)
        setVMCS(.guestGDTRLimit, UInt64(s.gdtr_limit))
        setVMCS(.guestIDTRBase, s.idtr_base)
        setVMCS(.guestIDTRLimit, UInt64(s.idtr_limit))
        var interruptibility: UInt64 = 0
        if instructionCount < events.interruptShadowEnd || events.interruptShadowPending { interruptibility |= 1 }
        let nmiBlocking = c.has(pin: C.Pin.virtualNMIs) ? vmx.virtualNMIBlocked : events.nmiBlocked
        if nmiBlocking { interruptibility |= 8 }
        setVMCS(.guestInterruptibilityState, interruptibility)
        setVMCS(.guestActivityState, events.halted ? 1 : 0)
        if c.exit & C.Exit.saveEFER != 0 { setVMCS(.guestEFER, s.efer) }
        if c.exit & C.Exit.savePAT != 0 { setVMCS(.guestPAT, msrs.table[ModelSpecificRegisters.pat] ?? 0) }
        if c.exit & C.Exit.savePreemptionTimer != 0, let deadline = vmx.timerDeadline {
            setVMCS(.preemptionTimerValue, deadline > instructionCount ? deadline - instructionCount : 0)
        }
        // IA32_VMX_MISC bit 5: the "IA-32e mode guest" entry control receives EFER.LMA.
        let lma = s.efer & ModelSpecificRegisters.EFERBits.lma != 0
        let entry = vmcs32(.entryControls)
        setVMCS(.entryControls, UInt64(lma ? entry | C.Entry.ia32eModeGuest : entry & ~C.Entry.ia32eModeGuest))
    }

    /// Host-state area on exit (27.5): control registers, RSP, RIP, selectors and bases, with the fixed
    /// values RFLAGS = 0x2, DR7 = 0x400, GDTR/IDTR limits 0xFFFF, TR limit 0x67 and LDTR unusable.
    private func loadHostState(controls c: VMXState.Controls) {
        typealias C = VMXCapabilities
        state.pointee.cr0 = vmcs(.hostCR0) | ControlRegister.CR0.et
        state.pointee.cr3 = vmcs(.hostCR3)
        state.pointee.cr4 = vmcs(.hostCR4)
        state.pointee.dr7 = 0x400
        typealias E = ModelSpecificRegisters.EFERBits
        if c.exit & C.Exit.loadEFER != 0 {
            state.pointee.efer = vmcs(.hostEFER)
        } else {
            state.pointee.efer |= E.lma | E.lme
        }
        if c.exit & C.Exit.loadPAT != 0 { msrs.table[ModelSpecificRegisters.pat] = vmcs(.hostPAT) }
        state.pointee.ss = UInt16(vmcs(.hostSSSelector))
        state.pointee.ds = UInt16(vmcs(.hostDSSelector))
        state.pointee.es = UInt16(vmcs(.hostESSelector))
        state.pointee.fs = UInt16(vmcs(.hostFSSelector))
        state.pointee.gs = UInt16(vmcs(.hostGSSelector))
        state.pointee.tr = UInt16(vmcs(.hostTRSelector))
        state.pointee.ldtr = 0
        state.pointee.fs_base = vmcs(.hostFSBase)
        state.pointee.gs_base = vmcs(.hostGSBase)
        state.pointee.tr_base = vmcs(.hostTRBase)
        state.pointee.tr_limit = 0x67
        state.pointee.gdtr_base = vmcs(.hostGDTRBase)
        state.pointee.gdtr_limit = 0xFFFF
        state.pointee.idtr_base = vmcs(.hostIDTRBase)
        state.pointee.idtr_limit = 0xFFFF
        g[4] = vmcs(.hostRSP)
        rflags = RFLAGS.reserved1
        setCodeSegment(UInt16(vmcs(.hostCSSelector)))
        rip = vmcs(.hostRIP)
    }

    /// Stores guest MSRs into the VM-exit MSR-store list. An entry naming an MSR that does not exist is a
    /// VMX abort on hardware; TinyVMX does not model aborts and leaves that entry unwritten.
    private func storeMSRList(_ address: UInt64, count: UInt64) {
        for i in 0..<count {
            let entry = address &+ 16 &* i
            guard let value = readMSR(UInt32(truncatingIfNeeded: physicalRead64(entry))) else { continue }
            physicalWrite64(entry &+ 8, value)
        }
    }
}
