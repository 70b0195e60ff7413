/// Event delivery in 64-bit mode: exceptions, NMIs, external and software interrupts through the IDT, with
/// the double-fault and triple-fault rules (SDM vol. 3, 6.12 and 6.15 "Interrupt 8").
extension Core {
    /// How an event came about; decides the EXT bit of delivery error codes and the gate DPL check.
    enum EventSource {
        /// An exception raised by an instruction or by delivery itself.
        case exception
        case nmi
        case external
        /// INT n and INT3: the gate's DPL must be ≥ CPL.
        case software
    }

    /// One event to deliver: vector, error code (pushed if present) and the RIP the frame records.
    struct Delivery {
        var vector: UInt8
        var errorCode: UInt32?
        var source: EventSource
        var returnRIP: UInt64
        /// For a software interrupt, the INT instruction's own address (a fault delivering it reports it).
        var instructionAddress: UInt64 = 0
        /// Whether a software interrupt's instruction was counted as retired (not for VM-entry injection).
        var retired = true
        /// The VMX interruption type when the source does not say it (INT3: software exception; injected
        /// privileged software exceptions).
        var interruptionType: UInt32? = nil

        /// The VMX interruption type (IDT-vectoring information, bits 10:8).
        var vmxInterruptionType: UInt32 {
            if let interruptionType { return interruptionType }
            switch source {
            case .external: return InterruptionType.external
            case .nmi: return InterruptionType.nmi
            case .exception: return InterruptionType.hardwareException
            case .software: return InterruptionType.softwareInterrupt
            }
        }
    }

    /// Exception classes of SDM Table 6-4.
    private enum ExceptionClass {
        case benign, contributory, pageFault
        init(_ vector: UInt8) {
            switch vector {
            case 0, 10, 11, 12, 13: self = .contributory
            case 14: self = .pageFault
            default: self = .benign
            }
        }
    }

    /// Delivers an exception raised at an instruction (`returnRIP` is the faulting instruction for a fault,
    /// the next one for a trap). A #PF writes CR2 here, when it is delivered. In VMX non-root operation an
    /// exception the exception bitmap selects causes a VM exit instead, and a #PF that exits this way does
    /// not write CR2.
    /// - Returns: A stop if the run must end (no IDT in the bare profile, or a triple fault).
    func deliverException(_ fault: Fault, returnRIP: UInt64, instructionAddress: UInt64) -> InternalStop? {
        if vmx.isNonRoot && exceptionCausesExit(fault) {
            vmExit(exceptionExit(fault, returnRIP: returnRIP, instructionAddress: instructionAddress))
            return nil
        }
        if let address = fault.pageFaultAddress { state.pointee.cr2 = address }
        if events.exceptionsStopRun { return .exception(fault) }
        let source: EventSource = fault.isSoftwareInterrupt ? .software : .exception
        var d = Delivery(
            vector: fault.vector, errorCode: fault.errorCode, source: source, returnRIP: returnRIP,
            instructionAddress: instructionAddress)
        if fault.isSoftwareException { d.interruptionType = InterruptionType.softwareException }
        return deliverNesting(d)
    }

