/// What the harness does over a run: how many transitions, how often the guest and the host fault, and
/// whether one entry is made to fail. Rates are spread evenly: exactly ⌊n·rate⌋ of the first n transitions.
public struct LabSchedule: Sendable, Equatable {
    public var transitions: Int
    /// Fraction of transitions on which the guest takes (and handles) a #PF before its exit.
    public var guestFaultRate: Double
    /// Fraction of transitions before which the host takes a #PF of its own.
    public var hostFaultRate: Double
    /// The transition (from 0) whose entry fails: the harness passes the wrong VMLAUNCH/VMRESUME flag, so the
    /// entry fails with VMfailValid and `__vmx_vcpu_run` returns 1.
    public var failAt: Int?

    public init(transitions: Int, guestFaultRate: Double = 1, hostFaultRate: Double = 1, failAt: Int? = nil) {
        self.transitions = transitions
        self.guestFaultRate = guestFaultRate
        self.hostFaultRate = hostFaultRate
        self.failAt = failAt
    }

    /// The largest schedule the lab runs (each transition is stepped one instruction at a time).
    public static let maximumTransitions = 100_000

    func validated() throws(LabError) -> LabSchedule {
        guard (1...Self.maximumTransitions).contains(transitions) else {
            throw .badSchedule("transitions must be 1...\(Self.maximumTransitions), got \(transitions)")
        }
        for (name, rate) in [("guest fault rate", guestFaultRate), ("host fault rate", hostFaultRate)]
        where !(0...1).contains(rate) {
            throw .badSchedule("\(name) must be between 0 and 1, got \(rate)")
        }
        if let failAt, !(0..<transitions).contains(failAt) {
            throw .badSchedule("fail-at \(failAt) is not one of the \(transitions) transitions")
        }
        return self
    }

    /// A rate in the harness's parts per million.
    static func ppm(_ rate: Double) -> UInt64 { UInt64((rate * 1_000_000).rounded()) }

    /// Whether transition `t` has an event of rate `rate` (the harness's own formula, for reports).
    static func scheduled(_ t: Int, rate: Double) -> Bool {
        let ppm = Self.ppm(rate)
        return (UInt64(t) + 1) * ppm / 1_000_000 != UInt64(t) * ppm / 1_000_000
    }
}
