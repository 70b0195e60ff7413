import Testing
import TinyVMX

/// Exception and interrupt delivery in 64-bit mode (SDM vol. 3, 6.14 and 6.15): frames, stacks, gates,
/// privilege changes, #DF and triple fault, IRETQ.
@Suite struct DeliveryTests {
    @Test func frameIsSixteenByteAlignedAndGateTypeDecidesIF() throws {
        for trapGate in [false, true] {
            let h = try SystemHarness(code: "sti\nfault: ud2")
            try h.setGate(6, handler: h.stub(6), type: trapGate ? 0xF : 0xE)
            h.machine[.rsp] = SystemHarness.stack - 8  // misaligned: the CPU aligns before pushing
            let result = h.run()
            #expect(h.stoppedIn(6, result))
            // `cli` in the stub runs before we look: check the pushed RFLAGS and the RSP the stub saw.
            let f = try h.frame(5)
            #expect(h.machine[.rsp] == SystemHarness.stack - 16 - 40)
            #expect(f == [h.symbol("fault"), 0x08, 0x202, SystemHarness.stack - 8, 0x10])
        }
    }

    @Test func interruptGateClearsIFAndTrapGateKeepsIt() throws {
        for trapGate in [false, true] {
            // Handler reads RFLAGS with PUSHF before anything changes it.
            let h = try SystemHarness(code: "sti\nint $0x40\nhandler: pushf\npop %rax\ncli\nhlt")
            try h.setGate(0x40, handler: h.symbol("handler"), type: trapGate ? 0xF : 0xE)
            #expect(h.run().stop == .halt)
            #expect(h.machine[.rax] & 0x200 == (trapGate ? 0x200 : 0), "trap gate \(trapGate)")
        }
    }

    @Test func softwareInterruptsPushTheNextRIPAndCheckGateDPLAtCPL3() throws {
        let h = try SystemHarness(code: "int $0x80\nafter: hlt")
        #expect(h.stoppedIn(0x80, h.run()))
        #expect(try h.frame(1) == [h.symbol("after")])
        // From CPL 3, a DPL-0 gate gives #GP(vector·8 + 2) (IDT bit, no EXT); a DPL-3 gate is delivered
        // on the RSP0 stack with the user SS:RSP in the frame.
        for dpl: UInt64 in [0, 3] {
            let u = try SystemHarness(code: "int $0x80\nafter: hlt")
            try u.setGate(0x80, handler: u.stub(0x80), dpl: dpl)
            try u.enterUserMode()
            let result = u.run()
            if dpl == 0 {
                #expect(u.stoppedIn(13, result))
                #expect(try u.frame(2) == [0x80 * 8 + 2, 0x40_0000])
            } else {
                #expect(u.stoppedIn(0x80, result))
                #expect(try u.frame(5) == [u.symbol("after"), 0x23, 0x2, SystemHarness.stack, 0x1B])
                #expect(u.machine[.rsp] == SystemHarness.rsp0 - 40)
                #expect(u.machine[.cs] == 0x08 && u.machine[.ss] == 0)
            }
        }
    }

    @Test func istStackIsUsedEvenWithoutPrivilegeChange() throws {
        let h = try SystemHarness(code: "ud2")
        try h.setGate(6, handler: h.stub(6), ist: 2)
        let result = h.run()
        #expect(h.stoppedIn(6, result))
        #expect(h.machine[.rsp] == SystemHarness.ist2 - 40)
    }

    @Test func faultDuringDeliveryOfAPageFaultIsADoubleFaultAndCR2HoldsTheSecondAddress() throws {
        // #PF on a read at A; delivering it pushes onto a not-present stack page → #PF again → #DF,
        // delivered on IST1; CR2 was overwritten with the stack address (the nested #PF was detected).
        let h = try SystemHarness(code: "fault: mov (%rbx), %rax")
        try h.setPTE(0x20_0000, 0)
        try h.setPTE(SystemHarness.stack - 4096, 0)
        try h.setGate(8, handler: h.stub(8), ist: 1)
        h.machine[.rbx] = 0x20_0008
        let result = h.run()
        #expect(h.stoppedIn(8, result))
        #expect(h.machine[.cr2] == SystemHarness.stack - 8)
        #expect(try h.frame(2) == [0, h.symbol("fault")])  // #DF error code 0
        #expect(h.machine.statistics.exceptionsDelivered == 1)
    }

