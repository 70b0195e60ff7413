import Testing
import TinyVMX

/// Blocks that follow branches (`Core.decodeBlock`): loop bodies repeated in one block, forward branches
/// followed when not taken, direct CALL and JMP followed, and the side exits where execution goes the other
/// way. Every budget must stop on exactly that many instructions, whichever copy of an instruction runs.
@Suite struct SuperblockTests {
    /// W1's loop: ADD, XOR, DEC, JNZ back, `iterations` times.
    static let aluLoop = """
        mov $40, %ecx
        xor %eax, %eax
        mov $1, %ebx
    1:  add %rbx, %rax
        xor %rax, %rbx
        dec %rcx
        jnz 1b
        hlt
    """

    /// W3's loop: a CALL, a forward JAE that goes both ways, two RETs.
    static let callLoop = """
        mov $37, %ecx
        xor %eax, %eax
    1:  mov %ecx, %edi
        call 3f
        dec %ecx
        jnz 1b
        jmp 4f
    3:  mov %edi, %edx
        and $3, %edx
        cmp $2, %edx
        jae 2f
        add %rdi, %rax
        ret
    2:  xor %rdi, %rax
        ret
    4:  hlt
    """

    static func machine(_ code: String, engine: Machine.Engine = .interpreter) throws -> Machine {
        var configuration = Machine.Configuration()
        configuration.engine = engine
        let m = Machine(configuration: configuration)
        m.load(try Toolchain.assembleProgram(".globl _start\n_start:\n" + code, at: Machine.defaultLoadAddress))
        return m
    }

    static let registers: [Register] = [.rax, .rbx, .rcx, .rdx, .rdi, .rsp, .rip, .rflags]

    @Test func loopResultsAreTheArithmeticOnes() throws {
        let alu = try Self.machine(Self.aluLoop)
        #expect(alu.run().stop == .halt)
        var (a, b): (UInt64, UInt64) = (0, 1)
        for _ in 0..<40 {
            a &+= b
            b ^= a
        }
        #expect(alu[.rax] == a && alu[.rbx] == b && alu[.rcx] == 0)
        #expect(alu.instructionsExecuted == 3 + 4 * 40 + 1)

        let call = try Self.machine(Self.callLoop)
        #expect(call.run().stop == .halt)
        var sum: UInt64 = 0
        for i in stride(from: UInt64(37), through: 1, by: -1) {
            if i & 3 < 2 { sum &+= i } else { sum ^= i }
        }
        #expect(call[.rax] == sum)
        #expect(call.instructionsExecuted == 2 + 37 * 4 + 37 * 6 + 1 + 1)
    }

    /// A loop body is decoded once and repeated in its block.
    @Test func loopBodyIsRepeatedInItsBlockButDecodedOnce() throws {
        let m = try Self.machine(Self.aluLoop)
        m.run()
        let s = m.statistics
        #expect(s.blockInstructions >= 60, "the loop's block holds many copies of its 4 instructions")
        #expect(s.instructionsDecoded <= 2 * 8, "each of the 8 instructions went through Capstone at most twice (short block, then promoted)")
    }

    /// Blocks start short (ending at their first branch) and are decoded again following branches only once
    /// hot, and not while the machine is stepped: each step may start a block at a new address.
    @Test func blocksArePromotedWhenHotButNotWhileStepping() throws {
        let stepped = try Self.machine(Self.aluLoop)
        for _ in 0..<100 { stepped.step() }
        #expect(stepped.statistics.blockInstructions < 30, "\(stepped.statistics)")

        let once = try Self.machine("mov $1, %eax\n jmp 1f\n1: add $2, %eax\n hlt")
        once.run()
        #expect(once.statistics.blockInstructions == 4, "straight-line code runs once: no second decoding")
        #expect(once[.rax] == 3)
    }

    /// Every budget from 1 to past the end: the run stops after exactly that many instructions, in the
    /// state single steps reach, even when the budget ends inside a repeated body or at a side exit.
    @Test(arguments: ["alu", "call"])
    func everyBudgetMatchesSingleSteps(program: String) throws {
        let code = program == "alu" ? Self.aluLoop : Self.callLoop
        let stepper = try Self.machine(code)
        var stepped: [[UInt64]] = []
        while true {
            let r = stepper.step()
            stepped.append(Self.registers.map { stepper[$0] })
            if r.stop == .halt { break }
        }
        let total = stepped.count
        for budget in 1...(total + 2) {
            let m = try Self.machine(code)
            let r = m.run(maxInstructions: UInt64(budget))
            let n = min(budget, total)
            #expect(r.instructions == UInt64(n))
            #expect(r.stop == (budget < total ? .instructionLimit : .halt))
            #expect(Self.registers.map { m[$0] } == stepped[n - 1], "budget \(budget)")
        }
    }

    /// Budgets spent in chunks: each run resumes where the last one stopped inside a block.
    @Test func chunkedRunsEqualOneRun() throws {
        let whole = try Self.machine(Self.callLoop)
        whole.run()
        for chunk in [1, 2, 3, 5, 7, 11, 64, 65] {
            let m = try Self.machine(Self.callLoop)
            while m.run(maxInstructions: UInt64(chunk)).stop == .instructionLimit {}
            #expect(Self.registers.map { m[$0] } == Self.registers.map { whole[$0] }, "chunk \(chunk)")
            #expect(m.instructionsExecuted == whole.instructionsExecuted)
        }
    }

    /// A breakpoint on an instruction that appears many times in one block stops before every execution.
    @Test func breakpointInsideARepeatedBody() throws {
        let m = try Self.machine(Self.aluLoop)
        // mov $40,%ecx (5 bytes), xor %eax,%eax (2), mov $1,%ebx (5), add %rbx,%rax (3), xor %rax,%rbx (3):
        // DEC is at +18.
        let dec = Machine.defaultLoadAddress + 18
        var first = m.run(until: [dec])
        #expect(first.stop == .breakpoint && first.rip == dec && first.instructions == 5)
        for _ in 0..<10 {
            first = m.run(until: [dec])
            #expect(first.stop == .breakpoint && first.rip == dec && first.instructions == 4)
        }
        #expect(m[.rcx] == 40 - 10)
    }

    /// A forward branch taken just before its block's last instruction, one the run loop runs with exact
    /// counters (here RDTSC, in the lab's runtime VMLAUNCH after `jnz vmresume`), leaves the block: that
    /// instruction must not run. (Regression: it did, and VMRESUME became VMLAUNCH.)
    @Test func sideExitBeforeAnExactCountInstruction() throws {
        let m = try Self.machine("""
            mov $7, %eax
            xor %edx, %edx
            test %eax, %eax
            jnz 1f
            rdtsc
        1:  hlt
        """)
        #expect(m.run().stop == .halt)
        #expect(m[.rax] == 7 && m[.rdx] == 0)
        #expect(m.instructionsExecuted == 5)
    }

    /// The three engines agree on both loops (the JIT compiles only up to a block's first branch).
    @Test func enginesAgree() throws {
        for code in [Self.aluLoop, Self.callLoop] {
            let states = try [Machine.Engine.interpreter, .jit, .auto].map { engine in
                let m = try Self.machine(code, engine: engine)
                for _ in 0..<20 { m.run(maxInstructions: 13) }
                m.run()
                return Self.registers.map { m[$0] } + [m.instructionsExecuted]
            }
            #expect(states[0] == states[1] && states[1] == states[2])
        }
    }
}
