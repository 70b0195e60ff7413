// The VMCS fields TinyVMX supports, their encodings (Intel SDM vol. 3D, appendix B "Field Encoding in VMCS";
// encoding structure: vol. 3C "VMREAD, VMWRITE, and Encodings of VMCS Fields"), and where each one lives in
// the 4 KiB VMCS region in guest-physical memory.
//
// Region layout chosen by TinyVMX (the SDM leaves the format implementation-specific, except bytes 0-3):
//   0x000  UInt32  revision identifier (bits 30:0) | shadow-VMCS indicator (bit 31)  — architectural
//   0x004  UInt32  VMX-abort indicator                                               — architectural
//   0x008  UInt32  launch state (0 = clear, 1 = launched)                            — TinyVMX's choice
//   0x00C  UInt32  reserved (0)
//   0x010  UInt64  field slots: field `f` is stored little-endian at 16 + 8 * f.slot, zero-extended to 64 bits.
//
// Slot numbers are stable: slot = first slot of the (width, type) group + the encoding's index (bits 9:1),
// so a field added later in the same group gets the next free number without moving any existing field.
// Group capacities leave room for every field the SDM defines today. The highest slot ends at byte 2576.
//
// Encoding bits (SDM): [0] access type (1 = high 32 bits of a 64-bit field), [9:1] index, [11:10] type
// (0 control, 1 VM-exit information / read-only, 2 guest state, 3 host state), [12] reserved (0),
// [14:13] width (0 16-bit, 1 64-bit, 2 32-bit, 3 natural width), [31:15] reserved (0). In 64-bit mode
// VMREAD/VMWRITE take a 64-bit register; any set bit in 63:15 means an unsupported component.

/// Width of a VMCS field, as encoded in bits 14:13.
public enum VMCSFieldWidth: UInt8, Sendable, CaseIterable {
    case bits16 = 0
    case bits64 = 1
    case bits32 = 2
    /// 64 bits on a processor with Intel 64 architecture (TinyVMX is always 64-bit).
    case natural = 3

    /// Number of value bits stored for a field of this width.
    public var bitCount: Int {
        switch self {
        case .bits16: return 16
        case .bits32: return 32
        case .bits64, .natural: return 64
        }
    }

    /// Mask of the bits a field of this width holds.
    public var valueMask: UInt64 {
        switch self {
        case .bits16: return 0xFFFF
        case .bits32: return 0xFFFF_FFFF
        case .bits64, .natural: return ~0
        }
    }
}

/// Type of a VMCS field, as encoded in bits 11:10.
public enum VMCSFieldType: UInt8, Sendable, CaseIterable {
    case control = 0
    /// VM-exit information fields ("read-only data"). VMWRITE to these is VMfailValid(13) while
    /// IA32_VMX_MISC bit 29 is 0, which is what CAPABILITIES.md proposes.
    case readOnly = 1
    case guest = 2
    case host = 3
}

/// Access type of an encoding, bit 0.
public enum VMCSAccessType: UInt8, Sendable {
    /// The whole field.
    case full = 0
    /// Bits 63:32 of a 64-bit field, read or written as a 32-bit value.
    case high = 1
}

/// Decoding of a raw VMREAD/VMWRITE field operand, without asking whether the field exists.
public struct VMCSEncoding: Hashable, Sendable {
    /// The register operand as executed (64 bits in 64-bit mode).
    public let raw: UInt64

    public init(_ raw: UInt64) { self.raw = raw }

    public var accessType: VMCSAccessType { raw & 1 == 0 ? .full : .high }
    public var index: Int { Int((raw >> 1) & 0x1FF) }
    public var type: VMCSFieldType { VMCSFieldType(rawValue: UInt8((raw >> 10) & 3))! }
    public var width: VMCSFieldWidth { VMCSFieldWidth(rawValue: UInt8((raw >> 13) & 3))! }
    /// Bit 12 and bits 63:15 are zero. An encoding that fails this names no field.
    public var reservedBitsClear: Bool { raw & ~UInt64(0x6FFF) == 0 }
    /// The encoding with the access-type bit cleared (the field's full-access encoding).
    public var fullEncoding: UInt64 { raw & ~1 }
}

