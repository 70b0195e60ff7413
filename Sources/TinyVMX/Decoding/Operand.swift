/// One operand of a decoded instruction, in a fixed-size plain-data form the interpreter reads without allocation.
///
/// Register operands name a GPR by hardware number (RAX 0 … R15 15) and which part of it is accessed; memory
/// operands hold base, index, scale, displacement and segment; immediates hold the value already sign-extended
/// to 64 bits and masked to the operand size where the instruction defines that.
struct Operand: Sendable, Equatable {
    enum Kind: UInt8, Sendable {
        case none
        /// Low byte (AL, CL, …, SPL, R8B …).
        case reg8
        /// Legacy high byte: AH CH DH BH (`reg` is 0…3, the register whose bits 8–15 are meant).
        case reg8High
        case reg16
        case reg32
        case reg64
        case immediate
        case memory
    }

    /// The segment override of a memory operand; only FS and GS have a non-zero base in 64-bit mode.
    enum Segment: UInt8, Sendable {
        case none, fs, gs
    }

    static let noRegister: UInt8 = 0xFF

    var kind: Kind = .none
    /// GPR number for register operands; base register for memory operands (`noRegister` if none).
    var reg: UInt8 = Operand.noRegister
    /// Index register of a memory operand (`noRegister` if none).
    var index: UInt8 = Operand.noRegister
    /// Scale of the index register: 1, 2, 4 or 8.
    var scale: UInt8 = 1
    var segment: Segment = .none
    /// Operand size in bytes (1, 2, 4 or 8).
    var size: UInt8 = 0
    /// The 0x67 prefix: the effective address is truncated to 32 bits.
    var isAddress32: Bool = false
    /// A memory operand addressed through SS (base RSP or RBP, no FS/GS override): a non-canonical address
    /// raises #SS(0) instead of #GP(0).
    var usesStackSegment: Bool = false
    /// Immediate value, or memory displacement (for RIP-relative operands: the absolute address).
    var value: Int64 = 0

    static let none = Operand()

    init() {}

    init(kind: Kind, reg: UInt8, size: UInt8 = 0) {
        self.kind = kind
        self.reg = reg
        self.size = size
    }
}
