/// Basic exit reasons (SDM vol. 3D, appendix C) that TinyVMX produces.
public enum VMExitReason {
    public static let exceptionOrNMI: UInt32 = 0
    public static let externalInterrupt: UInt32 = 1
    public static let tripleFault: UInt32 = 2
    public static let interruptWindow: UInt32 = 7
    public static let nmiWindow: UInt32 = 8
    public static let cpuid: UInt32 = 10
    public static let hlt: UInt32 = 12
    public static let invd: UInt32 = 13
    public static let invlpg: UInt32 = 14
    public static let rdtsc: UInt32 = 16
    public static let vmcall: UInt32 = 18
    public static let vmclear: UInt32 = 19
    public static let vmlaunch: UInt32 = 20
    public static let vmptrld: UInt32 = 21
    public static let vmptrst: UInt32 = 22
    public static let vmread: UInt32 = 23
    public static let vmresume: UInt32 = 24
    public static let vmwrite: UInt32 = 25
    public static let vmxoff: UInt32 = 26
    public static let vmxon: UInt32 = 27
    public static let crAccess: UInt32 = 28
    public static let io: UInt32 = 30
    public static let rdmsr: UInt32 = 31
    public static let wrmsr: UInt32 = 32
    public static let entryFailGuestState: UInt32 = 33
    public static let entryFailMSRLoading: UInt32 = 34
    public static let eptViolation: UInt32 = 48
    public static let eptMisconfiguration: UInt32 = 49
    public static let invept: UInt32 = 50
    public static let preemptionTimer: UInt32 = 52
    public static let invvpid: UInt32 = 53
    /// Bit 31 of the exit-reason field: the exit is a VM-entry failure.
    public static let entryFailure: UInt32 = 0x8000_0000

    /// The SDM's name of a basic exit reason (bits 15:0), e.g. `EXCEPTION_NMI`, for traces and reports.
    public static func name(_ reason: UInt32) -> String {
        let names: [UInt32: String] = [
            0: "EXCEPTION_NMI", 1: "EXTERNAL_INTERRUPT", 2: "TRIPLE_FAULT", 7: "INTERRUPT_WINDOW", 8: "NMI_WINDOW",
            10: "CPUID", 12: "HLT", 13: "INVD", 14: "INVLPG", 16: "RDTSC", 18: "VMCALL", 19: "VMCLEAR",
            20: "VMLAUNCH", 21: "VMPTRLD", 22: "VMPTRST", 23: "VMREAD", 24: "VMRESUME", 25: "VMWRITE",
            26: "VMXOFF", 27: "VMXON", 28: "CR_ACCESS", 30: "IO_INSTRUCTION", 31: "RDMSR", 32: "WRMSR",
            33: "ENTRY_FAIL_GUEST_STATE", 34: "ENTRY_FAIL_MSR_LOADING", 48: "EPT_VIOLATION",
            49: "EPT_MISCONFIG", 50: "INVEPT", 52: "PREEMPTION_TIMER", 53: "INVVPID",
        ]
        let name = names[reason & 0xFFFF] ?? "reason \(reason & 0xFFFF)"
        return reason & entryFailure != 0 ? "VM-entry failure: \(name)" : name
    }
}

/// Interruption types of the VM-exit, IDT-vectoring and VM-entry interruption-information fields (bits 10:8).
enum InterruptionType {
    static let external: UInt32 = 0
    static let nmi: UInt32 = 2
    static let hardwareException: UInt32 = 3
    static let softwareInterrupt: UInt32 = 4
    static let privilegedSoftwareException: UInt32 = 5
    static let softwareException: UInt32 = 6
    /// Bit 31: the information is valid. Bit 11: an error code is delivered / was pushed.
    static let valid: UInt32 = 1 << 31
    static let errorCodeValid: UInt32 = 1 << 11
}

/// A VM exit about to happen: everything the exit-information fields receive, and the guest RIP to save.
struct VMExit {
    var reason: UInt32
    var qualification: UInt64 = 0
    var interruptionInfo: UInt32 = 0
    var interruptionErrorCode: UInt32 = 0
    /// Length of the instruction that caused the exit (instruction exits, software exceptions).
    var instructionLength: UInt32 = 0
    var instructionInfo: UInt32 = 0
    var guestLinearAddress: UInt64? = nil
    var guestPhysicalAddress: UInt64? = nil
    /// The guest RIP saved in the VMCS; `nil` means the run loop's current RIP (set by the raiser).
    var guestRIP: UInt64? = nil
}

/// One VM exit as embedders and `--json` see it (the exit log).
public struct VMExitRecord: Sendable, Equatable {
    /// The exit-reason field (bit 31 set for a VM-entry failure).
    public var reason: UInt32
    public var qualification: UInt64
    /// VM-exit interruption information (0 when not valid).
    public var interruptionInfo: UInt32
    public var interruptionErrorCode: UInt32
    /// IDT-vectoring information: the event whose delivery the exit interrupted (0 when not valid).
    public var idtVectoringInfo: UInt32
    /// The guest RIP saved in the VMCS (for an entry failure: the RIP after VMLAUNCH/VMRESUME).
    public var guestRIP: UInt64
    public var instructionLength: UInt32
    public var guestLinearAddress: UInt64
    public var guestPhysicalAddress: UInt64
    /// Instructions retired (by this machine since load) when the exit happened.
    public var instructionCount: UInt64
    /// CR2 right after the exit: the guest's value, since VM exits neither save nor load CR2.
    public var cr2: UInt64
}