/// One VMCS field TinyVMX supports.
public struct VMCSField: Hashable, Sendable, CustomStringConvertible {
    /// Full-access encoding (bit 0 clear).
    public let encoding: UInt32
    /// The SDM's name for the field (appendix B), used by `--vmcs`.
    public let name: String
    public let width: VMCSFieldWidth
    public let type: VMCSFieldType
    /// Stable storage slot: the value lives at `regionOffset` in the VMCS region.
    public let slot: Int

    /// Byte offset of the first field slot in the VMCS region.
    public static let firstSlotOffset = 16
    /// Size of the VMCS region (IA32_VMX_BASIC bits 44:32).
    public static let regionSize = 4096
    /// Byte offset of TinyVMX's launch-state word in the VMCS region.
    public static let launchStateOffset = 8

    init(_ encoding: UInt32, _ name: String, _ width: VMCSFieldWidth, _ type: VMCSFieldType, slot: Int) {
        self.encoding = encoding
        self.name = name
        self.width = width
        self.type = type
        self.slot = slot
    }

    /// Byte offset of this field's 8-byte slot in the VMCS region.
    public var regionOffset: Int { VMCSField.firstSlotOffset + 8 * slot }
    /// Index, bits 9:1 of the encoding.
    public var index: Int { Int((encoding >> 1) & 0x1FF) }
    /// VMWRITE fails with VM-instruction error 13 for these (IA32_VMX_MISC bit 29 = 0).
    public var isReadOnly: Bool { type == .readOnly }
    /// Whether an encoding with bit 0 set (high access) names this field.
    public var allowsHighAccess: Bool { width == .bits64 }

    public var description: String { "\(name) (0x\(String(encoding, radix: 16, uppercase: true)))" }

    /// First slot of each (width, type) group and how many indices it holds; slot = first + index.
    static func group(_ width: VMCSFieldWidth, _ type: VMCSFieldType) -> (first: Int, capacity: Int) {
        switch (width, type) {
        case (.bits16, .control): return (0, 8)
        case (.bits16, .readOnly): return (8, 4)
        case (.bits16, .guest): return (12, 16)
        case (.bits16, .host): return (28, 8)
        case (.bits64, .control): return (36, 64)
        case (.bits64, .readOnly): return (100, 8)
        case (.bits64, .guest): return (108, 32)
        case (.bits64, .host): return (140, 16)
        case (.bits32, .control): return (156, 32)
        case (.bits32, .readOnly): return (188, 16)
        case (.bits32, .guest): return (204, 32)
        case (.bits32, .host): return (236, 8)
        case (.natural, .control): return (244, 16)
        case (.natural, .readOnly): return (260, 16)
        case (.natural, .guest): return (276, 32)
        case (.natural, .host): return (308, 32)
        }
    }

    /// The field a VMREAD/VMWRITE register operand names, or nil when the SDM says the instruction fails
    /// with VMfailValid(12) "VMREAD/VMWRITE from/to unsupported VMCS component":
    /// reserved bits (63:15, 12) set, an encoding TinyVMX does not support, or the high-access form
    /// (bit 0 = 1) of a field that is not 64 bits wide.
    public static func lookup(_ encoding: UInt64) -> VMCSField? {
        let e = VMCSEncoding(encoding)
        guard e.reservedBitsClear, let field = byEncoding[UInt32(truncatingIfNeeded: e.fullEncoding)] else {
            return nil
        }
        if e.accessType == .high && !field.allowsHighAccess { return nil }
        return field
    }

    /// `lookup` plus the access type, which VMREAD/VMWRITE need to pick the half of a 64-bit field.
    public static func resolve(_ encoding: UInt64) -> (field: VMCSField, access: VMCSAccessType)? {
        guard let field = lookup(encoding) else { return nil }
        return (field, VMCSEncoding(encoding).accessType)
    }

    /// Value VMREAD returns for `access` given the stored 64-bit slot (already masked to the field width):
    /// full access returns the field zero-extended; high access returns bits 63:32 in bits 31:0.
    public static func readValue(stored: UInt64, access: VMCSAccessType) -> UInt64 {
        access == .high ? stored >> 32 : stored
    }

