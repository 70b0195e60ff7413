/// Reading and writing decoded operands: registers with x86 sub-register rules, immediates and memory.
extension Core {
    /// The linear address of a memory operand, checked for canonical form with the segment's fault: #SS(0)
    /// for an SS-relative operand (base RSP or RBP), #GP(0) otherwise (raised later by `translate`).
    @inline(__always)
    func checkedAddress(_ o: Operand) throws(ExecutionEvent) -> UInt64 {
        let ea = effectiveAddress(o)
        if o.usesStackSegment && !Self.isCanonical(ea) { throw .exception(.ss(0)) }
        return ea
    }

    /// The linear address of a memory operand (base + index × scale + displacement, FS/GS base added).
    @inline(__always)
    func effectiveAddress(_ o: Operand) -> UInt64 {
        let ea = offsetAddress(o)
        switch o.segment {
        case .none: return ea
        case .fs: return ea &+ state.pointee.fs_base
        case .gs: return ea &+ state.pointee.gs_base
        }
    }

    /// A memory operand's offset within its segment (base + index × scale + displacement): what LEA computes.
    @inline(__always)
    func offsetAddress(_ o: Operand) -> UInt64 {
        var ea = UInt64(bitPattern: o.value)
        if o.reg != Operand.noRegister { ea &+= g[Int(o.reg)] }
        if o.index != Operand.noRegister { ea &+= g[Int(o.index)] &* UInt64(o.scale) }
        if o.isAddress32 { ea &= 0xFFFF_FFFF }
        return ea
    }

    /// The value of a register operand (zero-extended).
    @inline(__always)
    func readRegister(_ o: Operand) -> UInt64 {
        let v = g[Int(o.reg)]
        switch o.kind {
        case .reg64: return v
        case .reg32: return v & 0xFFFF_FFFF
        case .reg16: return v & 0xFFFF
        case .reg8: return v & 0xFF
        case .reg8High: return (v >> 8) & 0xFF
        default: return 0
        }
    }

    /// Writes a register operand: 32-bit writes zero-extend, 8/16-bit writes merge.
    @inline(__always)
    func writeRegister(_ o: Operand, _ value: UInt64) {
        let r = Int(o.reg)
        switch o.kind {
        case .reg64: g[r] = value
        case .reg32: g[r] = value & 0xFFFF_FFFF
        case .reg16: g[r] = (g[r] & ~0xFFFF) | (value & 0xFFFF)
        case .reg8: g[r] = (g[r] & ~0xFF) | (value & 0xFF)
        case .reg8High: g[r] = (g[r] & ~0xFF00) | ((value & 0xFF) << 8)
        default: break
        }
    }

    /// Reads any operand, zero-extended to 64 bits (immediates are returned as decoded).
    @inline(__always)
    func readOperand(_ o: Operand) throws(ExecutionEvent) -> UInt64 {
        switch o.kind {
        case .immediate: return UInt64(bitPattern: o.value)
        case .memory: return try read(checkedAddress(o), o.size)
        default: return readRegister(o)
        }
    }

    /// Writes any destination operand.
    @inline(__always)
    func writeOperand(_ o: Operand, _ value: UInt64) throws(ExecutionEvent) {
        if o.kind == .memory {
            try write(checkedAddress(o), o.size, value)
        } else {
            writeRegister(o, value)
        }
    }

    /// A read-modify-write destination: its current value and where to put the result.
    struct Destination {
        var operand: Operand
        var address: UInt64
        var value: UInt64
    }

    /// Reads a destination once for read-modify-write, remembering its address.
    @inline(__always)
    func readDestination(_ o: Operand, forWrite: Bool = true) throws(ExecutionEvent) -> Destination {
        if o.kind == .memory {
            let a = try checkedAddress(o)
            // A read-modify-write is checked as a write before anything is read: a fault has the W bit.
            return Destination(operand: o, address: a, value: try forWrite ? readForWrite(a, o.size) : read(a, o.size))
        }
        return Destination(operand: o, address: 0, value: readRegister(o))
    }

    /// Stores the result of a read-modify-write.
    @inline(__always)
    func writeDestination(_ d: Destination, _ value: UInt64) throws(ExecutionEvent) {
        if d.operand.kind == .memory {
            try write(d.address, d.operand.size, value)
        } else {
            writeRegister(d.operand, value)
        }
    }

    // Stack

    /// Pushes a `size`-byte value; RSP moves only if the store succeeds.
    @inline(__always)
    func push(_ value: UInt64, size: UInt8 = 8) throws(ExecutionEvent) {
        let rsp = g[4] &- UInt64(size)
        try stackWrite(rsp, size, value)
        g[4] = rsp
    }

    /// Pops a `size`-byte value (RSP is updated by the caller's choice: `pop` itself updates it).
    @inline(__always)
    func pop(size: UInt8 = 8) throws(ExecutionEvent) -> UInt64 {
        let v = try stackRead(g[4], size)
        g[4] = g[4] &+ UInt64(size)
        return v
    }

    /// A stack store: a non-canonical stack address raises #SS(0) instead of #GP(0).
    @inline(__always)
    func stackWrite(_ address: UInt64, _ size: UInt8, _ value: UInt64) throws(ExecutionEvent) {
        do { try write(address, size, value) } catch { throw Self.stackFault(error) }
    }

    @inline(__always)
    func stackRead(_ address: UInt64, _ size: UInt8) throws(ExecutionEvent) -> UInt64 {
        do { return try read(address, size) } catch { throw Self.stackFault(error) }
    }

    static func stackFault(_ e: ExecutionEvent) -> ExecutionEvent {
        if case .exception(let f) = e, f.vector == 13 { return .exception(.ss(0)) }
        return e
    }

    /// Evaluates condition code `cc` (0 O, 1 NO, 2 B, 3 AE, 4 E, 5 NE, 6 BE, 7 A, 8 S, 9 NS, 10 P, 11 NP,
    /// 12 L, 13 GE, 14 LE, 15 G) against RFLAGS.
    @inline(always)
    func condition(_ cc: UInt8) -> Bool {
        if lazy.pointee.kind != .none, let r = lazy.pointee.condition(cc) {
            return r
        }
        return conditionFromFlags(cc)
    }

    /// Condition code `cc` evaluated on RFLAGS (pending flags are computed first).
    @inline(never)
    func conditionFromFlags(_ cc: UInt8) -> Bool {
        let f = rflags
        let r: Bool
        switch cc >> 1 {
        case 0: r = f & RFLAGS.of != 0
        case 1: r = f & RFLAGS.cf != 0
        case 2: r = f & RFLAGS.zf != 0
        case 3: r = f & (RFLAGS.cf | RFLAGS.zf) != 0
        case 4: r = f & RFLAGS.sf != 0
        case 5: r = f & RFLAGS.pf != 0
        case 6: r = (f & RFLAGS.sf != 0) != (f & RFLAGS.of != 0)
        default: r = f & RFLAGS.zf != 0 || ((f & RFLAGS.sf != 0) != (f & RFLAGS.of != 0))
        }
        return (cc & 1) == 0 ? r : !r
    }
}
