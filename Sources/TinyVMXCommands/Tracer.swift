import Foundation
import TinyVMX

/// Runs a machine one instruction at a time, printing index, RIP, bytes, disassembly and what changed.
struct Tracer {
    let machine: Machine

    private static let watched: [Register] = Register.allCases.filter { $0 != .rip }

    func run<Out: TextOutputStream>(maxInstructions: UInt64, json: Bool, to out: inout Out) -> RunResult {
        var retired: UInt64 = 0
        /// Budget spent: retired instructions, and one per step that retired nothing (an event).
        var spent: UInt64 = 0
        var index: UInt64 = 1
        while true {
            let rip = machine[.rip]
            let before = Self.watched.map { machine[$0] }
            let budgetLeft = maxInstructions - min(spent, maxInstructions)
            if budgetLeft == 0 {
                return RunResult(stop: .instructionLimit, rip: rip, instructions: retired)
            }
            let vmxBefore = machine.vmx
            let result = machine.step()
            retired += result.instructions
            spent += max(result.instructions, 1)
            let changes = zip(Self.watched, before).compactMap { reg, old -> String? in
                let new = machine[reg]
                guard new != old else { return nil }
                if reg == .rflags { return "rflags=\(FlagText.describe(new))" }
                return "\(reg.rawValue)=0x\(String(new, radix: 16))"
            }
            let unmapped = (try? machine.readMemory(at: rip, count: 1)) == nil
            let (text, bytes) = machine.disassemble(at: rip) ?? (unmapped ? "(not mapped)" : "(undecodable)", [])
            let hex = bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
            // A step that retired nothing performed an event instead (a fault or exit of this instruction,
            // or an NMI, interrupt or exit at this boundary): say so rather than imply it executed.
            let note = result.instructions == 0 && result.stop == .instructionLimit ? "(did not retire; event) " : ""
            let line = "\(index)\t0x\(String(rip, radix: 16))\t\(hex.padding(30))\t\(text.padding(36))\t"
                + note + changes.joined(separator: " ")
            var lines = [line]
            lines += vmxMarks(since: vmxBefore)
            for l in lines {
                if json { FileHandleOutput.standardError.write(l + "\n") } else { print(l, to: &out) }
            }
            index += 1
            if result.stop != .instructionLimit {
                return RunResult(stop: result.stop, rip: result.rip, instructions: retired)
            }
        }
    }
}

extension Tracer {
    /// Lines marking the VM entries and exits a step performed (an entry can be followed by an exit in the
    /// same step, e.g. a failed guest-state check or an exit before the guest's first instruction).
    func vmxMarks(since before: Machine.VMXStatus) -> [String] {
        let after = machine.vmx
        var marks: [String] = []
        if after.entries > before.entries {
            marks.append("\t=== VM entry (\(before.currentVMCS.map { "VMCS 0x\(String($0, radix: 16))" } ?? "no VMCS"))")
        }
        let newExits = Int(after.exits - before.exits)
        for e in machine.vmExitLog.suffix(min(newExits, machine.vmExitLog.count)) {
            marks.append(
                "\t=== VM exit: \(VMExitReason.name(e.reason)) (\(e.reason)) qualification 0x\(String(e.qualification, radix: 16))"
                    + " intr-info 0x\(String(e.interruptionInfo, radix: 16)) guest RIP 0x\(String(e.guestRIP, radix: 16))"
                    + " → host RIP 0x\(String(machine[.rip], radix: 16))")
        }
        return marks
    }
}

/// RFLAGS as the letters of the status flags that are set, e.g. `ZF|PF` (plus the raw value).
enum FlagText {
    static func describe(_ v: UInt64) -> String {
        let names: [(UInt64, String)] = [(1, "CF"), (4, "PF"), (0x10, "AF"), (0x40, "ZF"), (0x80, "SF"),
                                         (0x400, "DF"), (0x800, "OF"), (0x200, "IF")]
        let set = names.filter { v & $0.0 != 0 }.map(\.1)
        return "0x\(String(v, radix: 16))[\(set.joined(separator: "|"))]"
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// Standard error, where `--trace` lines go when `--json` owns standard output.
enum FileHandleOutput {
    case standardError

    func write(_ s: String) { FileHandle.standardError.write(Data(s.utf8)) }
}