    /// New slot contents after VMWRITE of `operand` with `access`: a full write keeps the low `width` bits of the
    /// operand (higher bits are ignored); a high write replaces bits 63:32 with bits 31:0 of the operand.
    public func writtenValue(stored: UInt64, operand: UInt64, access: VMCSAccessType) -> UInt64 {
        if access == .high { return (stored & 0xFFFF_FFFF) | (operand << 32) }
        return operand & width.valueMask
    }

    /// Fields by full-access encoding.
    public static let byEncoding: [UInt32: VMCSField] = {
        var map: [UInt32: VMCSField] = [:]
        for field in all { map[field.encoding] = field }
        return map
    }()

    /// Checks the table's own invariants; returns the problems found (empty when consistent).
    public static func tableProblems() -> [String] {
        var problems: [String] = []
        var slots: Set<Int> = []
        var encodings: Set<UInt32> = []
        for f in all {
            let e = VMCSEncoding(UInt64(f.encoding))
            if !e.reservedBitsClear || e.accessType != .full { problems.append("\(f): bad encoding bits") }
            if e.width != f.width { problems.append("\(f): width \(f.width) but encoding says \(e.width)") }
            if e.type != f.type { problems.append("\(f): type \(f.type) but encoding says \(e.type)") }
            let g = group(f.width, f.type)
            if f.index >= g.capacity { problems.append("\(f): index \(f.index) beyond group capacity") }
            if f.slot != g.first + f.index { problems.append("\(f): slot \(f.slot) != \(g.first + f.index)") }
            if f.regionOffset + 8 > regionSize { problems.append("\(f): slot outside the 4 KiB region") }
            if !slots.insert(f.slot).inserted { problems.append("\(f): duplicate slot") }
            if !encodings.insert(f.encoding).inserted { problems.append("\(f): duplicate encoding") }
        }
        return problems
    }

    // MARK: - The fields (SDM vol. 3D appendix B, tables B-1 to B-15)

