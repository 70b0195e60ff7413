/// Where generated code and data live. The code is placed at the oracle's fixed code address by both sides; the
/// data region is the oracle's (only the first `dataSize` bytes are used and compared).
enum FuzzLayout {
    static let codeAddress: UInt64 = 0x6000_0000
    static let dataAddress: UInt64 = 0x6100_0000
    /// Bytes of the data region that are initialized, may be touched, and are compared.
    static let dataSize = 0x8000
    /// R15 = data + this + a random 0…0x3FF: memory operands reach R15 ± 0x800 plus an index of at most 0x7F8.
    static let r15Offset: UInt64 = 0x1800
    /// RSP = data + this − 8 × 0…3; pushes and pops stay within ±0x800 of it.
    static let rspOffset: UInt64 = 0x6000
    /// The most bytes a sequence may have pushed (or popped beyond its initial RSP).
    static let stackSlack = 0x600
}

/// Generates random instruction sequences in AT&T syntax over TinyVMX's unprivileged integer subset, each with a
/// random starting state, such that running them natively and in the interpreter must give identical results.
///
/// Conventions every sequence keeps: R15 holds a pointer into the data region and is never written; RSP points
/// into the data region and only push/pop/call/ret/pushf/popf/enter/leave move it (RSP-relative stores are not
/// generated inside a CALL body or ENTER frame, so return addresses and saved RBPs survive); every memory operand
/// is built from R15, from RSP, or from a register loaded with `lea disp(%r15)` just before, with any index
/// register masked to 0…255 just before, so all accesses stay inside the data region; string instructions get
/// RSI/RDI/RCX set up right before them; divisions are guarded against #DE. Each unit carries its own setup, so
/// dropping units (the minimizer) keeps these guarantees.
///
/// The status flags the SDM leaves undefined are tracked instruction by instruction: nothing is emitted that reads
/// an undefined flag (a defining `cmp` is inserted first, or the flags are masked as with `pushf; and`), and the
/// flags still undefined at the end are left out of the comparison.
final class InstructionGenerator {
    enum Family: String, CaseIterable, Sendable {
        case mov, extend, lea, xchg, xadd, cmpxchg, bswap, cmov, setcc, pushPop
        case alu, incDec, negNot, mul, imul, div
        case shift, rotate, rotateCarry, doubleShift, bitTest, bitScan, bitCount
        case branch, indirectBranch, call, loop, jrcxz, frame
        case nop, convert, flagOps, pushfPopf, string, fence
        case flagChain, encoding

        var weight: Int {
            switch self {
            case .alu: return 14
            case .flagChain: return 6
            case .encoding: return 3
            case .mov, .shift: return 8
            case .extend, .lea, .incDec, .negNot, .imul, .rotate, .bitTest, .cmov, .setcc: return 5
            case .div, .mul, .rotateCarry, .doubleShift, .bitScan, .bitCount, .pushPop, .string, .branch: return 4
            case .xchg, .xadd, .cmpxchg, .flagOps, .pushfPopf, .call, .loop, .convert: return 3
            case .bswap, .indirectBranch, .jrcxz, .nop, .fence, .frame: return 2
            }
        }

        /// Whether it may appear inside a branch, loop or call body: no control flow and no stack traffic.
        var isNestable: Bool {
            switch self {
            case .branch, .indirectBranch, .call, .loop, .jrcxz, .frame, .pushPop, .pushfPopf: return false
            default: return true
            }
        }
    }

    struct Options: Sendable {
        /// Top-level units per sequence (a unit is one instruction with its setup, or one loop/branch/call).
        var unitCount: ClosedRange<Int> = 8...16
        var families: [Family] = Family.allCases
        /// Let BSF/BSR see a zero source (destination left unchanged: documented by AMD, undefined for Intel).
        var zeroSourceBitScan = false

        init(unitCount: ClosedRange<Int> = 8...16, families: [Family] = Family.allCases, zeroSourceBitScan: Bool = false) {
            self.unitCount = unitCount
            self.families = families
            self.zeroSourceBitScan = zeroSourceBitScan
        }
    }

