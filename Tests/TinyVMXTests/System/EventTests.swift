import Foundation
import Testing
import TinyVMX

/// NMIs and external interrupts: injection at exact boundaries, NMI blocking until IRET, the held NMI, IF
/// and the STI shadow, and HLT waking (SDM vol. 3, 6.7.1, 6.8.3).
@Suite struct EventTests {
    /// A kernel whose NMI handler counts NMIs in R14 and records the CR2 it sees in R12, then IRETQs.
    func nmiKernel(_ body: String) throws -> SystemHarness {
        let h = try SystemHarness(code: body + """

            nmi: inc %r14
                 mov %cr2, %r12
                 nop
                 nop
                 iretq
            """)
        try h.setGate(2, handler: h.symbol("nmi"), ist: 1)
        return h
    }

    @Test func nmiArrivesBeforeTheChosenInstruction() throws {
        let h = try nmiKernel("mov $1, %rax\nmov $2, %rax\nmov $3, %rax\ncli\nhlt")
        h.machine.scheduleNMI(beforeInstruction: 2)
        h.machine[.cr2] = 0xDEAD
        let result = h.run()
        #expect(result.stop == .halt)
        #expect(h.machine[.r14] == 1)
        #expect(h.machine[.r12] == 0xDEAD)
        #expect(result.instructions == 5 + 5)  // four body instructions + HLT, five handler instructions
        #expect(h.machine.statistics.nmisDelivered == 1)
    }

    @Test func nmiFrameRecordsTheInterruptedInstruction() throws {
        let h = try SystemHarness(code: "mov $1, %rax\nsecond: mov $2, %rax\nhlt")
        h.machine.scheduleNMI(beforeInstruction: 2)
        #expect(h.stoppedIn(2, h.run()))
        #expect(try h.frame(1) == [h.symbol("second")])
        #expect(h.machine[.rax] == 1)
        #expect(h.machine.nmiBlocked)
    }

    @Test func nmisAreBlockedUntilIRETAndOneIsHeld() throws {
        // Three NMIs land while the first handler runs: one is held (delivered right after IRETQ), the
        // others are lost. Total two.
        let h = try nmiKernel("mov $1, %rax\nmov $2, %rax\nmov $3, %rax\nmov $4, %rax\ncli\nhlt")
        for n: UInt64 in [2, 3, 4, 5] { h.machine.scheduleNMI(beforeInstruction: n) }
        #expect(h.run().stop == .halt)
        #expect(h.machine[.r14] == 2)
        #expect(!h.machine.nmiBlocked)
    }

    @Test func nmiAtRIPCountsOccurrences() throws {
        let h = try nmiKernel("mov $3, %rcx\nloop_top: dec %rcx\njnz loop_top\ncli\nhlt")
        h.machine.scheduleNMI(atRIP: h.symbol("loop_top"), occurrence: 3)
        #expect(h.run().stop == .halt)
        #expect(h.machine[.r14] == 1)
        // The handler ran when RCX was 1 (two decrements done): its RIP-trigger boundary was the third.
        let again = try SystemHarness(code: "mov $3, %rcx\nloop_top: dec %rcx\njnz loop_top\nhlt")
        again.machine.scheduleNMI(atRIP: again.symbol("loop_top"), occurrence: 3)
        #expect(again.stoppedIn(2, again.run()))
        #expect(again.machine[.rcx] == 1)
    }

    @Test func hltWithIFClearStopsAndAnNMIWakesIt() throws {
        let h = try nmiKernel("cli\nhlt\nafter: mov $7, %rbx\ncli\nhlt")
        var result = h.run()
        #expect(result.stop == .halt && result.rip == h.symbol("after"))
        #expect(h.machine.isHalted)
        // Nothing pending: running again stays halted.
        result = h.run()
        #expect(result.stop == .halt && result.instructions == 0)
        h.machine.injectNMI()
        result = h.run()
        #expect(h.machine[.r14] == 1)
        #expect(h.machine[.rbx] == 7)  // the handler returned after the first HLT
        #expect(result.stop == .halt)
    }

    @Test func aScheduledNMIWakesHLT() throws {
        let h = try nmiKernel("cli\nhlt\nmov $7, %rbx\ncli\nhlt")
        h.machine.scheduleNMI(beforeInstruction: 100)
        #expect(h.run().stop == .halt)
        #expect(h.machine[.r14] == 1 && h.machine[.rbx] == 7)
    }

    @Test func externalInterruptsWaitForIFAndTheSTIShadow() throws {
        // Pending from the start with IF = 0: delivered after STI and the instruction after it.
        let h = try SystemHarness(code: "mov $1, %rax\nsti\nshadowed: nop\nafter: nop\nhlt")
        h.machine.injectInterrupt(vector: 0x30)
        #expect(h.stoppedIn(0x30, h.run()))
        #expect(try h.frame(1) == [h.symbol("after")])
        #expect(h.machine.statistics.interruptsDelivered == 1)
    }

