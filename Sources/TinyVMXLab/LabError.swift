import TinyVMX

/// Why the CR2 lab could not produce a result. Each case names what was expected.
public enum LabError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A variant argument that is neither `NAME=FILE` nor a built-in name.
    case badVariant(String)
    /// Building or linking the lab image failed (for `variant`, or the shared parts when `nil`).
    case load(variant: String?, file: String, LoadError)
    /// The linked image lacks a symbol the harness contract needs.
    case missingSymbol(String, variant: String)
    /// A schedule the harness cannot run (no transitions, a rate outside 0...1, ...).
    case badSchedule(String)
    /// The machine stopped for a reason other than the harness's final HLT.
    case machineStopped(variant: String, reason: String, rip: UInt64)
    /// The harness stopped early (`status` from `Programs/host/lab/lab.h`).
    case harnessFailed(variant: String, status: UInt64, transitionsDone: UInt64, expected: UInt64)
    /// The harness finished, but the routine was called fewer (or more) times than transitions were scheduled.
    case missingWindows(variant: String, found: Int, expected: Int)
    /// A replay for the NMI sweep did not follow the recorded run (a nondeterminism bug).
    case replayDiverged(variant: String, boundary: Int, expectedRIP: UInt64, rip: UInt64)
    /// The run exceeded the step budget (a guest or variant that never returns).
    case runaway(variant: String, steps: UInt64)

    public var description: String {
        switch self {
        case .badVariant(let text): return "bad --variant \(text)"
        case .load(let variant, let file, let error):
            return "cannot build \(variant.map { "variant '\($0)' " } ?? "")from \(file): \(error)"
        case .missingSymbol(let name, let variant):
            return "variant '\(variant)': the linked lab image does not define '\(name)'"
        case .badSchedule(let text): return "bad schedule: \(text)"
        case .machineStopped(let variant, let reason, let rip):
            return "variant '\(variant)': the machine stopped (\(reason)) at 0x\(String(rip, radix: 16)) "
                + "before the harness finished"
        case .harnessFailed(let variant, let status, let done, let expected):
            let what = [1: "VMXON failed", 2: "VMCS setup failed", 3: "an exit the host does not handle",
                        4: "the guest panicked"][status] ?? "status \(status)"
            return "variant '\(variant)': the harness stopped after \(done) of \(expected) transitions: \(what)"
        case .missingWindows(let variant, let found, let expected):
            return "variant '\(variant)': vmx_vcpu_enter_exit was entered \(found) times through "
                + "lab_call_routine for \(expected) transitions"
        case .replayDiverged(let variant, let boundary, let expected, let rip):
            return "variant '\(variant)': replay to boundary \(boundary) reached RIP 0x\(String(rip, radix: 16)), "
                + "expected 0x\(String(expected, radix: 16))"
        case .runaway(let variant, let steps):
            return "variant '\(variant)': no end after \(steps) steps (a routine that never returns, or a guest "
                + "that never exits?)"
        }
    }
}
