import Testing
import TinyVMX

/// Control registers, MSRs, segment bases and descriptor-table instructions at CPL 0, with the checks the
/// SDM's instruction reference gives for each.
@Suite struct PrivilegedInstructionTests {
    /// Runs `code` in the harness and returns the vector of the exception it raised (nil: it halted).
    func raisedVector(_ code: String, setup: (SystemHarness) throws -> Void = { _ in }) throws -> (UInt8?, SystemHarness) {
        let h = try SystemHarness(code: code + "\nhlt")
        try setup(h)
        let result = h.run()
        for v in 0..<32 where h.stoppedIn(UInt8(v), result) { return (UInt8(v), h) }
        #expect(result.stop == .halt)
        return (nil, h)
    }

    @Test func controlRegisterReservedBitsRaiseGP() throws {
        let bad: [(String, UInt64)] = [
            ("mov %rax, %cr4", 0x20 | 1 << 21),  // SMAP: not supported
            ("mov %rax, %cr4", 0x20 | 1 << 12),  // LA57
            ("mov %rax, %cr4", 0),  // clearing PAE in IA-32e mode
            ("mov %rax, %cr3", 1 << 40),  // above MAXPHYADDR (36 with 64 GiB)
            ("mov %rax, %cr0", 0x8005_0033 | 1 << 32),
            ("mov %rax, %cr0", 0x0005_0033),  // clearing PG in 64-bit mode
            ("mov %rax, %cr0", 0x8005_0033 | 1 << 29 & ~(1 << 30)),  // NW without CD
            ("mov %rax, %cr8", 0x10),
        ]
        for (text, value) in bad {
            let (vector, h) = try raisedVector(text) { $0.machine[.rax] = value }
            #expect(vector == 13, "\(text) with 0x\(String(value, radix: 16))")
            #expect(try h.frame(1) == [0])
        }
        let (ok, h) = try raisedVector("mov %rax, %cr4\nmov %cr4, %rbx\nmov %rcx, %cr8\nmov %cr8, %rdx") {
            $0.machine[.rax] = 0x20 | 1 << 13 | 1 << 16 | 1 << 7
            $0.machine[.rcx] = 0xF
        }
        #expect(ok == nil)
        #expect(h.machine[.rbx] == 0x20 | 1 << 13 | 1 << 16 | 1 << 7)
        #expect(h.machine[.rdx] == 0xF)
    }

    @Test func cr2MovesAreCountedAndAnyValueIsAccepted() throws {
        let (vector, h) = try raisedVector("mov %rax, %cr2\nmov %cr2, %rbx\nmov %cr2, %rcx") {
            $0.machine[.rax] = 0xFFFF_8000_DEAD_BEEF
        }
        #expect(vector == nil)
        #expect(h.machine[.rbx] == 0xFFFF_8000_DEAD_BEEF && h.machine[.rcx] == 0xFFFF_8000_DEAD_BEEF)
        #expect(h.machine.statistics.cr2Writes == 1)
        #expect(h.machine.statistics.cr2Reads == 2)
    }

    @Test func msrsReadWriteAndUnknownOnesRaiseGP() throws {
        let (vector, h) = try raisedVector("""
            mov $0x48, %ecx
            mov $1, %eax
            xor %edx, %edx
            wrmsr
            rdmsr
            mov %rax, %r8
            mov $0xc0000101, %ecx
            mov $0x1000, %eax
            mov $0x8000, %edx
            wrmsr
            """)
        #expect(vector == 13)  // 0x00008000_00001000 is not canonical → #GP(0)
        #expect(h.machine[.r8] == 1)
        let (unknown, _) = try raisedVector("mov $0x1234, %ecx\nrdmsr")
        #expect(unknown == 13)
        let (writeOnly, _) = try raisedVector("mov $0x49, %ecx\nrdmsr")  // PRED_CMD is write-only
        #expect(writeOnly == 13)
        // PRED_CMD / FLUSH_CMD take bit 0 only; MCU_OPT_CTRL reads back what was written.
        let (commands, c) = try raisedVector("""
            mov $0x49, %ecx
            mov $1, %eax
            xor %edx, %edx
            wrmsr
            mov $0x10b, %ecx
            wrmsr
            mov $0x123, %ecx
            mov $5, %eax
            wrmsr
            xor %eax, %eax
            rdmsr
            mov %rax, %r8
            mov $0x49, %ecx
            mov $2, %eax
            wrmsr
            """)
        #expect(commands == 13)
        #expect(c.machine[.r8] == 5)
        let (efer, _) = try raisedVector("mov $0xc0000080, %ecx\nmov $0xd01, %eax\nor $0x10000, %eax\nxor %edx,%edx\nwrmsr")
        #expect(efer == 13)  // a reserved EFER bit
    }

