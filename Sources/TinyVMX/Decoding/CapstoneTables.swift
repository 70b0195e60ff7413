import CCapstone

/// Capstone's numeric register and instruction ids mapped to the project's own enums, built once by name.
///
/// Capstone's ids are only meaningful inside one library build, so they are never stored: at start-up every
/// id is looked up by its name (`cs_reg_name`, `cs_insn_name`) and mapped to a GPR part or an `Opcode` here.
final class CapstoneTables: @unchecked Sendable {
    /// How a Capstone register id maps to a GPR part.
    struct RegisterPart {
        var kind: Operand.Kind
        var number: UInt8
    }

    /// Per Capstone register id: the GPR part, or `nil` for RIP, segment, control and vector registers.
    let registers: [RegisterPart?]
    /// Capstone register id of RIP.
    let ripRegister: UInt32
    let fsRegister: UInt32
    let gsRegister: UInt32
    /// Per Capstone instruction id: the mnemonic (lowercase), for the name-based opcode mapping.
    let instructionNames: [String]

    // Immutable after construction; built once under the lock below.
    nonisolated(unsafe) private static var cached: CapstoneTables?
    private static let lock = Lock()

    static func shared(for handle: csh) -> CapstoneTables {
        lock.withLock {
            if let cached { return cached }
            warmUp(handle)
            let tables = CapstoneTables(handle: handle)
            cached = tables
            return tables
        }
    }

    /// Capstone 4.0.2 sorts a static register-access table (`X86_insn_reg_intel`) on first use without a lock;
    /// machines decoding their first instruction on several threads at once can corrupt it for the rest of the
    /// process, after which accumulator-immediate forms (`or eax, 0x8000`) lose an operand. One decode of
    /// such a form while holding the lock, before any machine can decode, does the sort safely. Found by the
    /// differential suite; replayed by `RegressionTests`.
    private static func warmUp(_ handle: csh) {
        var bytes: [UInt8] = [0x0D, 0x00, 0x80, 0x00, 0x00]  // or eax, 0x8000
        var insn: UnsafeMutablePointer<cs_insn>?
        let count = cs_disasm(handle, &bytes, bytes.count, 0, 1, &insn)
        if count > 0 { cs_free(insn, count) }
    }

    private init(handle: csh) {
        let gprNames64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"]
        var byName: [String: RegisterPart] = [:]
        for (i, name) in gprNames64.enumerated() {
            let n = UInt8(i)
            byName[name] = RegisterPart(kind: .reg64, number: n)
            let stem = String(name.dropFirst())  // "ax", "cx", ..., "sp", "bp", "si", "di"
            byName["e" + stem] = RegisterPart(kind: .reg32, number: n)
            byName[stem] = RegisterPart(kind: .reg16, number: n)
        }
        for (i, name) in ["al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"].enumerated() {
            byName[name] = RegisterPart(kind: .reg8, number: UInt8(i))
        }
        for (i, name) in ["ah", "ch", "dh", "bh"].enumerated() {
            byName[name] = RegisterPart(kind: .reg8High, number: UInt8(i))
        }
        for n in 8..<16 {
            byName["r\(n)"] = RegisterPart(kind: .reg64, number: UInt8(n))
            byName["r\(n)d"] = RegisterPart(kind: .reg32, number: UInt8(n))
            byName["r\(n)w"] = RegisterPart(kind: .reg16, number: UInt8(n))
            byName["r\(n)b"] = RegisterPart(kind: .reg8, number: UInt8(n))
        }
        var registers: [RegisterPart?] = []
        var rip: UInt32 = 0, fs: UInt32 = 0, gs: UInt32 = 0
        let regCount = Int(X86_REG_ENDING.rawValue)
        for id in 0..<regCount {
            let name = cs_reg_name(handle, UInt32(id)).map { String(cString: $0) } ?? ""
            registers.append(byName[name])
            if name == "rip" { rip = UInt32(id) }
            if name == "fs" { fs = UInt32(id) }
            if name == "gs" { gs = UInt32(id) }
        }
        self.registers = registers
        self.ripRegister = rip
        self.fsRegister = fs
        self.gsRegister = gs
        var names: [String] = []
        for id in 0..<Int(X86_INS_ENDING.rawValue) {
            names.append(cs_insn_name(handle, UInt32(id)).map { String(cString: $0) } ?? "")
        }
        self.instructionNames = names
    }
}
