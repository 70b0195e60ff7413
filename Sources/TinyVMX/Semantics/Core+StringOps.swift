/// MOVS STOS LODS CMPS SCAS in every size, with REP / REPE / REPNE.
///
/// A repeated instruction runs one iteration at a time with RCX, RSI, RDI updated after each, so a fault
/// mid-way leaves them where the CPU would (the handler can resume it). Each iteration after the first
/// costs one unit of the run's budget; when the budget runs out mid-way the instruction is left unfinished
/// with RIP still on it, exactly as if an interrupt had arrived between iterations.
extension Core {
    func executeString(_ p: UnsafePointer<DecodedInstruction>) throws(ExecutionEvent) {
        let op = p.pointee.opcode
        let size = p.pointee.size
        let step = UInt64(size)
        let a32 = p.pointee.isAddress32
        let addrMask: UInt64 = a32 ? 0xFFFF_FFFF : ~0
        let repeated = p.pointee.repeatPrefix != .none
        let down = flag(RFLAGS.df)
        var sourceBase: UInt64 = 0
        switch p.pointee.operand0.segment {
        case .fs: sourceBase = state.pointee.fs_base
        case .gs: sourceBase = state.pointee.gs_base
        case .none: break
        }
        if repeated && g[1] & addrMask == 0 {
            rip = p.pointee.nextAddress
            return
        }
        var iterations: UInt64 = 0
        while true {
            let si = g[6] & addrMask
            let di = g[7] & addrMask
            var compared = false
            var flags: UInt64 = 0
            switch op {
            case .movs:
                let v = try read((si &+ sourceBase), size)
                try write(di, size, v)
            case .stos:
                try write(di, size, g[0])
            case .lods:
                let v = try read((si &+ sourceBase), size)
                writeRegister(Operand(kind: Self.registerKind(size), reg: 0), v)
            case .cmps:
                let a = try read((si &+ sourceBase), size)
                let b = try read(di, size)
                let r = (a &- b) & Width.mask(size)
                flags = Flags.sub(a, b, r, borrow: false, size)
                compared = true
            default:  // scas
                let a = g[0] & Width.mask(size)
                let b = try read(di, size)
                let r = (a &- b) & Width.mask(size)
                flags = Flags.sub(a, b, r, borrow: false, size)
                compared = true
            }
            let delta = down ? 0 &- step : step
            if op == .movs || op == .lods || op == .cmps { setAddressRegister(6, (si &+ delta), a32) }
            if op != .lods { setAddressRegister(7, (di &+ delta), a32) }
            if compared { setStatusFlags(flags) }
            iterations &+= 1
            if !repeated { break }
            let count = (g[1] &- 1) & addrMask
            setAddressRegister(1, count, a32)
            if count == 0 { break }
            if compared {
                let zf = flags & RFLAGS.zf != 0
                if p.pointee.repeatPrefix == .rep && !zf { break }
                if p.pointee.repeatPrefix == .repne && zf { break }
            }
            if codeWasModified || fuelUsed &+ iterations >= fuelLimit {
                // Interrupted between iterations: RIP stays on the instruction, which has not retired.
                fuelUsed &+= iterations
                stringInterrupted = true
                rip = p.pointee.address
                return
            }
        }
        fuelUsed &+= iterations &- 1
        rip = p.pointee.nextAddress
    }

    @inline(__always)
    private func setAddressRegister(_ r: Int, _ value: UInt64, _ a32: Bool) {
        g[r] = a32 ? value & 0xFFFF_FFFF : value
    }
}
