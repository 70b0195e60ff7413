import Testing
import TinyVMX

/// Code that changes under compiled code: self-modifying loops, guest-generated code, a store into the
/// block that is running, and a code page remapped to another frame. Each program runs under every engine;
/// the JIT and auto engines must match the interpreter exactly, must have run compiled code, and must have
/// dropped it when the code changed.
@Suite struct JITEdgeCodeModificationTests {
    /// Runs `image` in the bare profile under every engine (after `setup`) and checks the outcomes.
    func runBare(
        _ image: ProgramImage, memory: [(address: UInt64, count: Int)] = [], setup: (Machine) throws -> Void = { _ in },
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (outcomes: [Machine.Engine: JITEdgeOutcome], stats: [Machine.Engine: Machine.Statistics]) {
        var outcomes: [Machine.Engine: JITEdgeOutcome] = [:], stats: [Machine.Engine: Machine.Statistics] = [:]
        for engine in JITEdge.engines {
            let m = JITEdge.machine(engine)
            m.load(image)
            try setup(m)
            let r = m.run(maxInstructions: 1_000_000)
            outcomes[engine] = try JITEdgeOutcome(m, r, memory: memory)
            stats[engine] = m.statistics
        }
        JITEdge.expectNoMismatches(JITEdge.mismatches(outcomes, "bare run"), sourceLocation: sourceLocation)
        return (outcomes, stats)
    }

    @Test func hotLoopSeesItsPatchedImmediate() throws {
        // Three passes of a 100-iteration loop `add $imm32, %rax`; between passes a store adds 1000 to the
        // immediate. Stale compiled code would keep adding 1.
        let image = try JITEdge.assemble("""
                xor %edx, %edx
            outer:
                mov $100, %ecx
            body:
                .byte 0x48, 0x05        # add $imm32, %rax
            imm: .long 1
                dec %ecx
                jnz body
                addl $1000, imm(%rip)
                inc %rdx
                cmp $3, %rdx
                jne outer
                hlt
            """)
        let imm = image.symbols["imm"]!
        let (outcomes, stats) = try runBare(image, memory: [(imm, 4)])
        #expect(outcomes[.jit]?.stop == .halt)
        #expect(outcomes[.jit]?.gprs[0] == 300_300)  // 100·1 + 100·1001 + 100·2001
        #expect(outcomes[.auto]?.gprs[0] == 300_300)
        JITEdge.expectTiers(stats)
        for engine in [Machine.Engine.jit, .auto] {
            #expect((stats[engine]?.jitInvalidations ?? 0) >= 2, "\(engine): \(String(describing: stats[engine]))")
        }
    }

    @Test func hotLoopPatchesItselfMidway() throws {
        // At iteration 51 (ECX = 50) a side block rewrites the loop's immediate from 1 to 7.
        let image = try JITEdge.assemble("""
                mov $100, %ecx
            body:
                .byte 0x48, 0x05
            imm: .long 1
                cmp $50, %ecx
                jne skip
                movl $7, imm(%rip)
            skip:
                dec %ecx
                jnz body
                hlt
            """)
        let (outcomes, stats) = try runBare(image)
        #expect(outcomes[.jit]?.gprs[0] == 394)  // 51·1 + 49·7
        JITEdge.expectTiers(stats)
        #expect((stats[.auto]?.jitInvalidations ?? 0) >= 1)
        #expect((stats[.jit]?.jitInvalidations ?? 0) >= 1)
    }

    @Test func guestGeneratedCodeIsRewrittenAndRerun() throws {
        // The guest writes `add $1, %rax; jmp *%rdi` into a buffer on its own page and jumps to it 40 times
        // (both indirect jumps go through the JIT's indirect-branch cache); then patches the immediate to
        // 0x100 and reruns it; then writes `add $0x10000, %rax; ret` and calls it 40 times; finally it rewrites
        // the immediate every iteration (imm = ECX) for 40 more calls.
        let image = try JITEdge.assemble("""
                mov $0x500000, %ebx
                movabs $0xE7FF000000010548, %rsi
                mov %rsi, (%rbx)
                lea back1(%rip), %rdi
                mov $40, %ecx
            loop1:
                jmp *%rbx
            back1:
                dec %ecx
                jnz loop1
                movl $0x100, 2(%rbx)
                lea back2(%rip), %rdi
                mov $40, %ecx
            loop2:
                jmp *%rbx
            back2:
                dec %ecx
                jnz loop2
                movabs $0x90C3000100000548, %rsi
                mov %rsi, (%rbx)
                mov $40, %ecx
            loop3:
                call *%rbx
                dec %ecx
                jnz loop3
                mov $40, %ecx
            loop4:
                mov %ecx, 2(%rbx)
                call *%rbx
                dec %ecx
                jnz loop4
                hlt
            """)
        let (outcomes, stats) = try runBare(image, memory: [(0x50_0000, 16), (Machine.defaultStackTop - 64, 64)])
        #expect(outcomes[.jit]?.stop == .halt)
        let expected: UInt64 = 40 + 40 * 0x100 + 40 * 0x10000 + 820  // 820 = 1 + … + 40
        #expect(outcomes[.jit]?.gprs[0] == expected)
        JITEdge.expectTiers(stats)
        #expect((stats[.jit]?.jitInvalidations ?? 0) >= 3)
        #expect((stats[.auto]?.jitInvalidations ?? 0) >= 2)
    }

    @Test func storeIntoTheRunningBlockPatchesALaterInstruction() throws {
        // Each iteration writes ECX into the immediate of a `mov $imm32, %eax` further down the same block,
        // then adds EAX to RBX: RBX = 60 + 59 + … + 1. A second store patches the instruction that just ran
        // (`add $imm8` before it), so that change shows only from the next iteration on.
        let image = try JITEdge.assemble("""
                mov $60, %ecx
            top:
                .byte 0x48, 0x83, 0xC2     # add $imm8, %rdx
            prev: .byte 0
                mov %cl, prev(%rip)
                mov %ecx, patch+1(%rip)
                inc %rsi
            patch:
                .byte 0xB8
                .long 0                    # mov $imm32, %eax
                add %rax, %rbx
                dec %ecx
                jnz top
                hlt
            """)
        let (outcomes, stats) = try runBare(image)
        #expect(outcomes[.jit]?.gprs[3] == 1830)  // 60 + 59 + … + 1
        #expect(outcomes[.jit]?.gprs[2] == 1829)  // RDX: 0 + 60 + 59 + … + 2
        JITEdge.expectTiers(stats, autoHot: false)
        #expect((stats[.jit]?.jitInvalidations ?? 0) >= 60)
    }

    @Test func pushWritesTheNextInstructionOfItsBlock() throws {
        // The stack is placed over the loop's own code: `push %rcx` writes the 8 bytes right after it,
        // `mov $R8D, %eax; nop; nop; nop`, which then runs. RBX = 50 + 49 + … + 1.
        let image = try JITEdge.assemble("""
                mov $50, %r8d
            top:
                mov %r8, %rcx
                shl $8, %rcx
                mov $0xB8, %edx
                or %rdx, %rcx
                movabs $0x9090900000000000, %rdx
                or %rdx, %rcx
                lea patch+8(%rip), %rsp
                push %rcx
            patch:
                .byte 0xB8
                .long 0
                .byte 0x90, 0x90, 0x90
                add %rax, %rbx
                dec %r8
                jnz top
                hlt
            """)
        let patch = image.symbols["patch"]!
        let (outcomes, stats) = try runBare(image, memory: [(patch, 8)])
        #expect(outcomes[.jit]?.gprs[3] == 1275)
        #expect(outcomes[.jit]?.memory == [0xB8, 1, 0, 0, 0, 0x90, 0x90, 0x90])
        JITEdge.expectTiers(stats, autoHot: false)
        #expect((stats[.jit]?.jitInvalidations ?? 0) >= 50)
    }

    /// A supervisor kernel that calls a hot subroutine at 0x600000 50 times, remaps that page to the frame
    /// at 0x601000 (PTE store + `invalidate`), calls 50 more times, maps it back (PTE + MOV CR3) and calls
    /// 50 more. Frame 0x600000 holds a 4-iteration `add $1` loop, frame 0x601000 an `add $100` loop.
    func remapProgram(invalidate: String, reload: String) throws -> (ProgramImage, [UInt8], [UInt8]) {
        let image = try JITEdge.assemble("""
                mov $50, %ecx
            1:  call *%rbx
                dec %ecx
                jnz 1b
                mov %r10, (%rdx)
                \(invalidate)
                mov $50, %ecx
            2:  call *%rbx
                dec %ecx
                jnz 2b
                mov %r11, (%rdx)
                \(reload)
                mov $50, %ecx
            3:  call *%rbx
                dec %ecx
                jnz 3b
                hlt
            """)
        let sub = { (n: Int) in try JITEdge.flatBytes("mov $4, %esi\n1: add $\(n), %rax\ndec %esi\njnz 1b\nret") }
        return (image, try sub(1), try sub(100))
    }

    func runRemap(invalidate: String, reload: String) throws -> (outcomes: [Machine.Engine: JITEdgeOutcome], stats: [Machine.Engine: Machine.Statistics]) {
        let (image, original, other) = try remapProgram(invalidate: invalidate, reload: reload)
        var outcomes: [Machine.Engine: JITEdgeOutcome] = [:], stats: [Machine.Engine: Machine.Statistics] = [:]
        for engine in JITEdge.engines {
            let s = try SystemHarness(image: image, engine: engine)
            try s.machine.writeMemory(original, at: 0x60_0000)
            try s.machine.writeMemory(other, at: 0x60_1000)
            s.machine[.rbx] = 0x60_0000
            s.machine[.rdx] = s.pteAddress(0x60_0000)
            s.machine[.r10] = 0x60_1000 | 3
            s.machine[.r11] = 0x60_0000 | 3
            let r = s.machine.run(maxInstructions: 100_000)
            outcomes[engine] = try JITEdgeOutcome(s.machine, r, memory: [(s.pteAddress(0x60_0000), 8), (0x4_FF00, 0x100)])
            stats[engine] = s.machine.statistics
        }
        JITEdge.expectNoMismatches(JITEdge.mismatches(outcomes, "remap \(invalidate)/\(reload)"))
        return (outcomes, stats)
    }

    @Test func remappedCodePageRunsTheNewFrame() throws {
        let (outcomes, stats) = try runRemap(invalidate: "invlpg (%rbx)", reload: "mov %cr3, %r8\nmov %r8, %cr3")
        #expect(outcomes[.jit]?.stop == .halt)
        #expect(outcomes[.jit]?.gprs[0] == 20_400)  // 50·4·1 + 50·4·100 + 50·4·1
        JITEdge.expectTiers(stats)
        #expect((stats[.jit]?.jitInvalidations ?? 0) >= 2)
        #expect((stats[.auto]?.jitInvalidations ?? 0) >= 2)
    }

    @Test func remapWithoutInvalidationAgreesAcrossEngines() throws {
        // No INVLPG / CR3 reload: which frame runs is up to the TLB model, but every engine must agree.
        let (_, stats) = try runRemap(invalidate: "nop", reload: "nop")
        JITEdge.expectTiers(stats)
    }
}
