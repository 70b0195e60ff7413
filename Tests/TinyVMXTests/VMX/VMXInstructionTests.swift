import Testing
import TinyVMX

/// VMX instruction decoding and the #UD paths that need no VMX setup (SDM vol. 3C, "VMX Instruction
/// Reference"); the rest of the instructions' outcomes are corpus programs in `Programs/vmx/`.
@Suite struct VMXInstructionTests {
    /// Runs `bytes` in the bare profile (exceptions stop the run) and returns the stop.
    func stop(_ bytes: [UInt8], set: [(Register, UInt64)] = []) throws -> StopReason {
        let m = Machine()
        try m.load(bytes: bytes)
        for (r, v) in set { m[r] = v }
        return m.run(maxInstructions: 100).stop
    }

    @Test func outsideVMXOperationEveryVMXInstructionIsUD() throws {
        let encodings: [[UInt8]] = [
            [0x0F, 0x78, 0xD8],  // vmread rax, rbx
            [0x0F, 0x79, 0xD8],  // vmwrite rbx, rax
            [0x0F, 0x01, 0xC2], [0x0F, 0x01, 0xC3], [0x0F, 0x01, 0xC4], [0x0F, 0x01, 0xC1],  // vmlaunch/resume/xoff/call
            [0x66, 0x0F, 0xC7, 0x30], [0x0F, 0xC7, 0x30], [0x0F, 0xC7, 0x38],  // vmclear, vmptrld, vmptrst [rax]
            [0x66, 0x0F, 0x38, 0x80, 0x03], [0x66, 0x0F, 0x38, 0x81, 0x03],  // invept, invvpid
            [0xF3, 0x0F, 0xC7, 0x30],  // vmxon [rax] with CR4.VMXE = 0
        ]
        for bytes in encodings {
            #expect(try stop(bytes, set: [(.rax, 0x1000), (.rbx, 0x1000)]) == .exception(vector: 6, errorCode: nil),
                    "\(bytes)")
        }
    }

    @Test func prefixedVMREADIsUDThoughCapstoneDecodesIt() throws {
        // F3 0F 78 D8: Capstone says "vmread rax, rbx"; VMREAD is NP, so the CPU raises #UD even in VMX
        // operation. Set CR4.VMXE and enter VMX operation first so only the prefix can explain the #UD.
        let m = Machine()
        // mov rax, cr4; bts rax, 13; mov cr4, rax; vmxon [rsp]; jbe fail; F3 vmread; hlt
        var code: [UInt8] = [0x0F, 0x20, 0xE0, 0x48, 0x0F, 0xBA, 0xE8, 0x0D, 0x0F, 0x22, 0xE0]
        code += [0xF3, 0x0F, 0xC7, 0x34, 0x24]  // vmxon qword ptr [rsp]
        code += [0xF3, 0x0F, 0x78, 0xD8, 0xF4]
        try m.load(bytes: code)
        // The VMXON pointer on the stack names a region holding the revision id.
        let region: UInt64 = 0x10_0000
        try m.writeMemory([0x58, 0x4D, 0x56, 0x54], at: region)
        m[.rsp] = 0x20_0000
        try m.writeMemory((0..<8).map { UInt8(truncatingIfNeeded: region >> (8 * $0)) }, at: 0x20_0000)
        let result = m.run(maxInstructions: 100)
        #expect(m.vmx.operation == .root)
        #expect(m.vmx.vmxonRegion == region)
        #expect(result.stop == .exception(vector: 6, errorCode: nil))
        #expect(result.rip == Machine.defaultLoadAddress + 16)
    }
}
