/// LGDT LIDT SGDT SIDT LTR STR VERW: the descriptor-table registers and segment checks 64-bit kernels use.
extension Core {
    func executeDescriptorTableInstruction(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let op = p.pointee.operand0
        switch p.pointee.opcode {
        case .lgdt, .lidt:
            try requireCPL0()
            let address = try checkedAddress(op)
            let limit = try read(address, 2)
            let base = try read(address &+ 2, 8)
            guard Self.isCanonical(base) else { throw .exception(.gp(0)) }
            if p.pointee.opcode == .lgdt {
                state.pointee.gdtr_base = base
                state.pointee.gdtr_limit = UInt32(limit)
            } else {
                state.pointee.idtr_base = base
                state.pointee.idtr_limit = UInt32(limit)
                events.exceptionsStopRun = false
            }
        case .sgdt, .sidt:
            try requireUMIPAllows()
            let address = try checkedAddress(op)
            let s = state.pointee
            let (base, limit) = p.pointee.opcode == .sgdt ? (s.gdtr_base, s.gdtr_limit) : (s.idtr_base, s.idtr_limit)
            // Translate both parts before writing either (no partial store).
            _ = try read(address &+ 2, 8)
            try write(address, 2, UInt64(limit))
            try write(address &+ 2, 8, base)
        case .ltr:
            try requireCPL0()
            try loadTaskRegister(UInt16(truncatingIfNeeded: try readOperand(op)))
        case .str:
            try requireUMIPAllows()
            try writeOperand(op, UInt64(state.pointee.tr))
        default:  // verw
            let selector = UInt16(truncatingIfNeeded: try readOperand(op))
            setFlags(try isWritableSegment(selector) ? RFLAGS.zf : 0, mask: RFLAGS.zf)
        }
    }

    /// With CR4.UMIP, SGDT SIDT STR (and SLDT SMSW) raise #GP(0) outside CPL 0.
    private func requireUMIPAllows() throws(ExecutionEvent) {
        if state.pointee.cr4 & ControlRegister.CR4.umip != 0 && cpl > 0 { throw .exception(.gp(0)) }
    }

    /// LTR: the selector must name an available 64-bit TSS (type 9) in the GDT; it becomes busy (type 11).
    private func loadTaskRegister(_ selector: UInt16) throws(ExecutionEvent) {
        let code = UInt32(selector & 0xFFFC)
        guard selector & 0xFFFC != 0 else { throw .exception(.gp(0)) }
        let low = try descriptor(selector)
        guard !low.isCodeOrData && low.type == 0x9 else { throw .exception(.gp(code)) }
        guard low.isPresent else { throw .exception(Fault(vector: 11, errorCode: code)) }
        let entry = state.pointee.gdtr_base &+ UInt64(selector & ~7)
        guard UInt64(selector & ~7) + 15 <= UInt64(state.pointee.gdtr_limit) else { throw .exception(.gp(code)) }
        let high = try implicitRead(entry &+ 8, 8)
        let base = low.base | (high << 32)
        guard Self.isCanonical(base) else { throw .exception(.gp(code)) }
        try implicitWrite(entry, 8, low.raw | (0x2 << 40))  // busy
        state.pointee.tr = selector
        state.pointee.tr_base = base
        state.pointee.tr_limit = low.limit
    }

    /// VERW's test: a present-or-not data segment that is writable at max(CPL, RPL). Nothing faults for a
    /// selector beyond the table or a null one: ZF is cleared.
    private func isWritableSegment(_ selector: UInt16) throws(ExecutionEvent) -> Bool {
        guard selector & 0xFFFC != 0, selector & 4 == 0,
            UInt64(selector | 7) <= UInt64(state.pointee.gdtr_limit)
        else { return false }
        let d = try descriptor(selector)
        return d.isWritableData && d.dpl >= max(cpl, UInt8(selector & 3))
    }
}
