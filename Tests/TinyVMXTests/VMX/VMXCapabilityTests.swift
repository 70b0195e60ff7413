import Testing
import TinyVMX

/// The capability MSRs describe one consistent configuration (SDM vol. 3D appendix A) and are readable by
/// RDMSR at CPL 0, never writable.
@Suite struct VMXCapabilityTests {
    let msrs = VMXCapabilities.msrs

    @Test func everyMustBeOneControlIsAllowedToBeOne() {
        for index: UInt32 in [0x481, 0x482, 0x483, 0x484, 0x48B, 0x48D, 0x48E, 0x48F, 0x490] {
            let value = msrs[index]!
            let allowed0 = UInt32(truncatingIfNeeded: value), allowed1 = UInt32(value >> 32)
            #expect(allowed0 & ~allowed1 == 0, "MSR 0x\(String(index, radix: 16))")
        }
        // A TRUE MSR relaxes its non-TRUE partner's default-1 bits, never adds must-be-1 bits.
        for (plain, trueMSR): (UInt32, UInt32) in [(0x481, 0x48D), (0x482, 0x48E), (0x483, 0x48F), (0x484, 0x490)] {
            let a = msrs[plain]!, b = msrs[trueMSR]!
            #expect(UInt32(truncatingIfNeeded: b) & ~UInt32(truncatingIfNeeded: a) == 0)
            #expect(a >> 32 == b >> 32)
        }
    }

    @Test func basicAndFixedBits() {
        let basic = msrs[0x480]!
        #expect(UInt32(truncatingIfNeeded: basic) == VMXCapabilities.revisionID)
        #expect(VMXCapabilities.revisionID >> 31 == 0)
        #expect((basic >> 32) & 0x1FFF == 4096)
        #expect(basic & (1 << 55) != 0)  // TRUE MSRs exist
        #expect(msrs[0x486]! & ~msrs[0x487]! == 0)  // CR0 fixed-1 bits are allowed
        #expect(msrs[0x488]! & ~msrs[0x489]! == 0)
        // A typical 64-bit kernel's CR0 fits, and so does a CR4 with VMXE.
        #expect(0x8005_0033 & msrs[0x486]! == msrs[0x486]!)
        #expect(0x1526A0 & ~msrs[0x489]! == 0)
    }

    @Test func rdmsrReadsThemAndWrmsrFaults() throws {
        // rdmsr; hlt
        let m = Machine()
        try m.load(bytes: [0x0F, 0x32, 0xF4])
        m[.rcx] = 0x480
        #expect(m.run().stop == .halt)
        #expect(m[.rax] == 0x5456_4D58 && m[.rdx] == msrs[0x480]! >> 32)
        #expect(m.readMSR(0x3A) == 0x5)
        // wrmsr of a capability MSR or of the locked feature control: #GP(0).
        for index: UInt64 in [0x3A, 0x480, 0x48C] {
            let w = Machine()
            try w.load(bytes: [0x0F, 0x30, 0xF4])
            w[.rcx] = index
            #expect(w.run().stop == .exception(vector: 13, errorCode: 0))
        }
    }
}
