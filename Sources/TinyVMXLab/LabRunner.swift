import TinyVMX

/// One variant's lab image on a machine: configures the harness, runs it one step at a time while recording the
/// routine's windows, and replays a run to a chosen boundary for the NMI sweep.
final class LabRunner {
    let variant: LabVariant
    let image: ProgramImage
    let machine: Machine
    private let routine: UInt64
    private let routineReturned: UInt64
    private let config: UInt64
    private let records: UInt64
    private let nmiLog: UInt64
    private let status: UInt64
    private let transitionsDone: UInt64
    private let oopsLog: UInt64
    private let oopsLogLength: UInt64
    private let guestNMIPoint: UInt64?
    private let nmiExit: UInt64

    init(variant: LabVariant, image: ProgramImage, engine: Machine.Engine) throws(LabError) {
        var configuration = Machine.Configuration()
        configuration.engine = engine
        machine = Machine(configuration: configuration)
        self.variant = variant
        self.image = image
        func symbol(_ name: String) throws(LabError) -> UInt64 {
            guard let address = image.symbols[name] else { throw .missingSymbol(name, variant: variant.name) }
            return address
        }
        routine = try symbol("vmx_vcpu_enter_exit")
        routineReturned = try symbol("lab_routine_returned")
        config = try symbol("lab_config")
        records = try symbol("lab_records")
        nmiLog = try symbol("lab_nmi_log")
        status = try symbol("lab_status")
        transitionsDone = try symbol("lab_transitions_done")
        oopsLog = try symbol("oops_log")
        oopsLogLength = try symbol("oops_log_len")
        guestNMIPoint = image.symbols["guest_nmi_point"]
        nmiExit = try symbol("nmi_exit_read_cr2")
        machine.load(image)
    }

    /// Steps one call of the routine may take (the guest included) before the run counts as a runaway.
    /// (A guest's boot in the first transition takes about 8,000.)
    var windowStepLimit: UInt64 = 200_000

    /// Steps allowed for a run of `schedule` before it counts as a runaway.
    private func stepBudget(_ schedule: LabSchedule) -> UInt64 { 5_000_000 + UInt64(schedule.transitions) * 50_000 }

    /// Resets the machine and writes the schedule into `lab_config`; arms the guest's NMI point.
    private func start(_ schedule: LabSchedule) {
        machine.reset()
        let words: [UInt64] = [
            UInt64(schedule.transitions), LabSchedule.ppm(schedule.guestFaultRate),
            LabSchedule.ppm(schedule.hostFaultRate), schedule.failAt.map(UInt64.init) ?? ~0,
        ]
        // The image defines lab_config, so these writes cannot fail.
        try? machine.writeMemory(words.flatMap(Self.bytes), at: config)
        if let guestNMIPoint {
            // The guest reaches the point once per transition and once more when re-entered there.
            for k in 0..<schedule.transitions { machine.scheduleNMI(atRIP: guestNMIPoint, occurrence: 2 * k + 1) }
        }
    }

    // MARK: Recorded run

