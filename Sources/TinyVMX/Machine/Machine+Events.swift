/// Injecting NMIs and external interrupts, now or at a chosen instruction boundary.
extension Machine {
    /// Makes an NMI pending: it is delivered through vector 2 at the next instruction boundary unless an
    /// NMI handler is running (then it waits for the IRET; one NMI is held, a second one is lost).
    public func injectNMI() {
        core.events.raise(.nmi)
    }

    /// Makes an external interrupt pending: delivered through `vector` once RFLAGS.IF = 1 and no STI
    /// shadow blocks it. Several are delivered oldest first.
    public func injectInterrupt(vector: UInt8) {
        core.events.raise(.interrupt(vector))
    }

    /// Injects an NMI before instruction `number` (counting from 1 since the last load or reset) retires:
    /// at the boundary where exactly `number − 1` instructions have retired.
    public func scheduleNMI(beforeInstruction number: UInt64) {
        core.events.schedule(.nmi, atCount: number &- 1)
    }

    /// Injects an external interrupt before instruction `number` (as `scheduleNMI(beforeInstruction:)`).
    public func scheduleInterrupt(vector: UInt8, beforeInstruction number: UInt64) {
        core.events.schedule(.interrupt(vector), atCount: number &- 1)
    }

    /// Injects an NMI the `occurrence`-th time (from 1) RIP is at `address` at an instruction boundary,
    /// before that instruction executes. While such a trigger is armed the machine runs one instruction at a
    /// time.
    public func scheduleNMI(atRIP address: UInt64, occurrence: Int = 1) {
        core.events.ripTriggers.append((address, max(occurrence, 1)))
    }

    /// Whether an NMI handler is running (NMIs blocked until the next IRET).
    public var nmiBlocked: Bool { core.events.nmiBlocked }
    /// Whether an NMI waits for delivery.
    public var nmiPending: Bool { core.events.nmiPending }
    /// Whether the CPU is in the HLT state waiting for an event.
    public var isHalted: Bool { core.events.halted }
    /// Whether exceptions are delivered through the IDT (after LIDT, or after the embedder set IDTR);
    /// before that, the bare profile stops the run on an exception.
    public var deliversExceptions: Bool { !core.events.exceptionsStopRun }
}
