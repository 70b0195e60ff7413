/// One variant's NMI sweep over the routine's boundaries in one transition.
public struct NMISweepResult: Sendable {
    /// What one injected NMI saw.
    public struct Point: Sendable, Equatable {
        public var boundary: LabBoundary
        /// CR2 the host NMI handler read on entry (nil if the handler never ran, which would be a harness bug).
        public var nmiCR2: UInt64?
        /// RIP the handler interrupted (for an NMI in the guest: where the host called the handler after the exit).
        public var nmiRIP: UInt64?
        public var owner: CR2Owner?
    }

    public var variant: String
    public var window: TransitionWindow
    public var points: [Point]

    /// Boundaries swept (the routine's first instruction to the boundary after its RET, guest boundaries included).
    public var boundaries: Int { points.count }
    /// Boundaries after the VM exit (the routine's own code between the exit and its return).
    public var afterExitBoundaries: Int { points.filter { $0.boundary.phase == .afterExit }.count }
    /// NMIs that saw a guest-owned CR2, anywhere in the window.
    public var nmiSawGuestCR2: Int { points.filter { $0.owner == .guest }.count }
    /// The after-exit boundaries where the NMI saw the guest's CR2: the window the thread talks about.
    public var guestCR2Window: [Point] { points.filter { $0.boundary.phase == .afterExit && $0.owner == .guest } }
    /// Before-entry boundaries where the NMI saw the guest's CR2 (after the routine loaded it).
    public var beforeEntryGuestCR2: Int {
        points.filter { $0.boundary.phase == .beforeEntry && $0.owner == .guest }.count
    }
    /// NMIs that arrived while the guest ran (NMI exits) and saw the guest's CR2 when the host handled them.
    public var guestPhaseGuestCR2: Int { points.filter { $0.boundary.phase == .guest && $0.owner == .guest }.count }
}
