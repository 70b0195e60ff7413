/// Why the current instruction did not complete normally; thrown by instruction semantics to the run loop.
enum ExecutionEvent: Error {
    /// An exception the instruction raised: a fault (RIP stays at the instruction) or a trap (`isTrap`).
    case exception(Fault)
    /// HLT executed: RIP already points after it.
    case halt
    /// The instruction decoded but is outside the subset.
    case unsupported
    /// In VMX non-root operation: the instruction or an access (EPT) causes the VM exit in
    /// `Core.pendingExit` (kept out of the enum so the error stays a small trivial value on the hot path).
    case vmExit
}

/// An architectural exception about to be delivered.
struct Fault: Equatable, Sendable {
    var vector: UInt8
    var errorCode: UInt32?
    /// For #PF: the linear address CR2 receives when the fault is delivered.
    var pageFaultAddress: UInt64?
    /// Traps (INT3) report the RIP after the instruction.
    var isTrap: Bool = false
    /// INT n / INT3: delivered with the gate DPL check and without the EXT bit.
    var isSoftwareInterrupt: Bool = false
    /// INT3: a software exception (VMX interruption type 6), which the exception bitmap filters; INT n is not.
    var isSoftwareException: Bool = false

    static func de() -> Fault { Fault(vector: 0, errorCode: nil) }
    static func ud() -> Fault { Fault(vector: 6, errorCode: nil) }
    static func gp(_ code: UInt32 = 0) -> Fault { Fault(vector: 13, errorCode: code) }
    static func ss(_ code: UInt32 = 0) -> Fault { Fault(vector: 12, errorCode: code) }
    static func pf(_ address: UInt64, errorCode: UInt32) -> Fault {
        Fault(vector: 14, errorCode: errorCode, pageFaultAddress: address)
    }
}