    let options: Options
    var rng = SplitMix64(seed: 0)
    /// Lines of the unit being built.
    var lines: [String] = []
    /// Status flags defined at the current point.
    var defined = FlagSet.status
    /// The current unit's summary so far (see `SequenceUnit`).
    var unitRequires = FlagSet()
    var unitDefines = FlagSet()
    var unitUndefines = FlagSet()
    /// Registers that may not be written: RSP and R15 always, RCX inside a LOOP body.
    var reserved: Set<Int> = [4, 15]
    /// Bytes pushed since the start (negative: popped beyond the initial RSP).
    var stackDepth = 0
    var nextLabel = 10
    var nesting = 0
    /// Inside a CALL body: RSP-relative stores could overwrite the return address.
    var callDepth = 0
    /// R15's value (it never changes), for operands placed just before a page boundary.
    var r15Value: UInt64 = 0

    init(options: Options = Options()) { self.options = options }

    // MARK: Sequences

    func generate(seed: UInt64) -> GeneratedSequence {
        rng = SplitMix64(seed: seed)
        let initial = makeInitialState()
        var units: [SequenceUnit] = []
        for _ in 0..<rng.range(options.unitCount) { units.append(nextUnit()) }
        return GeneratedSequence(seed: seed, units: units, initial: initial)
    }

    /// A short random prefix, a setup unit, then one instruction meant to fault: an unguarded DIV/IDIV (#DE when the
    /// divisor is zero or the quotient overflows, often arranged, not always), UD2 and LOCK on a register form or a
    /// non-lockable instruction (#UD), INT3 (#BP, a trap), a non-canonical address (#GP, or #SS when based on RSP or
    /// RBP), a stack operation with a non-canonical RSP (#SS), a branch to a non-canonical target (#GP).
    func generateFault(seed: UInt64) -> GeneratedSequence {
        rng = SplitMix64(seed: seed)
        let initial = makeInitialState()
        var units: [SequenceUnit] = []
        for _ in 0..<rng.range(0...4) { units.append(nextUnit()) }
        beginUnit()
        // Top 16 bits neither all zeros nor all ones, bit 47 clear: stays non-canonical after adding any operand.
        let top: UInt64 = rng.pick([0x8000, 0x4000, 0x1234, 0x7FFF, 0xF000, 0x0F00, 0xFFFE])
        let nonCanonical = "0x" + String(top << 48 | (rng.next() & 0x7FFF_FFFF_FFFF), radix: 16)
        var final: [String]
        switch rng.below(10) {
        case 0, 1, 2:
            let (size, signed, divisor) = genDivideErrorSetup()
            final = ["\(signed ? "idiv" : "div")\(suffix(size)) \(divisor.text)"]
        case 3:
            if rng.coin() {
                final = ["ud2"]
            } else {
                // More than 15 bytes: #GP(0). (Exactly 15 is fine: see the `encoding` family.)
                let prefixes = Array(repeating: "0x66", count: rng.range(14...15)).joined(separator: ", ")
                final = [".byte \(prefixes), 0x01, 0xd8"]
            }
        case 4:
            final = ["int3"]
        case 5:
            let forms = ["add %eax, %ebx", "adc %rcx, %rdx", "sub $5, %esi", "xor %al, %bl", "incl %edi", "negq %r8",
                         "notw %r9w", "xchg %eax, %ecx", "btsl $3, %edx", "cmpxchg %ecx, %edx", "xadd %rax, %rbx",
                         "mov %eax, 16(%r15)", "cmp %eax, 16(%r15)", "test %eax, 16(%r15)", "movl $1, 16(%r15)",
                         "btl $3, 16(%r15)", "lea 16(%r15), %rax"]
            final = [".byte 0xf0", rng.pick(forms)]
        case 6, 7:
            let base = rng.pick([0, 1, 2, 3, 5, 5, 6, 7, 8, 13, 14, 4])
            emit("movabsq $\(nonCanonical), %\(GPRNames.r64[base])")
            let b = "%" + GPRNames.r64[base]
            final = [rng.pick([
                "mov (\(b)), %eax", "mov %ebx, 8(\(b))", "addq $1, -8(\(b))", "incb (\(b))", "movzwl 2(\(b)), %ecx",
                "push (\(b))", "cmpl $5, (\(b),%r15,1)", "xchg %rcx, (\(b))", "btsq $70, (\(b))", "pop (\(b))",
            ])]
            if final[0].hasPrefix("pop") || final[0].hasPrefix("push") {
                if base == 4 { final = ["mov (\(b)), %eax"] }
            }
        case 8:
            emit("movabsq $\(nonCanonical), %rsp")
            final = [rng.pick(["push %rax", "pop %rbx", "pushfq", "popfq", "call 1f", "ret", "pushw $3", "push 8(%r15)"])]
            if final[0] == "call 1f" { final.append("1:") }
        default:
            guard let r = pickRegister(size: 8, writable: true) else { return generateFault(seed: seed &+ 1) }
            emit("movabsq $\(nonCanonical), \(r.text)")
            emit("mov \(r.text), 24(%r15)")
            final = [rng.pick(["jmp *\(r.text)", "call *\(r.text)", "jmp *24(%r15)", "call *24(%r15)", "push \(r.text)\n    ret"])]
        }
        units.append(endUnit("faultSetup"))
        beginUnit()
        for line in final { emit(line) }
        undefine(.status)
        units.append(endUnit("fault"))
        return GeneratedSequence(seed: seed, units: units, initial: initial, mayFaultAtEnd: true)
    }

