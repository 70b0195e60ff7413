/// What TinyVMX's VMX implementation supports, as the IA32_VMX_* capability MSRs report it (SDM vol. 3D,
/// appendix A), and the control bits the engine acts on (SDM vol. 3C, 24.6–24.8).
///
/// For a control MSR, bits 31:0 are the allowed-0 settings (a 1 means the control must be 1) and bits 63:32
/// the allowed-1 settings (a 0 means the control must be 0). IA32_VMX_BASIC bit 55 is 1, so VM entry checks
/// controls against the TRUE_* MSRs. `Docs/VMX.md` lists every value with its meaning.
public enum VMXCapabilities {
    /// VMCS revision identifier: "TVMX" in ASCII (bit 31 clear).
    public static let revisionID: UInt32 = 0x5456_4D58

    /// Capability MSR values by index (IA32_FEATURE_CONTROL and 0x480–0x490).
    public static let msrs: [UInt32: UInt64] = [
        0x3A: 0x5,  // locked, VMXON outside SMX allowed
        0x480: 0x0098_1000_0000_0000 | UInt64(revisionID),  // BASIC: 4 KiB regions, WB, TRUE MSRs exist
        0x481: pinBased,
        0x482: UInt64(primaryAllowed1) << 32 | 0x0401_E172,
        0x483: UInt64(exitAllowed1) << 32 | 0x0003_6DFF,
        0x484: UInt64(entryAllowed1) << 32 | 0x0000_11FF,
        0x485: 0x4004_0060,  // MISC: timer rate 0, LMA stored, HLT state, 4 CR3 targets, length-0 injection
        0x486: 0x8000_0021,  // CR0_FIXED0: PE NE PG
        0x487: 0xFFFF_FFFF,  // CR0_FIXED1
        0x488: 0x2000,  // CR4_FIXED0: VMXE
        0x489: ControlRegister.CR4.supported,  // CR4_FIXED1
        0x48A: 0x2E,  // VMCS_ENUM: highest index 0x17 (the preemption-timer value)
        0x48B: UInt64(secondaryAllowed1) << 32,
        0x48C: 0x0000_0F01_0613_4140,  // EPT_VPID_CAP: 4-level, UC/WB, 2M/1G pages, INVEPT, INVVPID
        0x48D: pinBased,
        0x48E: UInt64(primaryAllowed1) << 32 | UInt64(primaryAllowed0),
        0x48F: UInt64(exitAllowed1) << 32 | UInt64(exitAllowed0),
        0x490: UInt64(entryAllowed1) << 32 | UInt64(entryAllowed0),
    ]

    static let pinBased: UInt64 = UInt64(pinAllowed1) << 32 | UInt64(pinAllowed0)

    // Allowed settings the entry checks use (the TRUE_* values).
    static let pinAllowed0: UInt32 = 0x16
    static let pinAllowed1: UInt32 = 0x7F
    static let primaryAllowed0: UInt32 = 0x0400_6172
    static let primaryAllowed1: UInt32 = 0x9559_F3FE
    static let secondaryAllowed1: UInt32 = 0x22
    static let exitAllowed0: UInt32 = 0x0003_6DFB
    static let exitAllowed1: UInt32 = 0x007F_EFFF
    static let entryAllowed0: UInt32 = 0x0000_11FB
    static let entryAllowed1: UInt32 = 0x0000_D3FF

    /// Number of CR3-target values (IA32_VMX_MISC bits 24:16).
    static let cr3TargetCount = 4
    static let cr0Fixed0: UInt64 = 0x8000_0021
    static let cr4Fixed0: UInt64 = 0x2000

    /// Pin-based VM-execution controls.
    enum Pin {
        static let externalInterruptExiting: UInt32 = 1 << 0
        static let nmiExiting: UInt32 = 1 << 3
        static let virtualNMIs: UInt32 = 1 << 5
        static let preemptionTimer: UInt32 = 1 << 6
    }

    /// Primary processor-based VM-execution controls.
    enum Primary {
        static let interruptWindowExiting: UInt32 = 1 << 2
        static let useTSCOffsetting: UInt32 = 1 << 3
        static let hltExiting: UInt32 = 1 << 7
        static let invlpgExiting: UInt32 = 1 << 9
        static let rdtscExiting: UInt32 = 1 << 12
        static let cr3LoadExiting: UInt32 = 1 << 15
        static let cr3StoreExiting: UInt32 = 1 << 16
        static let cr8LoadExiting: UInt32 = 1 << 19
        static let cr8StoreExiting: UInt32 = 1 << 20
        static let nmiWindowExiting: UInt32 = 1 << 22
        static let unconditionalIOExiting: UInt32 = 1 << 24
        static let useMSRBitmaps: UInt32 = 1 << 28
        static let activateSecondary: UInt32 = 1 << 31
    }

    /// Secondary processor-based VM-execution controls.
    enum Secondary {
        static let enableEPT: UInt32 = 1 << 1
        static let enableVPID: UInt32 = 1 << 5
    }

    /// VM-exit controls.
    enum Exit {
        static let saveDebugControls: UInt32 = 1 << 2
        static let hostAddressSpaceSize: UInt32 = 1 << 9
        static let acknowledgeInterrupt: UInt32 = 1 << 15
        static let savePAT: UInt32 = 1 << 18
        static let loadPAT: UInt32 = 1 << 19
        static let saveEFER: UInt32 = 1 << 20
        static let loadEFER: UInt32 = 1 << 21
        static let savePreemptionTimer: UInt32 = 1 << 22
    }

    /// VM-entry controls.
    enum Entry {
        static let loadDebugControls: UInt32 = 1 << 2
        static let ia32eModeGuest: UInt32 = 1 << 9
        static let loadPAT: UInt32 = 1 << 14
        static let loadEFER: UInt32 = 1 << 15
    }

    /// Whether `value` sets every must-be-1 bit and no must-be-0 bit.
    static func allowed(_ value: UInt32, allowed0: UInt32, allowed1: UInt32) -> Bool {
        value & allowed0 == allowed0 && value & ~allowed1 == 0
    }
}
