/// Events from outside the instruction stream: NMIs and external interrupts that are pending, blocked or
/// scheduled, the STI interrupt shadow and the halt state.
struct InterruptState {
    /// An NMI arrived and waits for delivery (at most one is held: a second one while pending is lost).
    var nmiPending = false
    /// An NMI handler runs: NMIs are blocked until the next IRET (SDM vol. 3, 6.7.1).
    var nmiBlocked = false
    /// External maskable interrupts waiting for IF = 1, oldest first (vectors).
    var pendingInterrupts: [UInt8] = []
    /// STI with IF = 0 blocks maskable interrupts until the instruction after it retires: this is the
    /// retired-instruction count at which the shadow ends.
    var interruptShadowEnd: UInt64 = 0
    /// STI just retired with IF = 0 before it: the run loop sets `interruptShadowEnd` from the exact count.
    var interruptShadowPending = false
    /// HLT executed: the CPU waits for an event that can wake it.
    var halted = false
    /// The bare profile has no IDT: until the program executes LIDT (or the embedder loads an IDT), an
    /// exception stops the run instead of being delivered.
    var exceptionsStopRun = true

    /// Scheduled injections by retired-instruction count: an entry `n` fires before instruction `n + 1`
    /// retires (when `instructionCount == n`). Sorted by count.
    var scheduled: [(count: UInt64, event: ExternalEvent)] = []
    /// NMIs scheduled for the `occurrence`-th time RIP reaches `address` at an instruction boundary.
    var ripTriggers: [(address: UInt64, remaining: Int)] = []

    /// An event injected from outside the CPU.
    enum ExternalEvent: Equatable, Sendable {
        case nmi
        case interrupt(UInt8)
    }

    /// Adds a scheduled injection, keeping the list sorted (stable for equal counts).
    mutating func schedule(_ event: ExternalEvent, atCount count: UInt64) {
        let index = scheduled.firstIndex { $0.count > count } ?? scheduled.count
        scheduled.insert((count, event), at: index)
    }

    /// Makes an injected event pending.
    mutating func raise(_ event: ExternalEvent) {
        switch event {
        case .nmi: nmiPending = true
        case .interrupt(let v): pendingInterrupts.append(v)
        }
    }
}