    /// Runs the harness for `schedule`: at full speed between calls of the routine, one step at a time inside
    /// them. Windows in `keep` get their boundaries recorded, and after such a window the run keeps stepping
    /// while CR2 still holds the guest's value, to measure how long the routine left it there.
    func trace(_ schedule: LabSchedule, keep: Set<Int>) throws(LabError) -> LabRun {
        start(schedule)
        var windows: [TransitionWindow] = []
        var open: WindowRecorder?
        var lingering = false   // a kept window returned with a guest-owned CR2 still loaded
        var steps: UInt64 = 0
        var windowSteps: UInt64 = 0
        let budget = stepBudget(schedule)
        while true {
            if open == nil && !lingering {
                // Full speed to the next call of the routine (or the harness's final HLT).
                let remaining = budget > machine.instructionsExecuted ? budget - machine.instructionsExecuted : 0
                let result = machine.run(maxInstructions: remaining, until: [routine])
                switch result.stop {
                case .breakpoint: break
                case .halt: return try finishRun(schedule, windows: windows)
                case .instructionLimit: throw .runaway(variant: variant.name, steps: machine.instructionsExecuted)
                default: throw .machineStopped(variant: variant.name, reason: result.stop.name, rip: result.rip)
                }
            }
            let rip = machine[.rip]
            let root = machine.vmx.operation != .nonRoot
            if lingering, let last = windows.last {
                let owner = last.owner(of: machine[.cr2])
                if root && rip == routine {
                    windows[windows.count - 1].afterReturnEnd = "next routine call"
                    lingering = false
                } else if owner != .guest {
                    windows[windows.count - 1].afterReturnEnd =
                        owner == .host ? "host #PF (CR2 is the host's again)" : "CR2 changed to another value"
                    lingering = false
                    continue
                } else {
                    windows[windows.count - 1].guestCR2BoundariesAfterReturn += 1
                }
            }
            if open == nil && root && rip == routine {
                windowSteps = 0
                open = WindowRecorder(
                    transition: windows.count, machine: machine, keep: keep.contains(windows.count),
                    nmisLogged: (try? machine.read64(at: nmiLog)) ?? 0)
            } else if let recorder = open, root && rip == routineReturned {
                windows.append(recorder.finish(machine: machine))
                open = nil
                if keep.contains(windows.count - 1) && windows[windows.count - 1].owner(of: machine[.cr2]) == .guest {
                    lingering = true
                    windows[windows.count - 1].afterReturnEnd = "end of run"
                }
                continue
            }
            let result: RunResult
            if open != nil {
                windowSteps += 1
                guard windowSteps <= windowStepLimit else {
                    throw .runaway(variant: variant.name, steps: windowSteps)
                }
                result = open!.step(machine)
            } else {
                result = machine.step()
            }
            steps += 1
            switch result.stop {
            case .instructionLimit:
                guard steps < budget else { throw .runaway(variant: variant.name, steps: steps) }
            case .halt:
                return try finishRun(schedule, windows: windows)
            default:
                throw .machineStopped(variant: variant.name, reason: result.stop.name, rip: result.rip)
            }
        }
    }

    private func finishRun(_ schedule: LabSchedule, windows: [TransitionWindow]) throws(LabError) -> LabRun {
        let status = (try? machine.read64(at: status)) ?? ~0
        let done = (try? machine.read64(at: transitionsDone)) ?? 0
        guard status == 0, done == UInt64(schedule.transitions) else {
            throw .harnessFailed(
                variant: variant.name, status: status, transitionsDone: done, expected: UInt64(schedule.transitions))
        }
        guard windows.count == schedule.transitions else {
            throw .missingWindows(variant: variant.name, found: windows.count, expected: schedule.transitions)
        }
        var records: [Int: LabRecord] = [:]
        for t in max(0, schedule.transitions - Int(LabLayout.maxRecords))..<schedule.transitions {
            records[t] = record(t)
        }
        return LabRun(
            variant: variant.name, schedule: schedule, windows: windows, records: records, oopsLine: oopsCR2Line(),
            instructions: machine.instructionsExecuted)
    }

    private func record(_ t: Int) -> LabRecord {
        let base = records + UInt64(t % Int(LabLayout.maxRecords)) * LabLayout.recordSize
        func word(_ offset: UInt64) -> UInt64 { (try? machine.read64(at: base + offset)) ?? 0 }
        let flags = word(LabLayout.recordFlags)
        let reason = word(LabLayout.recordExitReason)
        return LabRecord(
            hostCR2BeforeEntry: word(LabLayout.recordHostCR2Before), hostCR2AfterExit: word(LabLayout.recordHostCR2After),
            oopsCR2: word(LabLayout.recordOopsCR2), vcpuCR2: word(LabLayout.recordVCPUCR2),
            fail: word(LabLayout.recordFail), exitReason: reason == ~0 ? nil : UInt32(truncatingIfNeeded: reason),
            guestFaulted: flags & LabLayout.flagGuestFault != 0, hostFaulted: flags & LabLayout.flagHostFault != 0,
            cr2MarkedGuestOwned: flags & LabLayout.flagCR2Marked != 0)
    }

