import Testing
import TinyVMX

/// IN/OUT outside VMX non-root operation (no devices: IN reads all ones), and `Machine.step()` making an
/// event that retires nothing a step of its own.
@Suite struct PortIOAndStepTests {
    @Test func inReadsAllOnesAndOutChangesNothing() throws {
        // in al, 0x80; in ax, dx; in eax, dx; out 0x80, al; hlt
        let m = Machine()
        try m.load(bytes: [0xE4, 0x80, 0x66, 0xED, 0xED, 0xE6, 0x80, 0xF4])
        m[.rax] = 0x1122_3344_5566_7700
        m[.rdx] = 0x3F8
        #expect(m.run(maxInstructions: 2).stop == .instructionLimit)
        #expect(m[.rax] == 0x1122_3344_5566_FFFF)  // AL then AX: the upper bits stay
        #expect(m.run().stop == .halt)
        #expect(m[.rax] == 0xFFFF_FFFF)  // EAX zero-extends
        #expect(m[.rdx] == 0x3F8)
    }

    @Test func portAccessAboveIOPLIsGP() throws {
        let h = try SystemHarness(code: "in $0x80, %al\nhlt")
        try h.enterUserMode()
        #expect(h.stoppedIn(13, h.machine.run()))
        #expect(try h.frame(2) == [0, Machine.defaultLoadAddress])  // #GP(0) on the IN
    }

    @Test func aDeliveryIsAStepOfItsOwn() throws {
        let h = try SystemHarness(code: "nop\nud2\nhlt")
        var s = h.machine.step()
        #expect(s.instructions == 1 && s.rip == Machine.defaultLoadAddress + 1)
        s = h.machine.step()  // UD2 faults: #UD is delivered, nothing retires
        #expect(s.stop == .instructionLimit && s.instructions == 0 && s.rip == h.stub(6))
        s = h.machine.step()  // the handler's first instruction
        #expect(s.instructions == 1 && s.rip == h.stub(6) + 1)
        // With run, a delivered exception costs one budget unit: a budget of 2 is the delivery and the
        // handler's first instruction.
        let g = try SystemHarness(code: "ud2\nhlt")
        let r = g.machine.run(maxInstructions: 2)
        #expect(r.instructions == 1 && r.rip == g.stub(6) + 1)
    }
}