    func makeInitialState() -> InitialState {
        defined = .status
        reserved = [4, 15]
        stackDepth = 0
        nextLabel = 10
        nesting = 0
        callDepth = 0
        var gpr = (0..<16).map { _ in rng.interesting(bits: 64) }
        gpr[4] = FuzzLayout.dataAddress + FuzzLayout.rspOffset - 8 * UInt64(rng.below(4))
        gpr[15] = FuzzLayout.dataAddress + FuzzLayout.r15Offset + UInt64(rng.below(0x400))
        r15Value = gpr[15]
        let rflags = (rng.next() & FlagSet.comparableBits) | 0x2
        return InitialState(gpr: gpr, rflags: rflags, dataSeed: rng.next())
    }

    private func nextUnit() -> SequenceUnit {
        for _ in 0..<1000 {
            let family = pickFamily(options.families)
            let saved = save()
            beginUnit()
            if generate(family) { return endUnit(family.rawValue) }
            restore(saved)
        }
        beginUnit()
        emit("nop")
        return endUnit("nop")
    }

    private func beginUnit() {
        lines = []
        unitRequires = []
        unitDefines = []
        unitUndefines = []
    }

    private func endUnit(_ family: String) -> SequenceUnit {
        SequenceUnit(family: family, lines: lines, requires: unitRequires, defines: unitDefines, undefines: unitUndefines)
    }

    private func pickFamily(_ families: [Family]) -> Family {
        families[rng.weighted(families.map(\.weight))]
    }

    /// Emits `count` units of nestable families into the current unit (a branch, loop or call body).
    func nestedBody(_ count: ClosedRange<Int>) {
        let families = options.families.filter(\.isNestable)
        guard !families.isEmpty else { return }
        nesting += 1
        defer { nesting -= 1 }
        for _ in 0..<rng.range(count) {
            for _ in 0..<100 {
                let saved = save()
                if generate(pickFamily(families)) { break }
                restore(saved)
            }
        }
    }

    func generate(_ family: Family) -> Bool {
        switch family {
        case .mov: return genMove()
        case .extend: return genExtend()
        case .lea: return genLea()
        case .xchg: return genExchange()
        case .xadd: return genExchangeAdd()
        case .cmpxchg: return genCompareExchange()
        case .bswap: return genByteSwap()
        case .cmov: return genConditionalMove()
        case .setcc: return genSetCondition()
        case .pushPop: return genPushPop()
        case .alu: return genBinary()
        case .incDec: return genIncDec()
        case .negNot: return genNegNot()
        case .mul: return genMultiplyWide()
        case .imul: return genSignedMultiply()
        case .div: return genDivide()
        case .shift: return genShift()
        case .rotate: return genRotate(throughCarry: false)
        case .rotateCarry: return genRotate(throughCarry: true)
        case .doubleShift: return genDoubleShift()
        case .bitTest: return genBitTest()
        case .bitScan: return genBitScan()
        case .bitCount: return genBitCount()
        case .branch: return genBranch()
        case .indirectBranch: return genIndirectBranch()
        case .call: return genCall()
        case .loop: return genLoop()
        case .jrcxz: return genJumpIfCountZero()
        case .frame: return genFrame()
        case .flagChain: return genFlagChain()
        case .encoding: return genEncoding()
        case .nop: return genNop()
        case .convert: return genConvert()
        case .flagOps: return genFlagInstruction()
        case .pushfPopf: return genPushfPopf()
        case .string: return genString()
        case .fence: return genFence()
        }
    }

