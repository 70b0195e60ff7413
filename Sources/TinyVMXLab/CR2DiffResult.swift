import TinyVMX

/// One variant's CR2 before and after its last transition (the `cr2-diff` row).
public struct CR2DiffResult: Sendable {
    public var variant: String
    public var transition: Int
    /// CR2 right before the routine was called: the host's last #PF address.
    public var hostCR2BeforeEntry: UInt64
    /// CR2 at the VM exit, as the machine saw it (nil after a failed entry).
    public var guestCR2AtExit: UInt64?
    /// CR2 right after the routine returned.
    public var hostCR2AfterExit: UInt64
    /// The CR2 the oops routine (Linux `__show_regs`-like) printed right after the return, and its line.
    public var oopsCR2: UInt64
    public var oopsLine: String
    /// `vcpu->arch.cr2` after the return.
    public var vcpuCR2: UInt64
    /// MOV from/to CR2 executed by the routine in this transition.
    public var cr2Reads: Int
    public var cr2Writes: Int
    /// Instructions the routine retired (root operation) and the guest retired, in this transition.
    public var instructions: Int
    public var guestInstructions: Int
    /// VM_EXIT_REASON (nil after a failed entry) and `vmx->fail`.
    public var exitReason: UInt32?
    public var fail: UInt64
    public var guestFaulted: Bool
    public var hostFaulted: Bool
    /// The marked variant's flag: after the return, the per-CPU flag said CR2 is guest-owned.
    public var cr2MarkedGuestOwned: Bool
    /// Who owns the CR2 left after the exit.
    public var ownerAfterExit: CR2Owner
    /// Totals over all transitions of the run.
    public var transitions: Int
    public var totalCR2Reads: Int
    public var totalCR2Writes: Int
    public var totalInstructions: Int
    /// The recorded window of the last transition (its boundaries, for timelines).
    public var window: TransitionWindow

    init(run: LabRun) {
        let last = run.windows.count - 1
        let window = run.windows[last]
        let record = run.records[last]!
        variant = run.variant
        transition = last
        hostCR2BeforeEntry = record.hostCR2BeforeEntry
        guestCR2AtExit = window.exit?.cr2
        hostCR2AfterExit = record.hostCR2AfterExit
        oopsCR2 = record.oopsCR2
        oopsLine = run.oopsLine
        vcpuCR2 = record.vcpuCR2
        cr2Reads = window.cr2Reads
        cr2Writes = window.cr2Writes
        instructions = window.rootInstructions
        guestInstructions = window.guestInstructions
        exitReason = record.exitReason
        fail = record.fail
        guestFaulted = record.guestFaulted
        hostFaulted = record.hostFaulted
        cr2MarkedGuestOwned = record.cr2MarkedGuestOwned
        ownerAfterExit = window.owner(of: record.hostCR2AfterExit)
        transitions = run.windows.count
        totalCR2Reads = run.windows.reduce(0) { $0 + $1.cr2Reads }
        totalCR2Writes = run.windows.reduce(0) { $0 + $1.cr2Writes }
        totalInstructions = run.windows.reduce(0) { $0 + $1.rootInstructions }
        self.window = window
    }
}
