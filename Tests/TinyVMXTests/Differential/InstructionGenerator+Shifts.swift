/// SHL SHR SAR ROL ROR RCL RCR SHLD SHRD, BT BTS BTR BTC, BSF BSR, TZCNT LZCNT POPCNT.
extension InstructionGenerator {
    /// A shift count: mostly the boundary values, sometimes anything up to 255 (the CPU masks it).
    func shiftCount(size: Int) -> Int {
        let bits = size * 8
        switch rng.below(9) {
        case 0: return 1
        case 1: return 0
        case 2: return bits - 1
        case 3: return bits
        case 4: return bits + 1
        case 5: return rng.pick([7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255])
        default: return rng.coin() ? rng.below(bits) : rng.below(256)
        }
    }

    /// Emits the count setup (for a CL count) and returns the count operand text (`nil` for the implicit 1 of
    /// the D0/D1 forms) and the count's value.
    func countOperand(size: Int, allowImplicitOne: Bool = true) -> (text: String?, count: Int)? {
        switch rng.below(allowImplicitOne ? 4 : 3) {
        case 0, 1:
            let n = shiftCount(size: size)
            return ("$\(n)", n)
        case 2:
            guard isWritable(1) else { return nil }
            let n = shiftCount(size: size)
            emit(rng.coin() ? "movb $\(n), %cl" : "mov $\(n), %ecx")
            return ("%cl", n)
        default:
            return (rng.coin() ? nil : "$1", 1)
        }
    }

    private func maskedCount(_ n: Int, size: Int) -> Int { n & (size == 8 ? 63 : 31) }

    func genShift() -> Bool {
        let op = rng.pick(["shl", "shr", "sar", "sal"])
        let size = pickSize()
        guard let (countText, n) = countOperand(size: size) else { return false }
        guard let dst = rm(size: size, access: .readWrite, avoid: countText == "%cl" ? [1] : []) else { return false }
        emit("\(op)\(suffix(size)) \(countText.map { $0 + ", " } ?? "")\(dst.text)")
        let masked = maskedCount(n, size: size)
        if masked != 0 {
            define([.sf, .zf, .pf])
            undefine(.af)
            if op != "sar" && masked >= size * 8 { undefine(.cf) } else { define(.cf) }
            if masked == 1 { define(.of) } else { undefine(.of) }
        }
        return true
    }

    func genRotate(throughCarry: Bool) -> Bool {
        let op = throughCarry ? rng.pick(["rcl", "rcr"]) : rng.pick(["rol", "ror"])
        let size = pickSize()
        guard let (countText, n) = countOperand(size: size) else { return false }
        guard let dst = rm(size: size, access: .readWrite, avoid: countText == "%cl" ? [1] : []) else { return false }
        if throughCarry {
            ensureDefined(.cf)
            use(.cf)
        }
        emit("\(op)\(suffix(size)) \(countText.map { $0 + ", " } ?? "")\(dst.text)")
        let masked = maskedCount(n, size: size)
        if masked != 0 {
            define(.cf)
            if masked == 1 { define(.of) } else { undefine(.of) }
        }
        return true
    }

    func genDoubleShift() -> Bool {
        let op = rng.pick(["shld", "shrd"])
        let size = pickSize([2, 4, 8])
        guard var (countText, n) = countOperand(size: size, allowImplicitOne: false) else { return false }
        if size == 2 && maskedCount(n, size: size) > 16 {
            // A 16-bit count above 16 gives an undefined result: use an immediate at most 16 instead.
            n = rng.range(0...16)
            countText = "$\(n)"
        }
        guard let src = pickRegister(size: size, writable: false),
            let dst = rm(size: size, access: .readWrite, avoid: countText == "%cl" ? [1] : [])
        else { return false }
        emit("\(op)\(suffix(size)) \(countText!), \(src.text), \(dst.text)")
        let masked = maskedCount(n, size: size)
        if masked != 0 {
            define([.sf, .zf, .pf, .cf])
            undefine(.af)
            if masked == 1 { define(.of) } else { undefine(.of) }
        }
        return true
    }

    func genBitTest() -> Bool {
        let op = rng.pick(["bt", "bts", "btr", "btc"])
        let size = pickSize([2, 4, 8])
        let sfx = suffix(size)
        let access: Access = op == "bt" ? .read : .readWrite
        switch rng.below(3) {
        case 0:  // immediate offset (taken modulo the operand width)
            guard let dst = rm(size: size, access: access) else { return false }
            let n = rng.coin() ? shiftCount(size: size) : rng.below(size * 8)
            let lock = dst.isMemory && op != "bt" && rng.percent(30) ? "lock " : ""
            emit("\(lock)\(op)\(sfx) $\(n), \(dst.text)", label: dst.label)
        case 1:  // register offset, register operand (offset modulo the width)
            guard let dst = pickRegister(size: size, writable: op != "bt"),
                let offset = pickRegister(size: size, writable: false)
            else { return false }
            emit("\(op) \(offset.text), \(dst.text)")
        default:  // register offset into memory: a signed bit offset −128…127 that may leave the operand
            let m = memory(size: size, access: .readWrite)
            guard let offset = pickRegister(size: 8, writable: true, avoid: m.registers) else { return false }
            emit(size == 8 ? "movsbq %\(GPRNames.r8[offset.number]), \(offset.text)"
                : "movsbl %\(GPRNames.r8[offset.number]), %\(GPRNames.r32[offset.number])")
            let lock = op != "bt" && rng.percent(30) ? "lock " : ""
            emit("\(lock)\(op) \(offset.resized(size).text), \(m.text)")
        }
        define(.cf)
        undefine([.of, .sf, .af, .pf])
        return true
    }

    func genBitScan() -> Bool {
        let op = rng.pick(["bsf", "bsr"])
        let size = pickSize([2, 4, 8])
        let sfx = suffix(size)
        guard let dst = pickRegister(size: size, writable: true) else { return false }
        let mayBeZero = options.zeroSourceBitScan && rng.percent(30)
        guard let src = rm(size: size, access: mayBeZero ? .read : .readWrite) else { return false }
        if !mayBeZero {
            // Force a set bit into the source unless it cannot be zero (RSP and R15 point into the data region).
            var writable = true
            if case .register(let r) = src { writable = isWritable(r.number) }
            if writable {
                emit("or\(sfx) $0x\(String(UInt64(1) << UInt64(rng.below(size == 2 ? 16 : 31)), radix: 16)), \(src.text)")
                define(FlagSet.status.subtracting(.af))
                undefine(.af)
            }
        }
        emit("\(op) \(src.text), \(dst.text)", label: src.label)
        define(.zf)
        undefine([.cf, .of, .sf, .af, .pf])
        return true
    }

    func genBitCount() -> Bool {
        let op = rng.pick(["tzcnt", "lzcnt", "popcnt"])
        let size = pickSize([2, 4, 8])
        guard let dst = pickRegister(size: size, writable: true), let src = rm(size: size, access: .read) else {
            return false
        }
        emit("\(op) \(src.text), \(dst.text)", label: src.label)
        if op == "popcnt" {
            define(.status)
        } else {
            define([.cf, .zf])
            undefine([.of, .sf, .af, .pf])
        }
        return true
    }
}
