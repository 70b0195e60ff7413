/// A small x86-64 assembler for the forms the JIT emits: ModRM/SIB encoding with REX and operand-size
/// prefixes, VEX for BMI2's SHRX, and rel8/rel32 branches with fix-ups.
///
/// Code is assembled for a known final address (`origin`), so rel32 branches to code outside the buffer
/// (the shared epilogue, other blocks) are encoded directly.
struct X86Emitter {
    /// Host register numbers in hardware encoding order.
    enum Reg {
        static let rax: UInt8 = 0, rcx: UInt8 = 1, rdx: UInt8 = 2, rbx: UInt8 = 3
        static let rsp: UInt8 = 4, rbp: UInt8 = 5, rsi: UInt8 = 6, rdi: UInt8 = 7
        static let r12: UInt8 = 12, r13: UInt8 = 13, r14: UInt8 = 14, r15: UInt8 = 15
    }

    /// The r/m side of an instruction: a register or `[base + index * scale + disp]`.
    enum RM {
        case reg(UInt8)
        case mem(base: UInt8, index: UInt8?, scale: UInt8, disp: Int32)
    }

    /// A position in the buffer a rel32 field can be bound to later.
    struct Label {
        var offset: Int?
        var fixups: [Int] = []
    }

    /// Where the first byte will live in executable memory.
    let origin: UInt64
    private(set) var bytes: [UInt8] = []

    init(origin: UInt64) {
        self.origin = origin
        bytes.reserveCapacity(1024)
    }

    var count: Int { bytes.count }
    var address: UInt64 { origin &+ UInt64(bytes.count) }