    // MARK: Undo

    struct Snapshot {
        var lineCount: Int
        var defined: FlagSet
        var requires: FlagSet
        var defines: FlagSet
        var undefines: FlagSet
        var stackDepth: Int
        var nextLabel: Int
        var reserved: Set<Int>
    }

    func save() -> Snapshot {
        Snapshot(
            lineCount: lines.count, defined: defined, requires: unitRequires, defines: unitDefines,
            undefines: unitUndefines, stackDepth: stackDepth, nextLabel: nextLabel, reserved: reserved)
    }

    func restore(_ s: Snapshot) {
        lines.removeLast(lines.count - s.lineCount)
        defined = s.defined
        unitRequires = s.requires
        unitDefines = s.defines
        unitUndefines = s.undefines
        stackDepth = s.stackDepth
        nextLabel = s.nextLabel
        reserved = s.reserved
    }

    // MARK: Flag tracking

    /// The instruction about to be emitted reads `flags` (they must be defined: see `ensureDefined`).
    func use(_ flags: FlagSet) {
        precondition(defined.isSuperset(of: flags), "generator reads undefined flags \(flags.subtracting(defined))")
        unitRequires.formUnion(flags.subtracting(unitDefines))
    }

    func define(_ flags: FlagSet) {
        defined.formUnion(flags)
        unitDefines.formUnion(flags)
        unitUndefines.subtract(flags)
    }

    func undefine(_ flags: FlagSet) {
        defined.subtract(flags)
        unitUndefines.formUnion(flags)
        unitDefines.subtract(flags)
    }

    /// Makes `flags` defined by emitting a compare if any of them is not.
    func ensureDefined(_ flags: FlagSet) {
        guard !defined.isSuperset(of: flags) else { return }
        let size = pickSize()
        if rng.coin(), let a = pickRegister(size: size, writable: false) {
            emit("cmp\(suffix(size)) $\(immediate(size)), \(a.text)")
        } else if let a = pickRegister(size: size, writable: false),
            let b = pickRegister(size: size, writable: false, legacyOnly: a.high, allowHigh: a.isLegacy)
        {
            emit("cmp \(a.text), \(b.text)")
        } else {
            emit("cmpq $0, %r15")
        }
        define(.status)
    }

    /// Flag state at a join of two paths.
    func merge(_ a: Snapshot, _ b: Snapshot) {
        defined = a.defined.intersection(b.defined)
        unitDefines = a.defines.intersection(b.defines)
        unitUndefines = a.undefines.union(b.undefines)
        unitRequires = a.requires.union(b.requires)
    }

    // MARK: Emission

    func emit(_ text: String, label: Int? = nil) {
        if let label { lines.append("\(label): \(text)") } else { lines.append("    " + text) }
    }

    func newLabel() -> Int {
        nextLabel += 1
        return nextLabel
    }

    func suffix(_ size: Int) -> String {
        switch size {
        case 1: return "b"
        case 2: return "w"
        case 4: return "l"
        default: return "q"
        }
    }

    func pickSize(_ sizes: [Int] = [1, 2, 4, 8]) -> Int { rng.pick(sizes) }

    func isWritable(_ number: Int) -> Bool { !reserved.contains(number) }

    /// An immediate for a `size`-byte operation as GAS accepts it: 8/16/32-bit values signed or unsigned, 64-bit
    /// operations a sign-extended 32-bit value.
    func immediate(_ size: Int) -> String {
        let bits = min(size, 4) * 8
        let v = rng.interesting(bits: bits)
        if rng.coin() {
            let sign: UInt64 = 1 << UInt64(bits - 1)
            let signed = v & sign != 0 ? Int64(bitPattern: v | ~((sign << 1) &- 1)) : Int64(v)
            return "\(signed)"
        }
        if size == 8 && v & 0x8000_0000 != 0 {
            return "\(Int64(Int32(truncatingIfNeeded: v)))"
        }
        return "0x" + String(v, radix: 16)
    }

