/// IN and OUT (not INS/OUTS, which stay outside the subset). No device is attached to any port: IN reads
/// all ones, as from a floating bus, and OUT is discarded. Their point here is VMX: with "unconditional
/// I/O exiting" they cause exit 30 in a guest.
extension Core {
    func executePortIO(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let isIn = p.pointee.opcode == .inPort
        let portOperand = isIn ? p.pointee.operand1 : p.pointee.operand0
        let data = isIn ? p.pointee.operand0 : p.pointee.operand1
        let immediate = portOperand.kind == .immediate
        let port = immediate ? UInt64(bitPattern: portOperand.value) & 0xFF : g[2] & 0xFFFF
        // No I/O permission bitmap is modelled: above IOPL every port is refused.
        guard UInt64(cpl) <= (rflags & RFLAGS.iopl) >> 12 else { throw .exception(.gp(0)) }
        // Exit qualification for I/O instructions: size − 1, direction (1 = IN), string 0, REP 0, operand
        // encoding (1 = immediate), port in bits 31:16.
        let qualification = UInt64(data.size - 1) | (isIn ? 8 : 0) | (immediate ? 0x40 : 0) | port << 16
        try exitIfNonRoot(p, VMExitReason.io, qualification: qualification) {
            $0.has(primary: Primary.unconditionalIOExiting)
        }
        if isIn { writeRegister(data, ~0) }
    }
}