    /// Delivers `first`, turning faults during delivery into #DF or a triple fault as Table 6-5 says:
    /// contributory then contributory, or #PF then contributory or #PF, give #DF; a contributory fault or
    /// #PF while delivering #DF shuts the processor down. Other combinations are handled serially (the
    /// second event is delivered). A nested #PF writes CR2 even when it becomes #DF.
    ///
    /// In VMX non-root operation a nested exception the exception bitmap selects (including the #DF it
    /// becomes), an EPT exit during delivery and a triple fault end in a VM exit whose IDT-vectoring
    /// information names the event being delivered.
    func deliverNesting(_ first: Delivery) -> InternalStop? {
        var current = first
        for _ in 0..<6 {
            do {
                try deliver(current)
                switch current.source {
                case .nmi: statistics.nmisDelivered += 1
                case .external: statistics.interruptsDelivered += 1
                case .software: statistics.exceptionsDelivered += 1
                case .exception:
                    statistics.exceptionsDelivered += 1
                    // A fault delivered through a handler that faults again (on an IST stack, which never
                    // runs out) would retire nothing forever: each delivery costs one unit of the budget.
                    fuelUsed &+= 1
                }
                return nil
            } catch {
                let vectoringRIP = current.source == .software ? current.instructionAddress : current.returnRIP
                if case .vmExit = error, vmx.isNonRoot {
                    var exit = pendingExit
                    exit.guestRIP = vectoringRIP
                    vmExit(exit, vectoring: current)
                    return nil
                }
                guard case .exception(let nested) = error else { return .tripleFault }
                if vmx.isNonRoot && exceptionCausesExit(nested) {
                    var exit = exceptionExit(nested, returnRIP: vectoringRIP, instructionAddress: vectoringRIP)
                    if current.source == .software {
                        exit.instructionLength = UInt32(truncatingIfNeeded: current.returnRIP &- current.instructionAddress)
                    }
                    vmExit(exit, vectoring: current)
                    return nil
                }
                if let address = nested.pageFaultAddress { state.pointee.cr2 = address }
                if current.source == .software && current.retired {
                    // The gate check failed for INT n / INT3 itself: a fault on that instruction, which
                    // therefore did not retire.
                    instructionCount &-= 1
                    fuelUsed &-= 1
                    current.returnRIP = current.instructionAddress
                }
                let firstClass = current.source == .exception ? ExceptionClass(current.vector) : .benign
                let secondClass = ExceptionClass(nested.vector)
                if current.source == .exception && current.vector == 8 && secondClass != .benign {
                    return tripleFault(during: current)
                }
                if (firstClass == .contributory && secondClass == .contributory)
                    || (firstClass == .pageFault && secondClass != .benign)
                {
                    let doubleFault = Fault(vector: 8, errorCode: 0)
                    if vmx.isNonRoot && exceptionCausesExit(doubleFault) {
                        vmExit(exceptionExit(doubleFault, returnRIP: current.returnRIP, instructionAddress: current.returnRIP), vectoring: current)
                        return nil
                    }
                    current = Delivery(vector: 8, errorCode: 0, source: .exception, returnRIP: current.returnRIP)
                } else {
                    current = Delivery(
                        vector: nested.vector, errorCode: nested.errorCode, source: .exception,
                        returnRIP: current.returnRIP)
                }
            }
        }
        return tripleFault(during: current)
    }

    /// Shutdown: a run stop in VMX root operation (or outside VMX), a VM exit (reason 2) in a guest.
    private func tripleFault(during d: Delivery) -> InternalStop? {
        guard vmx.isNonRoot else { return .tripleFault }
        vmExit(VMExit(reason: VMExitReason.tripleFault, guestRIP: d.returnRIP), vectoring: d)
        return nil
    }

    /// One delivery attempt through a 64-bit interrupt or trap gate. Nothing architectural changes unless it
    /// succeeds (frame bytes may have been written to the new stack).
    /// - Throws: The fault delivery raised: #GP/#NP with IDT or selector error codes, #TS for a missing
    ///   TSS, #SS for a non-canonical stack, #PF for unmapped descriptor tables or stack.
    func deliver(_ d: Delivery) throws(ExecutionEvent) {
        let ext: UInt32 = d.source == .software ? 0 : 1
        let gateCode = UInt32(d.vector) << 3 | 2 | ext
        let s = state.pointee
        guard UInt64(d.vector) * 16 + 15 <= UInt64(s.idtr_limit) else { throw .exception(.gp(gateCode)) }
        let gateAddress = s.idtr_base &+ UInt64(d.vector) * 16
        let low = try implicitRead(gateAddress, 8)
        let high = try implicitRead(gateAddress &+ 8, 8)
        let type = (low >> 40) & 0xF
        guard type == 0xE || type == 0xF else { throw .exception(.gp(gateCode)) }
        if d.source == .software && UInt8((low >> 45) & 3) < cpl { throw .exception(.gp(gateCode)) }
        guard low & (1 << 47) != 0 else { throw .exception(Fault(vector: 11, errorCode: gateCode)) }
        let selector = UInt16(truncatingIfNeeded: low >> 16)
        let target = (low & 0xFFFF) | ((low >> 32) & 0xFFFF_0000) | (high << 32)
        let ist = Int((low >> 32) & 7)

        guard selector & 0xFFFC != 0 else { throw .exception(.gp(ext)) }
        let selectorCode = UInt32(selector & 0xFFFC) | ext
        let code = try descriptor(selector, errorCodeExt: ext)
        guard code.isCode && code.isLong && code.dpl <= cpl else { throw .exception(.gp(selectorCode)) }
        guard code.isPresent else { throw .exception(Fault(vector: 11, errorCode: selectorCode)) }
        guard Self.isCanonical(target) else { throw .exception(.gp(ext)) }
        let oldCPL = cpl
        let newCPL = code.isConforming ? oldCPL : code.dpl

        var rsp = g[4]
        if ist != 0 {
            rsp = try taskStateRead(36 + 8 * (ist - 1), ext: ext)
        } else if newCPL < oldCPL {
            rsp = try taskStateRead(4 + 8 * Int(newCPL), ext: ext)
        }
        rsp &= ~0xF
        let flags = rflags
        var frame: [UInt64] = [d.returnRIP, UInt64(s.cs), flags, g[4], UInt64(s.ss)]
        if let e = d.errorCode { frame.insert(UInt64(e), at: 0) }
        let base = rsp &- UInt64(8 * frame.count)
        guard Self.isCanonical(base) && Self.isCanonical(rsp &- 1) else { throw .exception(.ss(ext)) }
        // Pushed in the architectural order, SS first at the highest address, so a fault on the new stack
        // reports (in CR2) the first quadword the CPU could not write.
        for (i, value) in frame.enumerated().reversed() {
            try implicitWrite(base &+ UInt64(8 * i), 8, value, user: newCPL == 3)
        }

        g[4] = base
        if newCPL != oldCPL { state.pointee.ss = UInt16(newCPL) }  // a null selector with RPL = new CPL
        setCodeSegment((selector & ~3) | UInt16(newCPL))
        var newFlags = flags & ~(RFLAGS.tf | RFLAGS.nt | RFLAGS.rf | RFLAGS.vm)
        if type == 0xE { newFlags &= ~RFLAGS.if }
        rflags = newFlags
        rip = target
        events.halted = false
    }