    /// The "CR2: ..." line of the last oops dump.
    private func oopsCR2Line() -> String {
        let length = min((try? machine.read64(at: oopsLogLength)) ?? 0, 4096)
        let bytes = (try? machine.readMemory(at: oopsLog, count: Int(length))) ?? []
        let text = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        return text.split(separator: "\n").first { $0.hasPrefix("CR2:") }.map(String.init) ?? ""
    }

    // MARK: Replays for the NMI sweep

    /// For each boundary of `window` (recorded by ``trace(_:keep:)``): replays `schedule` to it, injects one NMI
    /// there, runs until the host's NMI handler has logged it, and returns the CR2 the handler saw on entry and
    /// the RIP it interrupted (nil if it never ran). The run is brought to the routine's entry once and replayed
    /// from there (``Machine/makeResetPoint()``); the machine is reloaded afterwards.
    func sweep(_ window: TransitionWindow, schedule: LabSchedule) throws(LabError) -> [(cr2: UInt64, rip: UInt64)?] {
        start(schedule)
        defer { machine.load(image) }
        try runFast(to: window.startInstruction)
        var extra = 0
        while machine[.rip] != routine || machine.vmx.operation == .nonRoot {
            extra += 1
            guard extra < 16, machine.step().stop == .instructionLimit else {
                throw .replayDiverged(variant: variant.name, boundary: 0, expectedRIP: routine, rip: machine[.rip])
            }
        }
        let base = machine.instructionsExecuted
        machine.makeResetPoint()
        var seen: [(cr2: UInt64, rip: UInt64)?] = []
        for target in window.boundaries.indices {
            machine.reset()
            try replay(to: target, of: window, base: base)
            seen.append(try nmiHere(loggedBefore: window.nmisLoggedBefore, budget: stepBudget(schedule)))
        }
        return seen
    }

    /// Brings the machine, reset to the routine's entry, to boundary `target`: at full speed to the first boundary
    /// that shares its instruction count, then one step per event in between, checking RIP against the record.
    private func replay(to target: Int, of window: TransitionWindow, base: UInt64) throws(LabError) {
        let boundaries = window.boundaries
        let first = boundaries.firstIndex { $0.instructionCount == boundaries[target].instructionCount } ?? 0
        try runFast(to: boundaries[first].instructionCount - base)
        var at = first
        if machine[.rip] != boundaries[first].rip {
            machine.reset()  // landed elsewhere (an event at that boundary): step from the entry instead
            at = 0
        }
        while at < target {
            machine.step()
            at += 1
            guard machine[.rip] == boundaries[at].rip else {
                throw .replayDiverged(
                    variant: variant.name, boundary: at, expectedRIP: boundaries[at].rip, rip: machine[.rip])
            }
        }
    }

    /// Injects an NMI at the current boundary and runs until the handler has logged it (its exit path starts at
    /// `nmi_exit_read_cr2`) or the harness halts.
    private func nmiHere(loggedBefore index: UInt64, budget: UInt64) throws(LabError) -> (cr2: UInt64, rip: UInt64)? {
        machine.injectNMI()
        var count: UInt64 = 0
        while count <= index {
            let result = machine.run(maxInstructions: budget, until: [nmiExit])
            count = (try? machine.read64(at: nmiLog + LabLayout.nmiCount)) ?? 0
            if result.stop == .breakpoint { continue }
            guard result.stop == .halt else {
                throw .machineStopped(variant: variant.name, reason: result.stop.name, rip: result.rip)
            }
            break
        }
        guard index < count, index < LabLayout.nmiMax else { return nil }
        let entry = nmiLog + LabLayout.nmiEntries + 16 * index
        return ((try? machine.read64(at: entry)) ?? 0, (try? machine.read64(at: entry + 8)) ?? 0)
    }

    /// Runs until exactly `count` instructions have retired (deliveries also use budget, so several runs).
    private func runFast(to count: UInt64) throws(LabError) {
        while machine.instructionsExecuted < count {
            let result = machine.run(maxInstructions: count - machine.instructionsExecuted)
            guard result.stop == .instructionLimit else {
                throw .machineStopped(variant: variant.name, reason: result.stop.name, rip: result.rip)
            }
        }
    }

    private static func bytes(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
}