    @Test func contributoryAfterContributoryIsADoubleFaultAndAFaultDeliveringItTripleFaults() throws {
        // #GP whose gate is not present → #NP (contributory) → #DF.
        let h = try SystemHarness(code: "mov (%rbx), %rax")
        h.machine[.rbx] = 0x8000_0000_0000
        try h.setGate(13, handler: h.stub(13), present: false)
        #expect(h.stoppedIn(8, h.run()))
        // The same with #DF's gate also not present: shutdown.
        let t = try SystemHarness(code: "fault: mov (%rbx), %rax")
        t.machine[.rbx] = 0x8000_0000_0000
        try t.setGate(13, handler: t.stub(13), present: false)
        try t.setGate(8, handler: t.stub(8), present: false)
        let result = t.run()
        #expect(result.stop == .tripleFault)
        #expect(result.rip == t.symbol("fault"))
    }

    @Test func benignThenContributoryIsDeliveredSerially() throws {
        // #UD whose gate is not present → #NP(6·8 + 2 + EXT) is delivered, not #DF.
        let h = try SystemHarness(code: "ud2")
        try h.setGate(6, handler: h.stub(6), present: false)
        #expect(h.stoppedIn(11, h.run()))
        #expect(try h.frame(1) == [6 * 8 + 3])
    }

    @Test func iretqReturnsToCPL3AndPrivilegedInstructionsThenRaiseGP() throws {
        // Kernel builds an IRET frame to user code, which executes MOV from CR2 → #GP(0) at CPL 3.
        let h = try SystemHarness(code: """
            pushq $0x1b
            pushq $0x4f000
            pushq $0x202
            pushq $0x23
            lea user(%rip), %rax
            push %rax
            iretq
            .balign 4096
            user: mov $1, %r9
            fault: mov %cr2, %rax
            """)
        let user = h.symbol("user")
        try h.makeUser(user)
        try h.makeUser(SystemHarness.stack - 4096)
        let result = h.run()
        #expect(h.stoppedIn(13, result))
        #expect(h.machine[.r9] == 1)
        #expect(try h.frame(6) == [0, h.symbol("fault"), 0x23, 0x202, 0x4F000, 0x1B])
        #expect(h.machine.statistics.cr2Reads == 0)
    }

    @Test func privilegedInstructionsAtCPL3AllRaiseGPZero() throws {
        let instructions = [
            "mov %cr0, %rax", "mov %rax, %cr2", "mov %rax, %cr3", "cli", "sti", "hlt", "rdmsr", "wrmsr",
            "swapgs", "lgdt (%rsp)", "lidt (%rsp)", "ltr %ax", "invlpg (%rsp)", "clts", "wbinvd", "invd",
        ]
        for text in instructions {
            let h = try SystemHarness(code: text)
            try h.enterUserMode()
            let result = h.run()
            #expect(h.stoppedIn(13, result), "\(text)")
            #expect(try h.frame(2) == [0, 0x40_0000], "\(text)")
        }
    }

    @Test func userFetchFromASupervisorPageFaults() throws {
        let h = try SystemHarness(code: "nop")
        try h.enterUserMode(userPages: false)
        #expect(h.stoppedIn(14, h.run()))
        #expect(try h.frame(2) == [0x15, 0x40_0000])  // P | U | I/D
    }

    @Test func noIDTInTheBareProfileStopsTheRunAndLIDTEnablesDelivery() throws {
        let m = Machine()
        try m.load(bytes: [0x0F, 0x0B])  // ud2
        #expect(m.run().stop == .exception(vector: 6, errorCode: nil))
        #expect(!m.deliversExceptions)
        // An IDT with limit 0 loaded by LIDT: every delivery faults → #GP → #DF → triple fault.
        let code = try Toolchain.assembleProgram(".globl _start\n_start: lidt idtr(%rip)\nud2\nidtr: .word 0\n.quad 0", at: 0x40_0000)
        let t = Machine()
        t.load(code)
        #expect(t.run().stop == .tripleFault)
    }

    @Test func trapFlagRaisesASingleStepDebugTrapAfterTheNextInstruction() throws {
        // POPF sets TF: the instruction after POPF runs, then #DB (a trap: RIP after it). The handler's
        // frame has TF set in RFLAGS; delivery cleared it for the handler.
        let h = try SystemHarness(code: "pushq $0x102\npopf\nfirst: mov $1, %rax\nsecond: mov $2, %rax\nhlt")
        let result = h.run()
        #expect(h.stoppedIn(1, result))
        #expect(h.machine[.rax] == 1)
        #expect(try h.frame(3) == [h.symbol("second"), 0x08, 0x102])
        // In the bare profile (no IDT) the trap stops the run with vector 1.
        let m = Machine()
        try m.load(bytes: [0x68, 0x02, 0x01, 0, 0, 0x9D, 0x90, 0x90])  // push 0x102; popf; nop; nop
        let bare = m.run()
        #expect(bare.stop == .exception(vector: 1, errorCode: nil))
        #expect(bare.rip == 0x40_0007)
    }
}
