/// CR2 reads and writes per transition for each variant over one workload (the `cost` command).
public struct CR2CostReport: Sendable {
    /// KVM commit d3edefc0 ("Only reload guest cr2 if different from host cr2") reported that skipping one CR2
    /// write "shaves 70 cycles off the vmexit latency" (see ../shared/reference/FACTS.md).
    public static let defaultCyclesPerCR2Write: Double = 70

    public struct Row: Sendable, Equatable {
        public var variant: String
        public var transitions: Int
        public var cr2Writes: Int
        public var cr2Reads: Int
        /// Transitions whose routine wrote CR2 at least once / exactly twice.
        public var transitionsWithWrites: Int
        public var transitionsWithTwoWrites: Int
        public var routineInstructions: Int
        public var writesPerTransition: Double { Double(cr2Writes) / Double(max(transitions, 1)) }
        public var readsPerTransition: Double { Double(cr2Reads) / Double(max(transitions, 1)) }
    }

    public var schedule: LabSchedule
    public var cyclesPerCR2Write: Double
    /// Transitions on which the guest faulted / the host faulted before the entry.
    public var guestFaults: Int
    public var hostFaults: Int
    public var rows: [Row]

    init(runs: [LabRun], schedule: LabSchedule, cyclesPerCR2Write: Double) {
        self.schedule = schedule
        self.cyclesPerCR2Write = cyclesPerCR2Write
        guestFaults = (0..<schedule.transitions).filter { LabSchedule.scheduled($0, rate: schedule.guestFaultRate) }.count
        hostFaults = (0..<schedule.transitions).filter { LabSchedule.scheduled($0, rate: schedule.hostFaultRate) }.count
        rows = runs.map { run in
            Row(
                variant: run.variant, transitions: run.windows.count,
                cr2Writes: run.windows.reduce(0) { $0 + $1.cr2Writes },
                cr2Reads: run.windows.reduce(0) { $0 + $1.cr2Reads },
                transitionsWithWrites: run.windows.filter { $0.cr2Writes > 0 }.count,
                transitionsWithTwoWrites: run.windows.filter { $0.cr2Writes == 2 }.count,
                routineInstructions: run.windows.reduce(0) { $0 + $1.rootInstructions })
        }
    }

    /// Cycles per transition spent on CR2 writes.
    public func cycles(_ row: Row) -> Double { row.writesPerTransition * cyclesPerCR2Write }

    /// Extra CR2 writes per transition over the first row (stock, by default order).
    public func extraWrites(_ row: Row) -> Double { row.writesPerTransition - (rows.first?.writesPerTransition ?? 0) }
}