    public static let vpid = VMCSField(0x0000, "Virtual-processor identifier (VPID)", .bits16, .control, slot: 0)
    public static let guestESSelector = VMCSField(0x0800, "Guest ES selector", .bits16, .guest, slot: 12)
    public static let guestCSSelector = VMCSField(0x0802, "Guest CS selector", .bits16, .guest, slot: 13)
    public static let guestSSSelector = VMCSField(0x0804, "Guest SS selector", .bits16, .guest, slot: 14)
    public static let guestDSSelector = VMCSField(0x0806, "Guest DS selector", .bits16, .guest, slot: 15)
    public static let guestFSSelector = VMCSField(0x0808, "Guest FS selector", .bits16, .guest, slot: 16)
    public static let guestGSSelector = VMCSField(0x080A, "Guest GS selector", .bits16, .guest, slot: 17)
    public static let guestLDTRSelector = VMCSField(0x080C, "Guest LDTR selector", .bits16, .guest, slot: 18)
    public static let guestTRSelector = VMCSField(0x080E, "Guest TR selector", .bits16, .guest, slot: 19)
    public static let hostESSelector = VMCSField(0x0C00, "Host ES selector", .bits16, .host, slot: 28)
    public static let hostCSSelector = VMCSField(0x0C02, "Host CS selector", .bits16, .host, slot: 29)
    public static let hostSSSelector = VMCSField(0x0C04, "Host SS selector", .bits16, .host, slot: 30)
    public static let hostDSSelector = VMCSField(0x0C06, "Host DS selector", .bits16, .host, slot: 31)
    public static let hostFSSelector = VMCSField(0x0C08, "Host FS selector", .bits16, .host, slot: 32)
    public static let hostGSSelector = VMCSField(0x0C0A, "Host GS selector", .bits16, .host, slot: 33)
    public static let hostTRSelector = VMCSField(0x0C0C, "Host TR selector", .bits16, .host, slot: 34)
    public static let ioBitmapA = VMCSField(0x2000, "Address of I/O bitmap A", .bits64, .control, slot: 36)
    public static let ioBitmapB = VMCSField(0x2002, "Address of I/O bitmap B", .bits64, .control, slot: 37)
    public static let msrBitmap = VMCSField(0x2004, "Address of MSR bitmaps", .bits64, .control, slot: 38)
    public static let exitMSRStoreAddress = VMCSField(0x2006, "VM-exit MSR-store address", .bits64, .control, slot: 39)
    public static let exitMSRLoadAddress = VMCSField(0x2008, "VM-exit MSR-load address", .bits64, .control, slot: 40)
    public static let entryMSRLoadAddress = VMCSField(0x200A, "VM-entry MSR-load address", .bits64, .control, slot: 41)
    public static let tscOffset = VMCSField(0x2010, "TSC offset", .bits64, .control, slot: 44)
    public static let virtualAPICAddress = VMCSField(0x2012, "Virtual-APIC address", .bits64, .control, slot: 45)
    public static let eptPointer = VMCSField(0x201A, "EPT pointer (EPTP)", .bits64, .control, slot: 49)
    public static let guestPhysicalAddress = VMCSField(0x2400, "Guest-physical address", .bits64, .readOnly, slot: 100)
    public static let vmcsLinkPointer = VMCSField(0x2800, "VMCS link pointer", .bits64, .guest, slot: 108)
    public static let guestDebugCtl = VMCSField(0x2802, "Guest IA32_DEBUGCTL", .bits64, .guest, slot: 109)
    public static let guestPAT = VMCSField(0x2804, "Guest IA32_PAT", .bits64, .guest, slot: 110)
    public static let guestEFER = VMCSField(0x2806, "Guest IA32_EFER", .bits64, .guest, slot: 111)
    public static let hostPAT = VMCSField(0x2C00, "Host IA32_PAT", .bits64, .host, slot: 140)
    public static let hostEFER = VMCSField(0x2C02, "Host IA32_EFER", .bits64, .host, slot: 141)
    public static let pinBasedControls = VMCSField(0x4000, "Pin-based VM-execution controls", .bits32, .control, slot: 156)
    public static let primaryProcessorControls = VMCSField(0x4002, "Primary processor-based VM-execution controls", .bits32, .control, slot: 157)
    public static let exceptionBitmap = VMCSField(0x4004, "Exception bitmap", .bits32, .control, slot: 158)
    public static let pageFaultErrorCodeMask = VMCSField(0x4006, "Page-fault error-code mask", .bits32, .control, slot: 159)
    public static let pageFaultErrorCodeMatch = VMCSField(0x4008, "Page-fault error-code match", .bits32, .control, slot: 160)
    public static let cr3TargetCount = VMCSField(0x400A, "CR3-target count", .bits32, .control, slot: 161)
    public static let exitControls = VMCSField(0x400C, "VM-exit controls", .bits32, .control, slot: 162)
    public static let exitMSRStoreCount = VMCSField(0x400E, "VM-exit MSR-store count", .bits32, .control, slot: 163)
    public static let exitMSRLoadCount = VMCSField(0x4010, "VM-exit MSR-load count", .bits32, .control, slot: 164)
    public static let entryControls = VMCSField(0x4012, "VM-entry controls", .bits32, .control, slot: 165)
    public static let entryMSRLoadCount = VMCSField(0x4014, "VM-entry MSR-load count", .bits32, .control, slot: 166)
    public static let entryInterruptionInfo = VMCSField(0x4016, "VM-entry interruption-information field", .bits32, .control, slot: 167)
    public static let entryExceptionErrorCode = VMCSField(0x4018, "VM-entry exception error code", .bits32, .control, slot: 168)
    public static let entryInstructionLength = VMCSField(0x401A, "VM-entry instruction length", .bits32, .control, slot: 169)
    public static let tprThreshold = VMCSField(0x401C, "TPR threshold", .bits32, .control, slot: 170)
    public static let secondaryProcessorControls = VMCSField(0x401E, "Secondary processor-based VM-execution controls", .bits32, .control, slot: 171)
    public static let vmInstructionError = VMCSField(0x4400, "VM-instruction error", .bits32, .readOnly, slot: 188)
    public static let exitReason = VMCSField(0x4402, "Exit reason", .bits32, .readOnly, slot: 189)
    public static let exitInterruptionInfo = VMCSField(0x4404, "VM-exit interruption information", .bits32, .readOnly, slot: 190)
    public static let exitInterruptionErrorCode = VMCSField(0x4406, "VM-exit interruption error code", .bits32, .readOnly, slot: 191)
    public static let idtVectoringInfo = VMCSField(0x4408, "IDT-vectoring information field", .bits32, .readOnly, slot: 192)
    public static let idtVectoringErrorCode = VMCSField(0x440A, "IDT-vectoring error code", .bits32, .readOnly, slot: 193)
    public static let exitInstructionLength = VMCSField(0x440C, "VM-exit instruction length", .bits32, .readOnly, slot: 194)
    public static let exitInstructionInfo = VMCSField(0x440E, "VM-exit instruction information", .bits32, .readOnly, slot: 195)
    public static let guestESLimit = VMCSField(0x4800, "Guest ES limit", .bits32, .guest, slot: 204)
    public static let guestCSLimit = VMCSField(0x4802, "Guest CS limit", .bits32, .guest, slot: 205)
    public static let guestSSLimit = VMCSField(0x4804, "Guest SS limit", .bits32, .guest, slot: 206)
    public static let guestDSLimit = VMCSField(0x4806, "Guest DS limit", .bits32, .guest, slot: 207)
    public static let guestFSLimit = VMCSField(0x4808, "Guest FS limit", .bits32, .guest, slot: 208)
    public static let guestGSLimit = VMCSField(0x480A, "Guest GS limit", .bits32, .guest, slot: 209)
    public static let guestLDTRLimit = VMCSField(0x480C, "Guest LDTR limit", .bits32, .guest, slot: 210)
    public static let guestTRLimit = VMCSField(0x480E, "Guest TR limit", .bits32, .guest, slot: 211)
    public static let guestGDTRLimit = VMCSField(0x4810, "Guest GDTR limit", .bits32, .guest, slot: 212)
    public static let guestIDTRLimit = VMCSField(0x4812, "Guest IDTR limit", .bits32, .guest, slot: 213)
    public static let guestESAccessRights = VMCSField(0x4814, "Guest ES access rights", .bits32, .guest, slot: 214)
    public static let guestCSAccessRights = VMCSField(0x4816, "Guest CS access rights", .bits32, .guest, slot: 215)
    public static let guestSSAccessRights = VMCSField(0x4818, "Guest SS access rights", .bits32, .guest, slot: 216)
    public static let guestDSAccessRights = VMCSField(0x481A, "Guest DS access rights", .bits32, .guest, slot: 217)
    public static let guestFSAccessRights = VMCSField(0x481C, "Guest FS access rights", .bits32, .guest, slot: 218)
    public static let guestGSAccessRights = VMCSField(0x481E, "Guest GS access rights", .bits32, .guest, slot: 219)
    public static let guestLDTRAccessRights = VMCSField(0x4820, "Guest LDTR access rights", .bits32, .guest, slot: 220)
    public static let guestTRAccessRights = VMCSField(0x4822, "Guest TR access rights", .bits32, .guest, slot: 221)
    public static let guestInterruptibilityState = VMCSField(0x4824, "Guest interruptibility state", .bits32, .guest, slot: 222)
    public static let guestActivityState = VMCSField(0x4826, "Guest activity state", .bits32, .guest, slot: 223)
    public static let guestSMBASE = VMCSField(0x4828, "Guest SMBASE", .bits32, .guest, slot: 224)
    public static let guestSysenterCS = VMCSField(0x482A, "Guest IA32_SYSENTER_CS", .bits32, .guest, slot: 225)
    public static let preemptionTimerValue = VMCSField(0x482E, "VMX-preemption timer value", .bits32, .guest, slot: 227)
    public static let hostSysenterCS = VMCSField(0x4C00, "Host IA32_SYSENTER_CS", .bits32, .host, slot: 236)
    public static let cr0GuestHostMask = VMCSField(0x6000, "CR0 guest/host mask", .natural, .control, slot: 244)
    public static let cr4GuestHostMask = VMCSField(0x6002, "CR4 guest/host mask", .natural, .control, slot: 245)
    public static let cr0ReadShadow = VMCSField(0x6004, "CR0 read shadow", .natural, .control, slot: 246)
    public static let cr4ReadShadow = VMCSField(0x6006, "CR4 read shadow", .natural, .control, slot: 247)
    public static let cr3Target0 = VMCSField(0x6008, "CR3-target value 0", .natural, .control, slot: 248)
    public static let cr3Target1 = VMCSField(0x600A, "CR3-target value 1", .natural, .control, slot: 249)
    public static let cr3Target2 = VMCSField(0x600C, "CR3-target value 2", .natural, .control, slot: 250)
    public static let cr3Target3 = VMCSField(0x600E, "CR3-target value 3", .natural, .control, slot: 251)
    public static let exitQualification = VMCSField(0x6400, "Exit qualification", .natural, .readOnly, slot: 260)
    public static let ioRCX = VMCSField(0x6402, "I/O RCX", .natural, .readOnly, slot: 261)
    public static let ioRSI = VMCSField(0x6404, "I/O RSI", .natural, .readOnly, slot: 262)
    public static let ioRDI = VMCSField(0x6406, "I/O RDI", .natural, .readOnly, slot: 263)
    public static let ioRIP = VMCSField(0x6408, "I/O RIP", .natural, .readOnly, slot: 264)
    public static let guestLinearAddress = VMCSField(0x640A, "Guest-linear address", .natural, .readOnly, slot: 265)
    public static let guestCR0 = VMCSField(0x6800, "Guest CR0", .natural, .guest, slot: 276)
    public static let guestCR3 = VMCSField(0x6802, "Guest CR3", .natural, .guest, slot: 277)
    public static let guestCR4 = VMCSField(0x6804, "Guest CR4", .natural, .guest, slot: 278)
    public static let guestESBase = VMCSField(0x6806, "Guest ES base", .natural, .guest, slot: 279)
    public static let guestCSBase = VMCSField(0x6808, "Guest CS base", .natural, .guest, slot: 280)
    public static let guestSSBase = VMCSField(0x680A, "Guest SS base", .natural, .guest, slot: 281)
    public static let guestDSBase = VMCSField(0x680C, "Guest DS base", .natural, .guest, slot: 282)
    public static let guestFSBase = VMCSField(0x680E, "Guest FS base", .natural, .guest, slot: 283)
    public static let guestGSBase = VMCSField(0x6810, "Guest GS base", .natural, .guest, slot: 284)
    public static let guestLDTRBase = VMCSField(0x6812, "Guest LDTR base", .natural, .guest, slot: 285)
    public static let guestTRBase = VMCSField(0x6814, "Guest TR base", .natural, .guest, slot: 286)
    public static let guestGDTRBase = VMCSField(0x6816, "Guest GDTR base", .natural, .guest, slot: 287)
    public static let guestIDTRBase = VMCSField(0x6818, "Guest IDTR base", .natural, .guest, slot: 288)
    public static let guestDR7 = VMCSField(0x681A, "Guest DR7", .natural, .guest, slot: 289)
    public static let guestRSP = VMCSField(0x681C, "Guest RSP", .natural, .guest, slot: 290)
    public static let guestRIP = VMCSField(0x681E, "Guest RIP", .natural, .guest, slot: 291)
    public static let guestRFLAGS = VMCSField(0x6820, "Guest RFLAGS", .natural, .guest, slot: 292)
    public static let guestPendingDebugExceptions = VMCSField(0x6822, "Guest pending debug exceptions", .natural, .guest, slot: 293)
    public static let guestSysenterESP = VMCSField(0x6824, "Guest IA32_SYSENTER_ESP", .natural, .guest, slot: 294)
    public static let guestSysenterEIP = VMCSField(0x6826, "Guest IA32_SYSENTER_EIP", .natural, .guest, slot: 295)
    public static let hostCR0 = VMCSField(0x6C00, "Host CR0", .natural, .host, slot: 308)
    public static let hostCR3 = VMCSField(0x6C02, "Host CR3", .natural, .host, slot: 309)
    public static let hostCR4 = VMCSField(0x6C04, "Host CR4", .natural, .host, slot: 310)
    public static let hostFSBase = VMCSField(0x6C06, "Host FS base", .natural, .host, slot: 311)
    public static let hostGSBase = VMCSField(0x6C08, "Host GS base", .natural, .host, slot: 312)
    public static let hostTRBase = VMCSField(0x6C0A, "Host TR base", .natural, .host, slot: 313)
    public static let hostGDTRBase = VMCSField(0x6C0C, "Host GDTR base", .natural, .host, slot: 314)
    public static let hostIDTRBase = VMCSField(0x6C0E, "Host IDTR base", .natural, .host, slot: 315)
    public static let hostSysenterESP = VMCSField(0x6C10, "Host IA32_SYSENTER_ESP", .natural, .host, slot: 316)
    public static let hostSysenterEIP = VMCSField(0x6C12, "Host IA32_SYSENTER_EIP", .natural, .host, slot: 317)
    public static let hostRSP = VMCSField(0x6C14, "Host RSP", .natural, .host, slot: 318)
    public static let hostRIP = VMCSField(0x6C16, "Host RIP", .natural, .host, slot: 319)


