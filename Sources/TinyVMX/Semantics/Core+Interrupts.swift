/// CLI STI INT n IRETQ: the instructions that change interrupt flags, raise software interrupts or return
/// from a handler.
extension Core {
    /// Ends the current block so the run loop checks for deliverable events before the next instruction.
    func openEventWindow() {
        checkEvents = true
        codeWasModified = true
    }

    func executeInterruptInstruction(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        switch p.pointee.opcode {
        case .cli, .sti:
            // In 64-bit mode (no VME/PVI): allowed when CPL ≤ IOPL.
            let flags = rflags
            guard UInt64(cpl) <= (flags & RFLAGS.iopl) >> 12 else { throw .exception(.gp(0)) }
            if p.pointee.opcode == .cli {
                rflags = flags & ~RFLAGS.if
            } else if flags & RFLAGS.if == 0 {
                rflags = flags | RFLAGS.if
                // Interrupts stay blocked until the instruction after STI retires: STI itself is retired
                // when the run loop sees the window, so the shadow ends one instruction later.
                events.interruptShadowPending = true
                openEventWindow()
            }
        case .intN:
            let vector = UInt8(truncatingIfNeeded: p.pointee.operand0.value)
            throw .exception(Fault(vector: vector, errorCode: nil, isTrap: true, isSoftwareInterrupt: true))
        default:
            try executeIRET(p)
        }
    }

    /// IRETQ in 64-bit mode: pops RIP, CS, RFLAGS, RSP, SS (all five, whatever the privilege change) and
    /// checks the new CS and SS. NMI blocking ends when IRET starts, even if it then faults (SDM vol. 3,
    /// 6.7.1; this is what VMX's "NMI unblocking due to IRET" bit reports).
    func executeIRET(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        if vmx.isNonRoot && vmx.controls.has(pin: Pin.virtualNMIs) {
            // With virtual NMIs, IRET in the guest ends virtual-NMI blocking instead (SDM 25.3).
            if vmx.virtualNMIBlocked {
                vmx.virtualNMIBlocked = false
                openEventWindow()
            }
        } else if events.nmiBlocked {
            events.nmiBlocked = false
            openEventWindow()
        }
        let flags = rflags
        guard flags & RFLAGS.nt == 0 else { throw .exception(.gp(0)) }  // task return: not in IA-32e mode
        let sp = g[4]
        let newRIP = try stackRead(sp, 8)
        let newCS = UInt16(truncatingIfNeeded: try stackRead(sp &+ 8, 8))
        let poppedFlags = try stackRead(sp &+ 16, 8)
        let newRSP = try stackRead(sp &+ 24, 8)
        let newSS = UInt16(truncatingIfNeeded: try stackRead(sp &+ 32, 8))

        let oldCPL = cpl
        let newCPL = UInt8(newCS & 3)
        let csCode = UInt32(newCS & 0xFFFC)
        guard newCS & 0xFFFC != 0 else { throw .exception(.gp(0)) }
        guard newCPL >= oldCPL else { throw .exception(.gp(csCode)) }
        let code = try descriptor(newCS)
        guard code.isCode && code.isLong else { throw .exception(.gp(csCode)) }
        guard code.isConforming ? code.dpl <= newCPL : code.dpl == newCPL else { throw .exception(.gp(csCode)) }
        guard code.isPresent else { throw .exception(Fault(vector: 11, errorCode: csCode)) }
        if newSS & 0xFFFC == 0 {
            // A null SS is allowed in 64-bit mode when returning to CPL 0–2 (with RPL = new CPL).
            guard newCPL != 3 && UInt8(newSS & 3) == newCPL else { throw .exception(.gp(0)) }
        } else {
            let ssCode = UInt32(newSS & 0xFFFC)
            guard UInt8(newSS & 3) == newCPL else { throw .exception(.gp(ssCode)) }
            let stack = try descriptor(newSS)
            guard stack.isWritableData && stack.dpl == newCPL else { throw .exception(.gp(ssCode)) }
            guard stack.isPresent else { throw .exception(.ss(ssCode)) }
        }
        guard Self.isCanonical(newRIP) else { throw .exception(.gp(0)) }

        // RFLAGS: IOPL only at CPL 0, IF only when CPL ≤ IOPL; VM stays 0 in 64-bit mode.
        var writable: UInt64 = RFLAGS.popfWritableCPL0 | RFLAGS.rf | RFLAGS.vif | RFLAGS.vip
        if oldCPL > 0 { writable &= ~RFLAGS.iopl }
        if UInt64(oldCPL) > (flags & RFLAGS.iopl) >> 12 { writable &= ~RFLAGS.if }
        let newFlags = (flags & ~writable) | (poppedFlags & writable) | RFLAGS.reserved1
        rflags = newFlags
        g[4] = newRSP
        state.pointee.ss = newSS
        setCodeSegment(newCS)
        rip = newRIP
        if newFlags & ~flags & RFLAGS.if != 0 || newFlags & RFLAGS.tf != 0 || newCPL != oldCPL { openEventWindow() }
    }
}
