/// BT BTS BTR BTC BSF BSR TZCNT LZCNT POPCNT.
extension Core {
    /// BT/BTS/BTR/BTC: CF ← the selected bit, then set/clear/complement it. ZF is unaffected; OF SF AF PF are
    /// undefined and left unchanged. A register bit offset into memory may address outside the operand
    /// (signed, in operand-size units).
    func executeBitTest(_ p: UnsafePointer<DecodedInstruction>, _ op: Opcode) throws(ExecutionEvent) {
        let size = p.pointee.size
        let bits = Width.bits(size)
        let dst = p.pointee.operand0
        let src = p.pointee.operand1
        var offset = try readOperand(src)
        var d: Destination
        if dst.kind == .memory && src.kind != .immediate {
            let signed = Int64(bitPattern: Width.signExtend(offset, size))
            let unit = signed >> Int64(bits.trailingZeroBitCount)
            let address = effectiveAddress(dst) &+ UInt64(bitPattern: unit &* Int64(size))
            if dst.usesStackSegment && !Self.isCanonical(address) { throw .exception(.ss(0)) }
            d = Destination(operand: dst, address: address, value: try op == .bt ? read(address, size) : readForWrite(address, size))
            offset &= bits - 1
        } else {
            offset &= bits - 1
            d = try readDestination(dst, forWrite: op != .bt)
        }
        let mask = UInt64(1) << offset
        let old = d.value & mask != 0
        switch op {
        case .bts: try writeDestination(d, d.value | mask)
        case .btr: try writeDestination(d, d.value & ~mask)
        case .btc: try writeDestination(d, d.value ^ mask)
        default: break
        }
        setFlags(old ? RFLAGS.cf : 0, mask: RFLAGS.cf)
    }

    /// BSF/BSR: a zero source sets ZF and leaves the destination unchanged; CF OF SF AF PF are undefined and
    /// left unchanged.
    func executeBitScan(_ p: UnsafePointer<DecodedInstruction>, forward: Bool) throws(ExecutionEvent) {
        let size = p.pointee.size
        let src = try readOperand(p.pointee.operand1) & Width.mask(size)
        if src == 0 {
            setFlags(RFLAGS.zf, mask: RFLAGS.zf)
            return
        }
        let index = forward ? UInt64(src.trailingZeroBitCount) : UInt64(63 - src.leadingZeroBitCount)
        writeRegister(p.pointee.operand0, index)
        setFlags(0, mask: RFLAGS.zf)
    }

    /// TZCNT/LZCNT/POPCNT: CF (TZCNT/LZCNT) = source was zero, ZF = result (or source, for POPCNT) is zero.
    /// POPCNT clears OF SF AF CF PF; TZCNT/LZCNT leave OF SF AF PF unchanged (undefined).
    func executeCount(_ p: UnsafePointer<DecodedInstruction>, _ op: Opcode) throws(ExecutionEvent) {
        let size = p.pointee.size
        let bits = Width.bits(size)
        let src = try readOperand(p.pointee.operand1) & Width.mask(size)
        let r: UInt64
        switch op {
        case .tzcnt:
            r = src == 0 ? bits : UInt64(src.trailingZeroBitCount)
        case .lzcnt:
            r = UInt64(src.leadingZeroBitCount) - (64 - bits)
        default:
            r = UInt64(src.nonzeroBitCount)
        }
        writeRegister(p.pointee.operand0, r)
        if op == .popcnt {
            setStatusFlags(src == 0 ? RFLAGS.zf : 0)
        } else {
            setFlags((src == 0 ? RFLAGS.cf : 0) | (r == 0 ? RFLAGS.zf : 0), mask: RFLAGS.cf | RFLAGS.zf)
        }
    }
}