    /// A signed 8-bit immediate (sign-extended by the instruction).
    func immediate8() -> String { "\(Int8(truncatingIfNeeded: rng.interesting(bits: 8)))" }

    // MARK: Registers

    /// A random register of `size` bytes. `writable` excludes RSP, R15 and reserved registers; `legacyOnly`
    /// excludes those that need REX (for use next to AH…BH); `allowHigh` admits AH…BH for byte operands.
    func pickRegister(
        size: Int, writable: Bool, legacyOnly: Bool = false, allowHigh: Bool = true, avoid: Set<Int> = []
    ) -> RegisterOperand? {
        var candidates: [RegisterOperand] = []
        for n in 0..<16 {
            if writable && reserved.contains(n) { continue }
            if avoid.contains(n) { continue }
            let r = RegisterOperand(number: n, size: size)
            if legacyOnly && r.needsREX { continue }
            candidates.append(r)
        }
        if size == 1 && allowHigh {
            for n in 0..<4 where !(writable && reserved.contains(n)) && !avoid.contains(n) {
                candidates.append(RegisterOperand(number: n, size: 1, high: true))
            }
        }
        return candidates.isEmpty ? nil : rng.pick(candidates)
    }

    /// A second byte register compatible (REX-wise) with `other`.
    func pickPartner(of other: RegisterOperand, size: Int, writable: Bool, avoid: Set<Int> = []) -> RegisterOperand? {
        pickRegister(size: size, writable: writable, legacyOnly: other.high, allowHigh: size == 1 && other.isLegacy, avoid: avoid)
    }

    // MARK: Memory operands

    enum Access { case read, write, readWrite }

    struct Memory {
        var text: String
        var needsREX: Bool
        /// A label to put on the instruction (RIP-relative operands read the instruction's own bytes).
        var label: Int?
        /// Registers the address is computed from (the instruction must not change them before the access).
        var registers: Set<Int>
    }

    func displacement(_ range: Range<Int>) -> String {
        let d = range.lowerBound + rng.below(range.count)
        return d == 0 && rng.coin() ? "" : "\(d)"
    }

    /// Masks a register to 0…255 (without touching the flags) for use as an index.
    private func maskedIndex(legacyOnly: Bool, avoid: Set<Int>) -> RegisterOperand? {
        guard let r = pickRegister(size: 8, writable: true, legacyOnly: legacyOnly, allowHigh: false, avoid: avoid)
        else { return nil }
        emit("movzbl %\(GPRNames.r8[r.number]), %\(GPRNames.r32[r.number])")
        return r
    }

    /// A memory operand inside the data region (emitting any setup it needs). `legacyOnly` for instructions that
    /// also use AH…BH; registers in `avoid` are not used (nor changed) by the setup.
    func memory(size: Int, access: Access, legacyOnly: Bool = false, avoid: Set<Int> = []) -> Memory {
        var m = baseMemory(size: size, access: access, legacyOnly: legacyOnly, avoid: avoid)
        if m.label == nil && rng.percent(6) {
            // A redundant segment override (CS/DS/ES/SS bases are zero in 64-bit mode).
            m.text = rng.pick(["%ds:", "%es:", "%cs:", "%ss:"]) + m.text
        }
        return m
    }

