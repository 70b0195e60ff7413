import Testing
import TinyVMX

/// The VMCS field table against the SDM's encoding rules (vol. 3C "VMREAD, VMWRITE, and Encodings of VMCS
/// Fields", vol. 3D appendix B) and the encodings FACTS.md names.
@Suite struct VMCSFieldTests {
    @Test func tableIsConsistent() {
        #expect(VMCSField.tableProblems().isEmpty, "\(VMCSField.tableProblems())")
        #expect(VMCSField.all.count == VMCSField.byEncoding.count)
        // Every slot fits the 4 KiB region after the header.
        #expect(VMCSField.all.allSatisfy { $0.regionOffset >= 16 && $0.regionOffset + 8 <= 4096 })
    }

    @Test func encodingsFromTheReference() {
        let expected: [(UInt32, VMCSFieldWidth, VMCSFieldType)] = [
            (0x4004, .bits32, .control), (0x4006, .bits32, .control), (0x4008, .bits32, .control),
            (0x4400, .bits32, .readOnly), (0x4402, .bits32, .readOnly), (0x4404, .bits32, .readOnly),
            (0x4406, .bits32, .readOnly), (0x4408, .bits32, .readOnly), (0x440C, .bits32, .readOnly),
            (0x6400, .natural, .readOnly), (0x640A, .natural, .readOnly), (0x2400, .bits64, .readOnly),
            (0x0C00, .bits16, .host), (0x0C02, .bits16, .host), (0x0C04, .bits16, .host), (0x0C06, .bits16, .host),
            (0x0C08, .bits16, .host), (0x0C0A, .bits16, .host), (0x0C0C, .bits16, .host),
            (0x2C00, .bits64, .host), (0x2C02, .bits64, .host),
            (0x6C00, .natural, .host), (0x6C02, .natural, .host), (0x6C04, .natural, .host), (0x6C06, .natural, .host),
            (0x6C08, .natural, .host), (0x6C0A, .natural, .host), (0x6C0C, .natural, .host), (0x6C0E, .natural, .host),
            (0x6C14, .natural, .host), (0x6C16, .natural, .host),
            (0x6800, .natural, .guest), (0x6802, .natural, .guest), (0x6804, .natural, .guest),
            (0x681C, .natural, .guest), (0x681E, .natural, .guest), (0x6820, .natural, .guest),
        ]
        for (encoding, width, type) in expected {
            let field = VMCSField.lookup(UInt64(encoding))
            #expect(field?.width == width && field?.type == type, "0x\(String(encoding, radix: 16))")
        }
    }

    @Test func lookupRejectsWhatVMREADRejectsWithError12() {
        #expect(VMCSField.lookup(0x7FFE) == nil)  // no such field
        #expect(VMCSField.lookup(0x4003) == nil)  // high access to a 32-bit field
        #expect(VMCSField.lookup(0x1_4002) == nil)  // bit 16 set (bits 63:15 must be 0 in 64-bit mode)
        #expect(VMCSField.lookup(0x5002) == nil)  // bit 12 reserved
        #expect(VMCSField.lookup(0x2401)?.encoding == 0x2400)  // high half of a 64-bit field
    }

    @Test func widthRules() {
        let tsc = VMCSField.tscOffset, selector = VMCSField.guestCSSelector, reason = VMCSField.exitReason
        // Full write of a narrow field keeps the low bits; a high write replaces bits 63:32 only.
        #expect(selector.writtenValue(stored: 0, operand: 0x1234_5678_9ABC, access: .full) == 0x9ABC)
        #expect(reason.writtenValue(stored: 0, operand: ~0, access: .full) == 0xFFFF_FFFF)
        #expect(tsc.writtenValue(stored: 0x1111_1111_2222_2222, operand: 0xFFFF_FFFF_3333_3333, access: .high)
            == 0x3333_3333_2222_2222)
        #expect(VMCSField.readValue(stored: 0x3333_3333_2222_2222, access: .high) == 0x3333_3333)
        #expect(VMCSField.readValue(stored: 0x3333_3333_2222_2222, access: .full) == 0x3333_3333_2222_2222)
    }
}
