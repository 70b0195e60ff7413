/// Which VMX operation the processor is in (the names `--json` uses).
public enum VMXOperation: String, Sendable {
    case none
    case root
    case nonRoot = "non-root"
}

/// The processor's VMX state outside the VMCS: which VMX operation it is in, the VMXON and current-VMCS
/// pointers, and (in VMX non-root operation) the controls of the running VMCS, read once at VM entry.
/// Plain data on purpose (no arrays): the run loop reads it often and `reset()` copies it.
struct VMXState {
    typealias Operation = VMXOperation

    /// The VM-execution, exit and entry controls a VM entry loaded. The VMCS stays the source of truth:
    /// VMWRITE cannot run in non-root operation (it exits), so the copy cannot go stale.
    struct Controls {
        var pin: UInt32 = 0
        var primary: UInt32 = 0
        /// 0 unless the primary controls activate them.
        var secondary: UInt32 = 0
        var exit: UInt32 = 0
        var entry: UInt32 = 0
        var exceptionBitmap: UInt32 = 0
        var pfecMask: UInt32 = 0
        var pfecMatch: UInt32 = 0
        var cr0Mask: UInt64 = 0
        var cr0Shadow: UInt64 = 0
        var cr4Mask: UInt64 = 0
        var cr4Shadow: UInt64 = 0
        /// CR3-target values 0…3 (`cr3TargetCount` of them are in use).
        var cr3Targets: SIMD4<UInt64> = .zero
        var cr3TargetCount = 0
        var msrBitmap: UInt64 = 0
        var tscOffset: UInt64 = 0
        /// The EPT pointer when "enable EPT" is 1.
        var eptPointer: UInt64? = nil

        /// Interrupt- or NMI-window exiting is on: the end of an STI shadow is an exit point.
        var watchesEventWindows: Bool {
            primary & (VMXCapabilities.Primary.interruptWindowExiting | VMXCapabilities.Primary.nmiWindowExiting) != 0
        }

        /// Whether MOV to CR3 of `value` matches one of the CR3-target values in use.
        func isCR3Target(_ value: UInt64) -> Bool {
            (0..<cr3TargetCount).contains { cr3Targets[$0] == value }
        }

        func has(pin bit: UInt32) -> Bool { pin & bit != 0 }
        func has(primary bit: UInt32) -> Bool { primary & bit != 0 }
        func has(secondary bit: UInt32) -> Bool { secondary & bit != 0 }
    }

    static let invalidPointer: UInt64 = ~0

    var operation = Operation.none
    var vmxonPointer: UInt64 = 0
    /// The current-VMCS pointer, `invalidPointer` when there is none.
    var currentVMCS: UInt64 = invalidPointer
    var controls = Controls()
    /// Virtual-NMI blocking (with "virtual NMIs" = 1): set by delivering an injected NMI, cleared by IRET.
    var virtualNMIBlocked = false
    /// Retired-instruction count at which the VMX-preemption timer reaches 0 (rate 0: one tick per count).
    var timerDeadline: UInt64? = nil
    /// Guest selectors as the last VM entry loaded them (ES CS SS DS FS GS TR LDTR): on exit, only a segment
    /// whose selector changed gets new limit and access-rights fields.
    var entrySelectors: SIMD8<UInt16> = .zero
    var entries: UInt64 = 0
    var exits: UInt64 = 0
    /// Capacity of `Core.vmExitLog`.
    static let exitLogCapacity = 4096

    var hasCurrentVMCS: Bool { currentVMCS != Self.invalidPointer }
    var isNonRoot: Bool { operation == .nonRoot }
}
