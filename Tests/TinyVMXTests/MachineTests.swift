import Testing
import TinyVMX

/// The embedding API, used the way an outside test suite would.
@Suite struct MachineTests {
    @Test func embedderExample() throws {
        // add rax, rbx; hlt
        let machine = Machine()
        try machine.load(bytes: [0x48, 0x01, 0xD8, 0xF4], at: 0x40_0000)
        machine[.rax] = 2
        machine[.rbx] = 40
        let result = machine.run()
        #expect(result.stop == .halt)
        #expect(result.instructions == 2)
        #expect(result.rip == 0x40_0004)
        #expect(machine[.rax] == 42)
    }

    @Test func bareProfile() {
        let m = Machine()
        #expect(m[.cr0] == 0x8005_0033)
        #expect(m[.cr4] & 0x20 != 0)  // PAE
        #expect(m[.cr4] & 0x2000 == 0)  // VMXE clear
        #expect(m[.efer] == 0xD01)
        #expect(m[.rsp] == Machine.defaultStackTop)
        #expect(m[.rflags] == 0x2)
    }

    @Test func subRegisterSemantics() throws {
        // mov eax, -1 (zero-extends); mov ah, 0x12; mov bx, 0x3456; mov cl, 0x78; hlt
        let m = Machine()
        m[.rax] = ~0
        m[.rbx] = ~0
        m[.rcx] = ~0
        try m.load(bytes: [0xB8, 0xFF, 0xFF, 0xFF, 0xFF, 0xB4, 0x12, 0x66, 0xBB, 0x56, 0x34, 0xB1, 0x78, 0xF4])
        #expect(m.run().stop == .halt)
        #expect(m[.rax] == 0x0000_0000_FFFF_12FF)
        #expect(m[.rbx] == 0xFFFF_FFFF_FFFF_3456)
        #expect(m[.rcx] == 0xFFFF_FFFF_FFFF_FF78)
    }

    @Test func stepExecutesOneInstructionAtATime() throws {
        let m = Machine()
        try m.load(bytes: [0x48, 0xFF, 0xC0, 0x48, 0xFF, 0xC0, 0xF4])  // inc rax; inc rax; hlt
        #expect(m.step().stop == .instructionLimit)
        #expect(m[.rax] == 1 && m[.rip] == 0x40_0003)
        #expect(m.step().stop == .instructionLimit)
        #expect(m[.rax] == 2)
        #expect(m.step().stop == .halt)
        #expect(m.instructionsExecuted == 3)
    }

    @Test func resetRestoresRegistersAndMemory() throws {
        // mov qword [0x1000], 5; inc rax; hlt
        let m = Machine()
        try m.load(bytes: [0x48, 0xC7, 0x04, 0x25, 0x00, 0x10, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, 0x48, 0xFF, 0xC0, 0xF4])
        m.run()
        #expect(try m.read64(at: 0x1000) == 5)
        #expect(m[.rax] == 1)
        m.reset()
        #expect(try m.read64(at: 0x1000) == 0)
        #expect(m[.rax] == 0 && m[.rip] == 0x40_0000)
        #expect(m.run().stop == .halt)
        #expect(m[.rax] == 1)
    }

    @Test func resetAfterSelfModifyingCodeRunsTheOriginalCode() throws {
        // mov byte [rip+1], 0x2a ... patches the following `mov eax, 1` immediate.
        let image = try Toolchain.assembleProgram("_start: movb $0x2a, 1f+1(%rip)\n1: mov $1, %eax\nhlt\n", at: 0x40_0000, entry: nil)
        let m = Machine()
        m.load(image)
        m.run()
        #expect(m[.rax] == 0x2A)
        m.reset()
        #expect(try m.readMemory(at: image.entry + 8, count: 1) == [0x01])
        m.run()
        #expect(m[.rax] == 0x2A)
        #expect(m.statistics.codeInvalidations >= 2)
    }

    @Test func memoryAPIRejectsUnmappedAddresses() {
        let m = Machine()
        #expect(throws: MachineError.unmappedAddress(0x1_0000_0000)) { try m.readMemory(at: 0x1_0000_0000, count: 1) }
        #expect(throws: MachineError.unmappedAddress(0x8000_0000_0000)) { try m.writeMemory([1], at: 0x8000_0000_0000) }
    }

    @Test func unsupportedInstructionNamesAddressBytesAndMnemonic() throws {
        let m = Machine()
        try m.load(bytes: [0x90, 0x0F, 0x28, 0xC8, 0xF4])  // nop; movaps xmm1, xmm0; hlt
        let result = m.run()
        guard case .unsupported(let u) = result.stop else {
            Issue.record("expected unsupported, got \(result.stop)")
            return
        }
        #expect(u.address == 0x40_0001)
        #expect(u.bytes == [0x0F, 0x28, 0xC8])
        #expect(u.disassembly == "movaps xmm1, xmm0")
        #expect(u.description.contains("0x400001") && u.description.contains("0f 28 c8"))
        #expect(result.instructions == 1)
    }

    @Test func truncatedInstructionAtTheEndOfMappedMemoryFaultsOnTheNextPage() throws {
        // A 10-byte movabs whose last bytes would sit above 4 GiB: the fetch of the second page faults.
        let m = Machine()
        try m.load(bytes: [0x48, 0xB8, 0x01, 0x02], at: 0xFFFF_FFFC)
        let result = m.run()
        #expect(result.stop == .exception(vector: 14, errorCode: 0x10))
        #expect(m[.cr2] == 0x1_0000_0000)
        #expect(result.rip == 0xFFFF_FFFC)
    }

    @Test func budgetStopsARunawayLoopAndRunCanContinue() throws {
        let m = Machine()
        try m.load(bytes: [0xEB, 0xFE])  // jmp $
        let first = m.run(maxInstructions: 1000)
        #expect(first.stop == .instructionLimit && first.instructions == 1000)
        let second = m.run(maxInstructions: 500)
        #expect(second.instructions == 500)
        #expect(m.instructionsExecuted == 1500)
    }

    @Test func cpuidLeavesAreConfigurable() throws {
        var config = Machine.Configuration()
        config.cpuidLeaves = [.init(leaf: 0x4000_0000, registers: .init(eax: 1, ebx: 2, ecx: 3, edx: 4))]
        let m = Machine(configuration: config)
        try m.load(bytes: [0x0F, 0xA2, 0xF4])
        m[.rax] = 0x4000_0000
        m.run()
        #expect([m[.rax], m[.rbx], m[.rcx], m[.rdx]] == [1, 2, 3, 4])
    }

    @Test func modelSpecificRegisters() {
        var config = Machine.Configuration()
        config.msrs = [0x48: 1]  // SPEC_CTRL
        let m = Machine(configuration: config)
        #expect(m.readMSR(0xC000_0080) == 0xD01)  // EFER aliases the register
        #expect(m.readMSR(0x48) == 1)
        #expect(m.readMSR(0x1234) == nil)
        m.writeMSR(0xC000_0100, 0x7000)
        #expect(m[.fsBase] == 0x7000)
        m.writeMSR(0x1234, 5)
        #expect(m.readMSR(0x1234) == 5)
    }
}