    private func baseMemory(size: Int, access: Access, legacyOnly: Bool, avoid: Set<Int>) -> Memory {
        let scale = rng.pick([1, 2, 4, 8])
        let avoidIndex = avoid.union([4])
        let stackWrites = callDepth == 0 || access == .read
        if !legacyOnly && rng.percent(8) {
            // Straddle a page boundary.
            let page = (r15Value &+ UInt64(bitPattern: Int64(rng.pick([-0x800, 0, 0x800])))) & ~0xFFF
            let d = Int64(bitPattern: page &- r15Value) - Int64(rng.range(1...7))
            if abs(d) < 0x1000 {
                return Memory(text: "\(d)(%r15)", needsREX: true, label: nil, registers: [15])
            }
        }
        for _ in 0..<4 {
            switch rng.below(legacyOnly ? 4 : 9) {
            case 0, 7:
                if !stackWrites { continue }
                if !legacyOnly && rng.coin(), let index = maskedIndex(legacyOnly: false, avoid: avoidIndex) {
                    return Memory(text: "\(displacement(-0x100..<0x100))(%rsp,%\(GPRNames.r64[index.number]),\(scale))",
                                  needsREX: index.number >= 8, label: nil, registers: [4, index.number])
                }
                return Memory(text: "\(displacement(-0x100..<0x100))(%rsp)", needsREX: false, label: nil, registers: [4])
            case 1:
                if access == .read && size <= 4 {
                    // Reads the instruction's own first bytes (every RIP-relative form is at least 6 bytes long).
                    let l = newLabel()
                    return Memory(text: "\(l)b(%rip)", needsREX: false, label: l, registers: [])
                }
            case 2, 3:
                // A legacy base loaded from R15 (optionally 32-bit addressing), optionally a legacy index.
                guard let base = pickRegister(size: 8, writable: true, legacyOnly: true, allowHigh: false, avoid: avoidIndex)
                else { continue }
                let a32 = rng.percent(25)
                emit("lea \(displacement(-0x400..<0x400))(%r15), %\(a32 ? GPRNames.r32[base.number] : GPRNames.r64[base.number])")
                let names = a32 ? GPRNames.r32 : GPRNames.r64
                if rng.coin(), let index = maskedIndex(legacyOnly: true, avoid: avoidIndex.union([base.number])) {
                    return Memory(
                        text: "\(displacement(-0x100..<0x100))(%\(names[base.number]),%\(names[index.number]),\(scale))",
                        needsREX: false, label: nil, registers: [base.number, index.number])
                }
                return Memory(text: "\(displacement(-0x100..<0x100))(%\(names[base.number]))", needsREX: false, label: nil,
                              registers: [base.number])
            case 4:
                return Memory(text: "\(displacement(-0x800..<0x800))(%r15)", needsREX: true, label: nil, registers: [15])
            case 5, 6:
                guard let index = maskedIndex(legacyOnly: false, avoid: avoidIndex) else { continue }
                let a32 = rng.percent(20)
                let names = a32 ? GPRNames.r32 : GPRNames.r64
                let base = names[15]
                if rng.percent(25) {
                    return Memory(text: "\(displacement(-0x800..<0x800))(%\(names[index.number]),%\(base))", needsREX: true,
                                  label: nil, registers: [15, index.number])
                }
                return Memory(text: "\(displacement(-0x800..<0x800))(%\(base),%\(names[index.number]),\(scale))",
                              needsREX: true, label: nil, registers: [15, index.number])
            default:
                return Memory(text: "\(displacement(-0x800..<0x800))(%r15d)", needsREX: true, label: nil, registers: [15])
            }
        }
        if stackWrites {
            return Memory(text: "\(displacement(-0x100..<0x100))(%rsp)", needsREX: false, label: nil, registers: [4])
        }
        return Memory(text: "\(displacement(-0x400..<0x400))(%r15)", needsREX: true, label: nil, registers: [15])
    }

    /// Either a register or a memory operand of `size` bytes as the r/m operand of an instruction.
    enum RM {
        case register(RegisterOperand)
        case memory(Memory)

        var text: String {
            switch self {
            case .register(let r): return r.text
            case .memory(let m): return m.text
            }
        }

        var label: Int? {
            if case .memory(let m) = self { return m.label }
            return nil
        }

        var isMemory: Bool {
            if case .memory = self { return true }
            return false
        }

        /// Whether AH…BH may be used in the same instruction.
        var allowsHigh: Bool {
            switch self {
            case .register(let r): return r.isLegacy
            case .memory(let m): return !m.needsREX
            }
        }

        /// Whether the operand itself is AH…BH (so the other operands must avoid REX).
        var isHigh: Bool {
            if case .register(let r) = self { return r.high }
            return false
        }
    }
}