    /// Reads a quadword of the current TSS (RSPn, ISTn), checking it lies within TR's limit.
    private func taskStateRead(_ offset: Int, ext: UInt32) throws(ExecutionEvent) -> UInt64 {
        let s = state.pointee
        guard s.tr & 0xFFFC != 0, UInt64(offset + 7) <= UInt64(s.tr_limit) else {
            throw .exception(Fault(vector: 10, errorCode: UInt32(s.tr & 0xFFFC) | ext))
        }
        let value = try implicitRead(s.tr_base &+ UInt64(offset), 8)
        guard Self.isCanonical(value) else { throw .exception(.ss(ext)) }
        return value
    }

    // MARK: Implicit (system) accesses: descriptor tables, TSS, delivery frames. They bypass the TLB.

    /// Reads `size` bytes at a linear address as a supervisor-mode access (or as a user one).
    func implicitRead(_ linear: UInt64, _ size: Int, user: Bool = false) throws(ExecutionEvent) -> UInt64 {
        let pages = try implicitPages(linear, size, .read, user: user)
        var v: UInt64 = 0
        for i in 0..<size {
            let a = linear &+ UInt64(i)
            let physical = ((a ^ linear) >> 12 == 0 ? pages.0 : pages.1) | (a & 0xFFF)
            v |= UInt64(memory.page(physical >> 12).load(fromByteOffset: Int(physical & 0xFFF), as: UInt8.self)) << (8 * UInt64(i))
        }
        return v
    }

    /// Writes the low `size` bytes of `value` at a linear address as a supervisor-mode (or user) access.
    func implicitWrite(_ linear: UInt64, _ size: Int, _ value: UInt64, user: Bool = false) throws(ExecutionEvent) {
        let pages = try implicitPages(linear, size, .write, user: user)
        for i in 0..<size {
            let a = linear &+ UInt64(i)
            let physical = ((a ^ linear) >> 12 == 0 ? pages.0 : pages.1) | (a & 0xFFF)
            let pfn = physical >> 12
            memory.willWrite(pfn)
            memory.page(pfn).storeBytes(
                of: UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))), toByteOffset: Int(physical & 0xFFF), as: UInt8.self)
            if memory.codePages.contains(pfn) { flushDecodedCode() }
        }
    }

    /// The physical page frames of the (one or two) pages an access touches, both translated first.
    private func implicitPages(
        _ linear: UInt64, _ size: Int, _ access: Access, user: Bool
    ) throws(ExecutionEvent) -> (UInt64, UInt64) {
        let first = try walk(linear, access, user: user, update: true).physical & ~0xFFF
        let last = linear &+ UInt64(size - 1)
        let second = (last ^ linear) >> 12 != 0 ? try walk(last & ~0xFFF, access, user: user, update: true).physical & ~0xFFF : first
        return (first, second)
    }
}
