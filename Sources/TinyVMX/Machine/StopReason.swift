/// Why a run stopped. Every case is an architectural or budget stop: nothing here is a crash.
public enum StopReason: Sendable, Equatable {
    /// HLT executed (RIP is after it).
    case halt
    /// An exception was raised and could not be delivered (the bare profile has no IDT until LIDT): `vector`,
    /// the error code if the vector has one. For #PF, CR2 already holds the faulting address.
    case exception(vector: UInt8, errorCode: UInt32?)
    /// The instruction budget ran out before the next instruction (RIP is on it).
    case instructionLimit
    /// The instruction at RIP decoded but is outside the subset this machine implements.
    case unsupported(UnsupportedInstruction)
    /// A fault while delivering #DF: the processor shut down (RIP is on the instruction whose fault started it).
    case tripleFault
    /// Control reached an address given to ``Machine/run(maxInstructions:until:)`` (RIP is on it, not executed).
    case breakpoint

    /// The short name used by the CLI's JSON (`halt`, `exception`, `instruction-limit`, `unsupported`).
    public var name: String {
        switch self {
        case .halt: return "halt"
        case .exception: return "exception"
        case .instructionLimit: return "instruction-limit"
        case .unsupported: return "unsupported"
        case .tripleFault: return "triple-fault"
        case .breakpoint: return "breakpoint"
        }
    }
}

/// An instruction the machine decoded but does not implement, with everything needed to say where.
public struct UnsupportedInstruction: Sendable, Equatable, CustomStringConvertible {
    public var address: UInt64
    public var bytes: [UInt8]
    /// Capstone's disassembly of the bytes, e.g. `vmlaunch` or `movaps xmm0, xmmword ptr [rax]`.
    public var disassembly: String

    public var description: String {
        let hex = bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " ")
        return "unsupported instruction at 0x\(String(address, radix: 16)): \(hex) (\(disassembly)); "
            + "expected an instruction of the TinyVMX subset"
    }
}

/// The outcome of `Machine.run(maxInstructions:)`.
public struct RunResult: Sendable, Equatable {
    public var stop: StopReason
    /// RIP after the stop: after HLT, on the faulting instruction, after a trap, on the next instruction for
    /// a budget stop.
    public var rip: UInt64
    /// Instructions retired by this run.
    public var instructions: UInt64

    public init(stop: StopReason, rip: UInt64, instructions: UInt64) {
        self.stop = stop
        self.rip = rip
        self.instructions = instructions
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}
