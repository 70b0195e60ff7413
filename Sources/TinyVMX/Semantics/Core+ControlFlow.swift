/// JMP Jcc CALL RET LOOP/LOOPE/LOOPNE JRCXZ LEAVE ENTER. Every control transfer sets RIP itself.
extension Core {
    /// Loads RIP with a branch target; a non-canonical target raises #GP(0) at the branch.
    @inline(__always)
    func branch(to target: UInt64) throws(ExecutionEvent) {
        guard Self.isCanonical(target) else { throw .exception(.gp(0)) }
        rip = target
    }

    func executeControlFlow(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        switch p.pointee.opcode {
        case .jmp:
            rip = p.pointee.target
        case .jcc:
            rip = condition(p.pointee.condition) ? p.pointee.target : p.pointee.nextAddress
        case .jmpIndirect:
            try branch(to: try readOperand(p.pointee.operand0))
        case .call:
            try push(p.pointee.nextAddress)
            rip = p.pointee.target
        case .callIndirect:
            let target = try readOperand(p.pointee.operand0)
            guard Self.isCanonical(target) else { throw .exception(.gp(0)) }
            try push(p.pointee.nextAddress)
            rip = target
        case .ret:
            let target = try stackRead(g[4], 8)
            guard Self.isCanonical(target) else { throw .exception(.gp(0)) }
            let release: UInt64 = p.pointee.operandCount > 0 ? UInt64(bitPattern: p.pointee.operand0.value) & 0xFFFF : 0
            g[4] = g[4] &+ 8 &+ release
            rip = target
        case .loop, .loope, .loopne:
            let counterMask: UInt64 = p.pointee.isAddress32 ? 0xFFFF_FFFF : ~0
            let count = (g[1] &- 1) & counterMask
            g[1] = p.pointee.isAddress32 ? count : count
            var taken = count != 0
            if p.pointee.opcode == .loope { taken = taken && flag(RFLAGS.zf) }
            if p.pointee.opcode == .loopne { taken = taken && !flag(RFLAGS.zf) }
            rip = taken ? p.pointee.target : p.pointee.nextAddress
        default:  // jrcxz / jecxz
            let count = p.pointee.isAddress32 ? g[1] & 0xFFFF_FFFF : g[1]
            rip = count == 0 ? p.pointee.target : p.pointee.nextAddress
        }
    }

    /// LEAVE: RSP ← RBP, then pop RBP (nothing changes if the pop faults).
    func executeLeave() throws(ExecutionEvent) {
        let v = try stackRead(g[5], 8)
        g[4] = g[5] &+ 8
        g[5] = v
    }

    /// ENTER with nesting level 0: push RBP, RBP ← RSP, RSP −= size. Other levels are outside the subset.
    func executeEnter(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let size = UInt64(bitPattern: p.pointee.operand0.value) & 0xFFFF
        let level = UInt64(bitPattern: p.pointee.operand1.value) & 31
        guard level == 0 else { throw .unsupported }
        let frame = g[4] &- 8
        try stackWrite(frame, 8, g[5])
        g[5] = frame
        g[4] = frame &- size
    }
}
