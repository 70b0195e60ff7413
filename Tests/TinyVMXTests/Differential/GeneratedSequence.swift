/// One step of a generated sequence: a few lines of AT&T assembly that belong together (a memory operand's
/// index masking, a divisor guard, a whole loop or call) and what the step does to the status flags.
///
/// The flag summary is relative to the flags on entry: `requires` must all be defined when the step starts,
/// afterwards `defines` are defined and `undefines` undefined (the two are disjoint), the rest keep their state.
/// That makes any subsequence of steps checkable, which is what the minimizer relies on.
struct SequenceUnit: Sendable, Equatable {
    var family: String
    var lines: [String]
    var requires: FlagSet
    var defines: FlagSet
    var undefines: FlagSet
}

/// Registers, flags and data a sequence starts from.
struct InitialState: Sendable, Equatable {
    /// RAX RCX RDX RBX RSP RBP RSI RDI R8..R15, hardware order.
    var gpr: [UInt64]
    /// Only CF PF AF ZF SF DF OF are used.
    var rflags: UInt64
    /// The data region's initial bytes are `DataImage.make(seed: dataSeed)`.
    var dataSeed: UInt64
}

/// A generated instruction sequence with its starting state.
struct GeneratedSequence: Sendable, Equatable {
    /// The seed the sequence was generated from (reproduces it with the same generator options).
    var seed: UInt64
    var units: [SequenceUnit]
    var initial: InitialState
    /// Whether the last unit may fault on purpose (the divide-error tests); its flags are then compared as they
    /// were before it.
    var mayFaultAtEnd = false

    var source: String { units.flatMap(\.lines).joined(separator: "\n") }

    /// The status flags defined after the first `count` units (all of them by default), or `nil` if some unit
    /// reads a flag that is undefined when it starts.
    func definedFlags(afterUnits count: Int? = nil) -> FlagSet? {
        var defined = FlagSet.status
        for unit in units.prefix(count ?? units.count) {
            guard defined.isSuperset(of: unit.requires) else { return nil }
            defined = defined.union(unit.defines).subtracting(unit.undefines)
        }
        return defined
    }
}

/// The general-purpose registers by name and size, in hardware order.
enum GPRNames {
    static let r64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
                      "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]
    static let r32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
                      "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"]
    static let r16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
                      "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w"]
    static let r8 = ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil",
                     "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b"]
    static let high8 = ["ah", "ch", "dh", "bh"]

    static func name(_ number: Int, size: Int) -> String {
        switch size {
        case 1: return r8[number]
        case 2: return r16[number]
        case 4: return r32[number]
        default: return r64[number]
        }
    }
}

/// A register operand: number 0…15 and size in bytes; `high` selects AH CH DH BH (numbers 0…3, size 1).
struct RegisterOperand: Sendable, Equatable {
    var number: Int
    var size: Int
    var high = false

    var text: String { "%" + (high ? GPRNames.high8[number] : GPRNames.name(number, size: size)) }
    /// Whether an instruction using it needs a REX prefix (so it cannot be combined with AH…BH).
    var needsREX: Bool { number >= 8 || (size == 1 && !high && number >= 4) }
    /// Whether it can appear in an instruction that also uses AH…BH.
    var isLegacy: Bool { !needsREX }
    func resized(_ size: Int) -> RegisterOperand { RegisterOperand(number: number, size: size) }
}

/// The initial contents of the data region, derived from a seed: random bytes with runs of zeros and of
/// small values so that bit scans, compares and string scans meet both.
enum DataImage {
    static func make(seed: UInt64, size: Int) -> [UInt8] {
        var rng = SplitMix64(seed: seed ^ 0xDA7A_DA7A_DA7A_DA7A)
        var bytes = [UInt8](repeating: 0, count: size)
        var i = 0
        while i < size {
            let run = min(size - i, 8 * rng.range(1...32))
            let kind = rng.below(8)
            for j in stride(from: i, to: i + run, by: 8) {
                let v: UInt64
                switch kind {
                case 0: v = 0
                case 1: v = rng.next() & 0x0101_0101_0101_0101
                default: v = rng.next()
                }
                for k in 0..<8 where j + k < size { bytes[j + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
            }
            i += run
        }
        return bytes
    }
}
