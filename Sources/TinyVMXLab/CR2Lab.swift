import TinyVMX

/// The CR2 lab: KVM-like `vmx_vcpu_enter_exit` variants run as machine code against a real guest, with the host
/// CR2 compared before and after the exit (``diff(_:)``), an NMI swept over every instruction boundary
/// (``sweep(_:)``) and CR2 writes counted over many transitions (``cost(_:cyclesPerCR2Write:)``).
///
/// ```swift
/// let lab = try CR2Lab(programs: "Programs")            // stock, patched, marked; guest pf_handler
/// for result in try lab.diff(LabSchedule(transitions: 2)) {
///     print(result.variant, result.hostCR2AfterExit == result.guestCR2AtExit)
/// }
/// ```
public final class CR2Lab {
    /// The variants, in report order.
    public let variants: [LabVariant]
    /// The guest file.
    public let guest: String
    private let runners: [LabRunner]
    /// Steps one call of the routine may take, guest included, before ``LabError/runaway(variant:steps:)``
    /// (default 200,000; a guest's boot in the first transition takes about 8,000).
    public var windowStepLimit: UInt64 {
        get { runners.first?.windowStepLimit ?? 0 }
        set { for runner in runners { runner.windowStepLimit = newValue } }
    }

    /// The linked image of each variant, in ``variants`` order.
    public var images: [ProgramImage] { runners.map(\.image) }

    /// Builds the lab image of every variant (compiling and assembling with the system toolchain).
    /// - Parameters:
    ///   - programs: The `Programs/` directory.
    ///   - guest: A built-in guest name (``LabGuest``) or a guest file; default `pf_handler`.
    ///   - variants: Default: ``LabVariant/builtIns(programs:)``.
    ///   - engine: Which tier runs the machines (results are identical; only speed differs).
    /// - Throws: ``LabError/load(variant:file:_:)``, ``LabError/missingSymbol(_:variant:)``.
    public init(
        programs: String, guest: String = LabGuest.defaultName, variants: [LabVariant]? = nil,
        engine: Machine.Engine = .auto
    ) throws(LabError) {
        self.variants = variants ?? LabVariant.builtIns(programs: programs)
        self.guest = LabGuest.path(guest, programs: programs)
        let builder = try LabImageBuilder(programs: programs, guest: self.guest)
        var runners: [LabRunner] = []
        for variant in self.variants {
            runners.append(try LabRunner(variant: variant, image: try builder.image(for: variant), engine: engine))
        }
        self.runners = runners
    }

    /// Runs `schedule` for every variant, recording the boundaries of the transitions in `keep` (default: the last).
    public func run(_ schedule: LabSchedule, keep: Set<Int>? = nil) throws(LabError) -> [LabRun] {
        let schedule = try schedule.validated()
        var runs: [LabRun] = []
        for runner in runners {
            runs.append(try runner.trace(schedule, keep: keep ?? [schedule.transitions - 1]))
        }
        return runs
    }

    /// Host CR2 before the entry, guest CR2 at the exit, host CR2 after, and what an oops would print, for the
    /// last transition of `schedule` (default: two transitions, guest and host faulting on each).
    public func diff(_ schedule: LabSchedule = LabSchedule(transitions: 2)) throws(LabError) -> [CR2DiffResult] {
        try run(schedule).map(CR2DiffResult.init(run:))
    }

    /// Injects one host NMI at each instruction boundary of the last transition's routine call (one replay per
    /// boundary) and reports which boundaries made the NMI handler see the guest's CR2.
    public func sweep(_ schedule: LabSchedule = LabSchedule(transitions: 2)) throws(LabError) -> [NMISweepResult] {
        let runs = try run(schedule)
        var results: [NMISweepResult] = []
        for (runner, run) in zip(runners, runs) {
            let window = run.windows[run.windows.count - 1]
            let hits = try runner.sweep(window, schedule: run.schedule)
            let seen = zip(window.boundaries, hits).map { boundary, hit in
                NMISweepResult.Point(
                    boundary: boundary, nmiCR2: hit?.cr2, nmiRIP: hit?.rip, owner: hit.map { window.owner(of: $0.cr2) })
            }
            results.append(NMISweepResult(variant: run.variant, window: window, points: seen))
        }
        return results
    }

    /// CR2 reads and writes per transition over a workload, and their cost at `cyclesPerCR2Write` cycles per write.
    public func cost(_ schedule: LabSchedule, cyclesPerCR2Write: Double = CR2CostReport.defaultCyclesPerCR2Write)
        throws(LabError) -> CR2CostReport
    {
        let runs = try run(schedule, keep: [])
        return CR2CostReport(runs: runs, schedule: schedule, cyclesPerCR2Write: cyclesPerCR2Write)
    }
}