    @Test func interruptDeliveredImmediatelyWhenIFIsSet() throws {
        let h = try SystemHarness(code: "sti\nnop\nnop\ntarget: nop\nhlt")
        h.machine.scheduleInterrupt(vector: 0x31, beforeInstruction: 4)
        #expect(h.stoppedIn(0x31, h.run()))
        #expect(try h.frame(1) == [h.symbol("target")])
    }

    @Test func nmiHandlerThatTakesAPageFaultRestoresCR2LikeLinux() throws {
        // The interrupted code's CR2 (0x1234) survives an NMI whose handler faults, because the handler
        // saves CR2 on entry and writes it back if it changed (Linux exc_nmi).
        let h = try SystemHarness(code: """
            mov $0x1234, %rax
            mov %rax, %cr2
            nop
            nop
            mov %cr2, %r10
            cli
            hlt
            nmi:  mov %cr2, %r12          # saved CR2
                  mov (%rbx), %rax        # #PF: handler below skips it
                  mov %cr2, %r13
                  cmp %r12, %r13
                  je 1f
                  mov %r12, %cr2
            1:    iretq
            pf:   add $8, %rsp            # drop the error code
                  addq $3, (%rsp)         # skip the 3-byte load
                  iretq
            """)
        try h.setGate(2, handler: h.symbol("nmi"), ist: 1)
        try h.setGate(14, handler: h.symbol("pf"))
        try h.setPTE(0x20_0000, 0)
        h.machine[.rbx] = 0x20_0000
        h.machine.scheduleNMI(beforeInstruction: 3)
        #expect(h.run().stop == .halt)
        #expect(h.machine[.r13] == 0x20_0000)  // the #PF inside the NMI wrote CR2
        #expect(h.machine[.r10] == 0x1234)  // restored before returning
        #expect(h.machine.statistics.cr2Writes == 2)
        #expect(h.machine.statistics.cr2Reads == 3)
    }

    @Test func runBudgetAndScheduledEventsCompose() throws {
        // A budget stop before the scheduled NMI, then resuming: the NMI still lands before instruction 3.
        let h = try SystemHarness(code: "mov $1, %rax\nmov $2, %rax\nthird: mov $3, %rax\nhlt")
        h.machine.scheduleNMI(beforeInstruction: 3)
        #expect(h.machine.run(maxInstructions: 1).stop == .instructionLimit)
        #expect(h.stoppedIn(2, h.run()))
        #expect(try h.frame(1) == [h.symbol("third")])
    }

    @Test func injectionSyntaxIsParsedOnceForCLIAndCorpus() throws {
        #expect(try EventInjection.nmi(beforeInstruction: "0x10") == .nmiBeforeInstruction(16))
        #expect(try EventInjection.nmi(atRIP: "body:3") == .nmiAtRIP(target: "body", occurrence: 3))
        #expect(try EventInjection.nmi(atRIP: "0x400000") == .nmiAtRIP(target: "0x400000", occurrence: 1))
        #expect(try EventInjection.interrupt("5:0x30") == .interruptBeforeInstruction(5, vector: 0x30))
        // Bad input names the option and the text.
        #expect(throws: EventInjectionError("nmi-at-instruction: \"0\" is not an instruction number (counting from 1)")) {
            try EventInjection.nmi(beforeInstruction: "0")
        }
        #expect(throws: EventInjectionError("nmi-at-rip: occurrence must be a number from 1, got \"0\"")) {
            try EventInjection.nmi(atRIP: "body:0")
        }
        #expect(throws: EventInjectionError.self) { try EventInjection.nmi(atRIP: ":2") }
        #expect(throws: EventInjectionError.self) { try EventInjection.interrupt("3:256") }
        #expect(throws: EventInjectionError.self) { try EventInjection.interrupt("0:3") }
        let machine = Machine()
        #expect(throws: EventInjectionError("nmi-at-rip: \"nowhere\" is neither a number nor a symbol of the program")) {
            try EventInjection.nmiAtRIP(target: "nowhere", occurrence: 1).schedule(on: machine, symbols: [:])
        }
    }

    @Test func corpusDirectivesUseTheSameSyntaxAndRejectBadOnes() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyvmx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = directory.appendingPathComponent("good.S").path
        try "# nmi-at-instruction: 2 3\n# nmi-at-rip: _start:2\n# interrupt-at-instruction: 4:0x30\n# expect: stop=halt\n.globl _start\n_start: hlt\n"
            .write(toFile: good, atomically: true, encoding: .utf8)
        let program = try CorpusProgram(path: good)
        #expect(program.injections == [
            .nmiBeforeInstruction(2), .nmiBeforeInstruction(3), .nmiAtRIP(target: "_start", occurrence: 2),
            .interruptBeforeInstruction(4, vector: 0x30),
        ])
        let bad = directory.appendingPathComponent("bad.S").path
        try "# nmi-at-rip: _start:x\n# expect: stop=halt\n_start: hlt\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: CorpusError.self) { try CorpusProgram(path: bad) }
        let unknown = directory.appendingPathComponent("unknown.S").path
        try "# nmi-at-rip: nowhere\n# expect: stop=halt\n.globl _start\n_start: hlt\n".write(toFile: unknown, atomically: true, encoding: .utf8)
        #expect(throws: CorpusError.self) { try CorpusProgram(path: unknown).check() }
    }
}
