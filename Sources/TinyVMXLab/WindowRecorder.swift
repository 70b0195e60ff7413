import TinyVMX

/// Steps the machine through one call of the routine and accumulates its ``TransitionWindow``.
struct WindowRecorder {
    private var window: TransitionWindow
    private let keep: Bool
    private var phase = TransitionPhase.beforeEntry
    private var guestValues: Set<UInt64>
    /// Boundaries before the owners are known (the guest's values are known at the end).
    private var pending: [LabBoundary] = []

    init(transition: Int, machine: Machine, keep: Bool, nmisLogged: UInt64) {
        let vcpu = machine[.rdi]
        let vcpuCR2 = (try? machine.read64(at: vcpu &+ LabLayout.vcpuCR2)) ?? 0
        window = TransitionWindow(
            transition: transition, startInstruction: machine.instructionsExecuted, hostCR2: machine[.cr2],
            vcpuCR2AtEntry: vcpuCR2, exit: nil, rootInstructions: 0, guestInstructions: 0, cr2Reads: 0, cr2Writes: 0,
            guestCR2Reads: 0, guestCR2Writes: 0, nmisLoggedBefore: nmisLogged, boundaries: [], guestCR2Values: [])
        self.keep = keep
        guestValues = [vcpuCR2]
    }

    /// Executes one step from the current boundary and accounts for it.
    mutating func step(_ machine: Machine) -> RunResult {
        let rip = machine[.rip]
        let cr2 = machine[.cr2]
        let count = machine.instructionsExecuted
        let inGuest = machine.vmx.operation == .nonRoot
        if inGuest { guestValues.insert(cr2) }
        let before = machine.statistics
        let vmxBefore = machine.vmx
        // VMLAUNCH (0F 01 C2) / VMRESUME (0F 01 C3): a fall-through means VMfail.
        let bytes = phase == .beforeEntry ? machine.instructionBytes(at: rip) : []
        let isVMRun = bytes.count >= 3 && bytes[0] == 0x0F && bytes[1] == 0x01 && (bytes[2] == 0xC2 || bytes[2] == 0xC3)
        let text = keep ? (machine.disassemble(at: rip)?.text ?? "(undecodable)") : ""

        let result = machine.step()

        let after = machine.statistics
        let vmxAfter = machine.vmx
        let reads = Int(after.cr2Reads - before.cr2Reads)
        let writes = Int(after.cr2Writes - before.cr2Writes)
        if inGuest {
            window.guestInstructions += Int(result.instructions)
            window.guestCR2Reads += reads
            window.guestCR2Writes += writes
        } else {
            window.rootInstructions += Int(result.instructions)
            window.cr2Reads += reads
            window.cr2Writes += writes
        }
        var event: String?
        if vmxAfter.exits > vmxBefore.exits, let exit = vmxAfter.lastExit {
            window.exit = exit
            guestValues.insert(exit.cr2)
            phase = .afterExit
            event = "VM exit (\(VMExitReason.name(exit.reason & 0xFFFF)))"
        } else if vmxAfter.entries > vmxBefore.entries, vmxAfter.operation == .nonRoot {
            phase = .guest
            event = "VM entry"
        } else if isVMRun && !inGuest && vmxAfter.operation != .nonRoot {
            phase = .afterExit
            event = "VMfail"
        } else if result.instructions == 0 {
            event = "event"
        }
        if keep {
            let access = reads > 0 ? "read" : writes > 0 ? "write" : nil
            pending.append(
                LabBoundary(
                    index: pending.count, instructionCount: count, rip: rip, phase: inGuest ? .guest : boundaryPhase(event, inGuest: inGuest),
                    cr2: cr2, owner: .other, instruction: text, event: event, cr2Access: access))
        }
        return result
    }

    /// The phase of the boundary a step started from (the phase variable already moved on for entries/exits).
    private func boundaryPhase(_ event: String?, inGuest: Bool) -> TransitionPhase {
        if event == "VM entry" || event == "VMfail" { return .beforeEntry }
        return phase
    }

    /// Closes the window at the boundary after the routine's RET.
    func finish(machine: Machine) -> TransitionWindow {
        var result = window
        result.guestCR2Values = guestValues.sorted()
        if keep {
            var boundaries = pending
            boundaries.append(
                LabBoundary(
                    index: boundaries.count, instructionCount: machine.instructionsExecuted, rip: machine[.rip], phase: phase, cr2: machine[.cr2], owner: .other,
                    instruction: machine.disassemble(at: machine[.rip])?.text ?? "", event: nil, cr2Access: nil))
            for i in boundaries.indices { boundaries[i].owner = result.owner(of: boundaries[i].cr2) }
            result.boundaries = boundaries
        }
        return result
    }
}
