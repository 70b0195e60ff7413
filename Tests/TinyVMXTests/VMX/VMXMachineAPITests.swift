import Testing
import TinyVMX

/// The embedding API for VMX (`Machine+VMX`), used as an outside test suite would, on a real VM exit.
@Suite struct VMXMachineAPITests {
    static let program = CorpusTests.programsDirectory + "/vmx/vmx_launch_vmcall.S"

    func launched() throws -> Machine {
        let m = Machine()
        m.load(try Toolchain.loadProgram(path: Self.program, baseAddress: Machine.defaultLoadAddress, entry: nil))
        #expect(m.run().stop == .halt)
        return m
    }

    @Test func statusLogAndFields() throws {
        let m = try launched()
        let status = m.vmx
        #expect(status.operation == .root && status.entries == 1 && status.exits == 1)
        let vmcs = try #require(status.currentVMCS)
        #expect(status.lastExit == m.vmExitLog.last && m.vmExitLog.count == 1)
        #expect(status.lastExit?.reason == VMExitReason.vmcall && status.lastExit?.instructionLength == 3)
        #expect(try m.readVMCS(.exitReason) == UInt64(VMExitReason.vmcall))
        #expect(try m.readVMCS(.guestRIP) == status.lastExit?.guestRIP)
        #expect(try m.readVMCS(.exitReason, vmcs: vmcs) == UInt64(VMExitReason.vmcall))
        // Unlike VMWRITE, the API may write an exit-information field; a value is truncated to the width.
        try m.writeVMCS(.exitQualification, 0x1234)
        try m.writeVMCS(.guestCSSelector, 0x12_3456)
        #expect(try m.readVMCS(.exitQualification) == 0x1234 && m.readVMCS(.guestCSSelector) == 0x3456)
        let fields = try m.nonZeroVMCSFields()
        #expect(fields.allSatisfy { $0.value != 0 })
        #expect(fields.contains { $0.field == .exitQualification && $0.value == 0x1234 })
        #expect(!fields.contains { $0.field == .idtVectoringInfo })  // zero after a VMCALL exit
    }

    @Test func resetReturnsToTheStateAfterLoad() throws {
        let m = try launched()
        m.reset()
        #expect(m.vmx.operation == .none && m.vmx.currentVMCS == nil && m.vmx.exits == 0)
        #expect(m.vmExitLog.isEmpty && m.vmx.lastExit == nil)
        #expect(m.run().stop == .halt)
        #expect(m.vmx.exits == 1 && m.vmExitLog.count == 1)
    }

    @Test func badVMCSAccessesAreTypedErrors() throws {
        let m = Machine()
        #expect(throws: MachineError.noCurrentVMCS) { try m.readVMCS(.guestRIP) }
        #expect(throws: MachineError.noCurrentVMCS) { try m.writeVMCS(.guestRIP, 1) }
        #expect(throws: MachineError.invalidVMCSRegion(0x1008)) { try m.readVMCS(.guestRIP, vmcs: 0x1008) }
        let beyond = UInt64(1) << 40
        #expect(throws: MachineError.invalidVMCSRegion(beyond)) { try m.nonZeroVMCSFields(vmcs: beyond) }
        #expect(MachineError.invalidVMCSRegion(0x1008).description.contains("0x1008"))
        // A region named explicitly works without VMX operation.
        try m.writeVMCS(.hostRIP, 0xFFFF_FFFF_8000_0000, vmcs: 0x10_0000)
        #expect(try m.readVMCS(.hostRIP, vmcs: 0x10_0000) == 0xFFFF_FFFF_8000_0000)
    }
}
