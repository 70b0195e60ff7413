import TinyVMX

/// Who a CR2 value belongs to during one transition.
public enum CR2Owner: String, Sendable, Equatable {
    /// The host CR2 from before the entry (the host's last #PF address).
    case host
    /// A value the guest owned: `vcpu->arch.cr2` loaded for it, or anything CR2 held while the guest ran.
    case guest
    /// Neither (for example 0 before anyone faulted, when the host's value is something else).
    case other
}

/// Where an instruction boundary lies relative to the VM entry and exit of its transition.
public enum TransitionPhase: String, Sendable, Equatable {
    /// In the routine, before VMLAUNCH/VMRESUME.
    case beforeEntry = "before-entry"
    /// In the guest (VMX non-root operation).
    case guest
    /// In the routine after the VM exit (or after a failed entry) up to and including its return.
    case afterExit = "after-exit"
}

/// One instruction boundary of the routine's window: the state before the instruction at `rip` runs.
public struct LabBoundary: Sendable, Equatable {
    /// Position in the window (0 = the routine's first instruction).
    public var index: Int
    /// Instructions the machine had retired at this boundary (an event step shares its count with the next).
    public var instructionCount: UInt64
    public var rip: UInt64
    public var phase: TransitionPhase
    /// CR2 at this boundary (what an NMI arriving here would read first).
    public var cr2: UInt64
    public var owner: CR2Owner
    /// Disassembly of the instruction at `rip`.
    public var instruction: String
    /// What the step from this boundary did besides retiring: "VM entry", "VM exit (VMCALL)", "event"...
    public var event: String?
    /// `read` / `write` if the instruction here is a MOV from/to CR2.
    public var cr2Access: String?
}

/// One call of `vmx_vcpu_enter_exit`, from its first instruction to the boundary after its RET.
public struct TransitionWindow: Sendable, Equatable {
    public var transition: Int
    /// Instructions retired by the machine when the routine was entered.
    public var startInstruction: UInt64
    /// CR2 when the routine was entered: the host's.
    public var hostCR2: UInt64
    /// `vcpu->arch.cr2` when the routine was entered (what it loads for the guest).
    public var vcpuCR2AtEntry: UInt64
    /// The VM exit of this transition (nil if the entry failed with VMfail).
    public var exit: VMExitRecord?
    /// Instructions the routine retired in VMX root operation, and the guest's.
    public var rootInstructions: Int
    public var guestInstructions: Int
    /// MOV from/to CR2 executed by the routine (root operation) and by the guest.
    public var cr2Reads: Int
    public var cr2Writes: Int
    public var guestCR2Reads: Int
    public var guestCR2Writes: Int
    /// NMIs the host handler had logged before the window.
    public var nmisLoggedBefore: UInt64
    /// Every boundary, when the trace kept them for this transition (else empty).
    public var boundaries: [LabBoundary]
    /// CR2 values the guest owned during the window.
    public var guestCR2Values: [UInt64]
    /// Boundaries after the routine's return at which CR2 still held a guest-owned value: the part of the NMI
    /// window the routine leaves open (0 when it restored the host's CR2).
    public var guestCR2BoundariesAfterReturn: Int = 0
    /// What closed that part: "host #PF" (CR2 became the host's again), "next entry", "end of run", ...
    public var afterReturnEnd: String = "returned with host CR2"

    /// Classifies a CR2 value seen during this window (the host's value wins a tie).
    public func owner(of value: UInt64) -> CR2Owner {
        if value == hostCR2 { return .host }
        return guestCR2Values.contains(value) ? .guest : .other
    }
}

/// What the harness recorded for one transition (`lab_records`, see `Programs/host/lab/lab.h`).
public struct LabRecord: Sendable, Equatable {
    public var hostCR2BeforeEntry: UInt64
    public var hostCR2AfterExit: UInt64
    /// The CR2 the runtime's oops routine printed right after the routine returned.
    public var oopsCR2: UInt64
    public var vcpuCR2: UInt64
    /// `vmx->fail`: 1 if VMLAUNCH/VMRESUME failed.
    public var fail: UInt64
    /// VM_EXIT_REASON, nil after a failed entry.
    public var exitReason: UInt32?
    public var guestFaulted: Bool
    public var hostFaulted: Bool
    /// The marked variant's per-CPU "CR2 is guest-owned" flag was set after the return.
    public var cr2MarkedGuestOwned: Bool
}

/// Everything one run of the harness produced.
public struct LabRun: Sendable {
    public var variant: String
    public var schedule: LabSchedule
    public var windows: [TransitionWindow]
    /// Records of the last transitions (at most 64), by transition number.
    public var records: [Int: LabRecord]
    /// The CR2 line of the last oops dump, as the oops routine wrote it.
    public var oopsLine: String
    /// Instructions retired in the whole run.
    public var instructions: UInt64
}
