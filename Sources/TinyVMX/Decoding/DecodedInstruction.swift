/// An instruction decoded once by Capstone and kept in plain-data form for the interpreter's hot loop.
///
/// Nothing here points into Capstone's memory: the decoder copies what execution needs (operation, operands,
/// sizes, prefixes, branch target) and the raw bytes for traces and error messages.
struct DecodedInstruction: Sendable {
    /// Repeat prefix of a string instruction.
    enum RepeatPrefix: UInt8, Sendable {
        case none, rep, repne
    }

    var opcode: Opcode = .unsupported
    /// How the interpreter's inner loop runs it (set after decoding by `Specializer`).
    var form: FastForm = .generic
    /// Condition code (0 O … 15 G, the low nibble of the opcode) for `jcc`, `setcc`, `cmovcc`.
    var condition: UInt8 = 0
    /// Operation size in bytes (the destination's size for most instructions).
    var size: UInt8 = 8
    /// Instruction length in bytes.
    var length: UInt8 = 0
    var repeatPrefix: RepeatPrefix = .none
    var hasLockPrefix: Bool = false
    /// Address-size override (0x67): string instructions and `jrcxz`/`loop` use ECX/ESI/EDI.
    var isAddress32: Bool = false
    var operandCount: UInt8 = 0
    /// Set at decode time: the instruction sets RIP itself (branches, string instructions).
    var setsRIP: Bool = false
    /// Set at decode time: the run loop must bring its counters up to date first (`readsInstructionCount`).
    var needsExactCount: Bool = false
    /// For a conditional branch inside a block: the block goes on at its target (a backward branch, as in
    /// a loop) rather than after it (a forward one). Going the other way leaves the block there.
    var continuesIfTaken: Bool = false
    /// Linear address of the first byte.
    var address: UInt64 = 0
    /// Absolute target of a direct branch (`jmp`, `jcc`, `call`, `loop`, `jrcxz`).
    var target: UInt64 = 0
    var operand0: Operand = .none
    var operand1: Operand = .none
    var operand2: Operand = .none

    /// Address of the next instruction.
    var nextAddress: UInt64 { address &+ UInt64(length) }
}