    /// Every field, in encoding order.
    public static let all: [VMCSField] = [
        vpid, guestESSelector, guestCSSelector, guestSSSelector, guestDSSelector, guestFSSelector, guestGSSelector,
        guestLDTRSelector, guestTRSelector, hostESSelector, hostCSSelector, hostSSSelector, hostDSSelector,
        hostFSSelector, hostGSSelector, hostTRSelector, ioBitmapA, ioBitmapB, msrBitmap, exitMSRStoreAddress,
        exitMSRLoadAddress, entryMSRLoadAddress, tscOffset, virtualAPICAddress, eptPointer, guestPhysicalAddress,
        vmcsLinkPointer, guestDebugCtl, guestPAT, guestEFER, hostPAT, hostEFER, pinBasedControls,
        primaryProcessorControls, exceptionBitmap, pageFaultErrorCodeMask, pageFaultErrorCodeMatch, cr3TargetCount,
        exitControls, exitMSRStoreCount, exitMSRLoadCount, entryControls, entryMSRLoadCount, entryInterruptionInfo,
        entryExceptionErrorCode, entryInstructionLength, tprThreshold, secondaryProcessorControls,
        vmInstructionError, exitReason, exitInterruptionInfo, exitInterruptionErrorCode, idtVectoringInfo,
        idtVectoringErrorCode, exitInstructionLength, exitInstructionInfo, guestESLimit, guestCSLimit, guestSSLimit,
        guestDSLimit, guestFSLimit, guestGSLimit, guestLDTRLimit, guestTRLimit, guestGDTRLimit, guestIDTRLimit,
        guestESAccessRights, guestCSAccessRights, guestSSAccessRights, guestDSAccessRights, guestFSAccessRights,
        guestGSAccessRights, guestLDTRAccessRights, guestTRAccessRights, guestInterruptibilityState,
        guestActivityState, guestSMBASE, guestSysenterCS, preemptionTimerValue, hostSysenterCS, cr0GuestHostMask,
        cr4GuestHostMask, cr0ReadShadow, cr4ReadShadow, cr3Target0, cr3Target1, cr3Target2, cr3Target3,
        exitQualification, ioRCX, ioRSI, ioRDI, ioRIP, guestLinearAddress, guestCR0, guestCR3, guestCR4,
        guestESBase, guestCSBase, guestSSBase, guestDSBase, guestFSBase, guestGSBase, guestLDTRBase, guestTRBase,
        guestGDTRBase, guestIDTRBase, guestDR7, guestRSP, guestRIP, guestRFLAGS, guestPendingDebugExceptions,
        guestSysenterESP, guestSysenterEIP, hostCR0, hostCR3, hostCR4, hostFSBase, hostGSBase, hostTRBase,
        hostGDTRBase, hostIDTRBase, hostSysenterESP, hostSysenterEIP, hostRSP, hostRIP,
    ]
}