    @Test func swapgsExchangesPerCPUAndUserGSBases() throws {
        // Kernel per-CPU data at 0x2000 through KERNEL_GS_BASE; SWAPGS on entry, %gs: loads, SWAPGS back.
        let (vector, h) = try raisedVector("""
            swapgs
            mov %gs:8, %rax
            swapgs
            mov %gs:8, %rbx
            """) { h in
            try h.write64(0x2000, [0, 0xC0FFEE])
            try h.write64(0x3000, [0, 0xBEEF])
            h.machine[.gsBase] = 0x3000
            h.machine[.kernelGSBase] = 0x2000
        }
        #expect(vector == nil)
        #expect(h.machine[.rax] == 0xC0FFEE && h.machine[.rbx] == 0xBEEF)
        #expect(h.machine[.gsBase] == 0x3000 && h.machine[.kernelGSBase] == 0x2000)
    }

    @Test func fsgsbaseInstructionsNeedCR4Bit() throws {
        let (without, _) = try raisedVector("rdgsbase %rax")
        #expect(without == 6)
        let (with, h) = try raisedVector("wrfsbase %rbx\nrdfsbase %rcx\nmov %fs:0, %rdx") { h in
            h.machine[.cr4] = h.machine[.cr4] | 1 << 16
            h.machine[.rbx] = 0x2000
            try h.write64(0x2000, [0x5151])
        }
        #expect(with == nil)
        #expect(h.machine[.rcx] == 0x2000 && h.machine[.rdx] == 0x5151)
    }

    @Test func descriptorTableRegistersRoundTripAndLTRMarksTheTSSBusy() throws {
        let (vector, h) = try raisedVector("""
            sgdt 0x3000
            sidt 0x3010
            str %ax
            """)
        #expect(vector == nil)
        #expect(try h.machine.readMemory(at: 0x3000, count: 10) == [0x37, 0] + (0..<8).map { UInt8(truncatingIfNeeded: SystemHarness.gdt >> (8 * UInt64($0))) })
        #expect(try h.machine.readMemory(at: 0x3010, count: 2) == [0xFF, 0x0F])
        #expect(h.machine[.rax] & 0xFFFF == 0x28)
        // LTR of the available TSS: TR loaded, descriptor type 9 → 11 (busy); a second LTR of a busy TSS → #GP.
        let available = SystemHarness.tssDescriptorLow(base: SystemHarness.tss, limit: 0x67) & ~(0x2 << 40)
        let (first, t) = try raisedVector("mov $0x28, %ax\nltr %ax") { h in
            h.machine[.tr] = 0
            try h.write64(SystemHarness.gdt + 0x28, [available])
        }
        #expect(first == nil)
        #expect(t.machine[.trBase] == SystemHarness.tss && t.machine[.trLimit] == 0x67)
        #expect(try (t.machine.read64(at: SystemHarness.gdt + 0x28) >> 40) & 0xF == 0xB)
        let (second, s) = try raisedVector("mov $0x28, %ax\nltr %ax\nltr %ax") { h in
            try h.write64(SystemHarness.gdt + 0x28, [available])
        }
        #expect(second == 13)
        #expect(try s.frame(1) == [0x28])
    }

    @Test func verwSetsZFForWritableDataSegments() throws {
        let (vector, h) = try raisedVector("""
            mov $0x10, %ax
            verw %ax
            setz %bl
            mov $0x08, %ax
            verw %ax
            setz %cl
            xor %eax, %eax
            verw %ax
            setz %dl
            """)
        #expect(vector == nil)
        #expect(h.machine[.rbx] & 0xFF == 1)  // kernel data
        #expect(h.machine[.rcx] & 0xFF == 0)  // code
        #expect(h.machine[.rdx] & 0xFF == 0)  // null
    }

    @Test func xgetbvNeedsOSXSAVE() throws {
        let (without, _) = try raisedVector("xor %ecx, %ecx\nxgetbv")
        #expect(without == 6)
        let (with, h) = try raisedVector("xor %ecx, %ecx\nxgetbv") { h in h.machine[.cr4] = h.machine[.cr4] | 1 << 18 }
        #expect(with == nil)
        #expect(h.machine[.rax] == 1 && h.machine[.rdx] == 0)
    }

    @Test func popfAtCPL3CannotChangeIFOrIOPL() throws {
        // User code pushes RFLAGS with IF and IOPL set, POPFs, and reads back: unchanged IF (0) and IOPL (0).
        let h = try SystemHarness(code: "pushq $0x3202\npopf\npushf\npop %rax\nint3")
        try h.setGate(3, handler: h.stub(3), dpl: 3)
        try h.enterUserMode()
        #expect(h.stoppedIn(3, h.run()))
        #expect(h.machine[.rax] & 0x3200 == 0)
    }

    @Test func pushThatFaultsLeavesRSPAndTheStack() throws {
        // The #PF frame (on IST1, since the faulting stack is unusable) records RSP as it was before the
        // PUSH: no partial effect (SDM vol. 3, 6.6 "faults ... restart").
        let h = try SystemHarness(code: "fault: push %rax")
        let top: UInt64 = 0x20_0000 - 4096 + 8
        try h.setPTE(0x20_0000 - 4096, 0)
        try h.setGate(14, handler: h.stub(14), ist: 1)
        h.machine[.rsp] = top
        #expect(h.stoppedIn(14, h.run()))
        #expect(h.machine[.cr2] == top - 8)
        #expect(try h.frame(6) == [0x2, h.symbol("fault"), 0x08, 0x2, top, 0x10])
    }
}