    mutating func byte(_ b: UInt8) { bytes.append(b) }
    /// Appends code assembled separately for the address it lands at (`address` now).
    mutating func append(_ code: [UInt8]) { bytes.append(contentsOf: code) }
    mutating func int16(_ v: UInt16) { bytes.append(UInt8(v & 0xFF)); bytes.append(UInt8(v >> 8)) }
    mutating func int32(_ v: UInt32) { for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
    mutating func int64(_ v: UInt64) { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) } }

    /// Emits `[prefix] [REX] opcode ModRM [SIB] [disp]` for an operation of `size` bytes (1, 2, 4, 8) whose
    /// ModRM reg field is `reg` (a register or an opcode extension) and r/m side `rm`.
    /// - Parameter byteRegisters: the operation names byte registers, so REX is forced (SPL…DIL, not AH…BH).
    mutating func op(_ opcode: [UInt8], size: UInt8, reg: UInt8, rm: RM, byteRegisters: Bool = false) {
        if size == 2 { byte(0x66) }
        var rex: UInt8 = size == 8 ? 0x48 : 0x40
        if reg & 8 != 0 { rex |= 4 }
        switch rm {
        case .reg(let r):
            if r & 8 != 0 { rex |= 1 }
        case .mem(let base, let index, _, _):
            if base & 8 != 0 { rex |= 1 }
            if let index, index & 8 != 0 { rex |= 2 }
        }
        if rex != 0x40 || byteRegisters { byte(rex) }
        bytes.append(contentsOf: opcode)
        modrm(reg: reg, rm: rm)
    }

    private mutating func modrm(reg: UInt8, rm: RM) {
        let r = (reg & 7) << 3
        switch rm {
        case .reg(let x):
            byte(0xC0 | r | (x & 7))
        case .mem(let base, let index, let scale, let disp):
            let mod: UInt8
            if disp == 0 && base & 7 != 5 {
                mod = 0x00
            } else if disp >= -128 && disp <= 127 {
                mod = 0x40
            } else {
                mod = 0x80
            }
            if index != nil || base & 7 == 4 {
                byte(mod | r | 4)
                let ss: UInt8 = scale == 8 ? 3 : scale == 4 ? 2 : scale == 2 ? 1 : 0
                let idx = index.map { $0 & 7 } ?? 4
                byte(ss << 6 | idx << 3 | (base & 7))
            } else {
                byte(mod | r | (base & 7))
            }
            if mod == 0x40 {
                byte(UInt8(bitPattern: Int8(disp)))
            } else if mod == 0x80 {
                int32(UInt32(bitPattern: disp))
            }
        }
    }

    // MARK: Flag-free helpers (everything the JIT adds around guest instructions leaves RFLAGS alone)

    /// `mov r64, [r15 + disp]`.
    mutating func load(_ r: UInt8, context disp: Int) {
        op([0x8B], size: 8, reg: r, rm: .mem(base: Reg.r15, index: nil, scale: 1, disp: Int32(disp)))
    }

    /// `mov [r15 + disp], r64`.
    mutating func store(_ r: UInt8, context disp: Int) {
        op([0x89], size: 8, reg: r, rm: .mem(base: Reg.r15, index: nil, scale: 1, disp: Int32(disp)))
    }

    /// `mov r64, r64`.
    mutating func move(_ dst: UInt8, _ src: UInt8) {
        op([0x8B], size: 8, reg: dst, rm: .reg(src))
    }

    /// `lea r64, [base + index * scale + disp]`.
    mutating func lea(_ dst: UInt8, base: UInt8, index: UInt8? = nil, scale: UInt8 = 1, disp: Int32 = 0) {
        op([0x8D], size: 8, reg: dst, rm: .mem(base: base, index: index, scale: scale, disp: disp))
    }

    /// `mov r64, imm` with the shortest flag-free encoding.
    mutating func moveImmediate(_ r: UInt8, _ value: UInt64) {
        if value <= 0xFFFF_FFFF {
            if r & 8 != 0 { byte(0x41) }
            byte(0xB8 | (r & 7))
            int32(UInt32(value))
        } else if Int64(bitPattern: value) >= Int64(Int32.min) && Int64(bitPattern: value) < 0 {
            op([0xC7], size: 8, reg: 0, rm: .reg(r))
            int32(UInt32(truncatingIfNeeded: value))
        } else {
            byte(0x48 | (r & 8 != 0 ? 1 : 0))
            byte(0xB8 | (r & 7))
            int64(value)
        }
    }

    /// `mov qword [r15 + disp], imm32` (sign-extended; callers store small non-negative values).
    mutating func storeImmediate(_ value: UInt32, context disp: Int) {
        op([0xC7], size: 8, reg: 0, rm: .mem(base: Reg.r15, index: nil, scale: 1, disp: Int32(disp)))
        int32(value)
    }

    /// `shrx dst, src, count` (BMI2; flags untouched).
    mutating func shrx(_ dst: UInt8, _ src: UInt8, count: UInt8) {
        byte(0xC4)
        let rBar: UInt8 = dst & 8 != 0 ? 0 : 0x80
        let bBar: UInt8 = src & 8 != 0 ? 0 : 0x20
        byte(rBar | 0x40 | bBar | 0x02)  // X̄ = 1, map 0F38
        byte(0x80 | ((~count & 0xF) << 3) | 0x03)  // W1, vvvv = count, L0, pp = F2
        byte(0xF7)
        byte(0xC0 | (dst & 7) << 3 | (src & 7))
    }

    /// `movzx r32, r8` (low byte of `src`).
    mutating func movzxByte(_ dst: UInt8, _ src: UInt8) {
        op([0x0F, 0xB6], size: 4, reg: dst, rm: .reg(src), byteRegisters: true)
    }

    /// `not r64`.
    mutating func not(_ r: UInt8) { op([0xF7], size: 8, reg: 2, rm: .reg(r)) }

    /// `jrcxz` over the next `distance` bytes.
    mutating func jrcxz(skipping distance: Int) {
        precondition(distance <= 127)
        byte(0xE3)
        byte(UInt8(distance))
    }

    /// `jmp rel32` to an absolute address.
    mutating func jump(to target: UInt64) {
        byte(0xE9)
        int32(UInt32(truncatingIfNeeded: Int64(bitPattern: target &- (address &+ 4))))
    }

    /// `jmp rel32` to a label (bound now or later).
    mutating func jump(to label: inout Label) {
        byte(0xE9)
        reference(&label)
    }

    /// `jcc rel32` (condition 0 O … 15 G) to a label.
    mutating func jump(if condition: UInt8, to label: inout Label) {
        byte(0x0F)
        byte(0x80 | condition)
        reference(&label)
    }

    /// `jmp r64`.
    mutating func jumpIndirect(_ r: UInt8) { op([0xFF], size: 4, reg: 4, rm: .reg(r)) }

    private mutating func reference(_ label: inout Label) {
        if let target = label.offset {
            int32(UInt32(truncatingIfNeeded: target - (bytes.count + 4)))
        } else {
            label.fixups.append(bytes.count)
            int32(0)
        }
    }

    /// Binds `label` here and patches the branches already aimed at it.
    mutating func bind(_ label: inout Label) {
        label.offset = bytes.count
        for f in label.fixups {
            let rel = UInt32(truncatingIfNeeded: bytes.count - (f + 4))
            for i in 0..<4 { bytes[f + i] = UInt8(truncatingIfNeeded: rel >> (8 * UInt32(i))) }
        }
        label.fixups = []
    }

    /// Rewrites the rel32 field at `offset` so its branch goes to `target`.
    static func rel32(at fieldAddress: UInt64, to target: UInt64) -> [UInt8] {
        let rel = UInt32(truncatingIfNeeded: Int64(bitPattern: target &- (fieldAddress &+ 4)))
        return (0..<4).map { UInt8(truncatingIfNeeded: rel >> (8 * UInt32($0))) }
    }
}
