/// The end state of one run, normalized so that host and interpreter results compare field by field.
struct RunOutcome: Sendable, Equatable {
    enum Stop: Sendable, Equatable, CustomStringConvertible {
        /// The host ran off the end / the interpreter reached the HLT appended after the sequence.
        case completed
        /// An exception: vector and the RIP reported (the faulting instruction for faults).
        case fault(vector: Int, rip: UInt64)
        case timedOut(rip: UInt64)
        case instructionLimit(rip: UInt64)
        case unsupported(String)
        /// A HLT other than the appended one.
        case halt(rip: UInt64)

        var description: String {
            switch self {
            case .completed: return "completed"
            case .fault(let v, let rip): return "fault vector \(v) at \(hex(rip))"
            case .timedOut(let rip): return "timed out at \(hex(rip))"
            case .instructionLimit(let rip): return "instruction limit at \(hex(rip))"
            case .unsupported(let s): return "unsupported: \(s)"
            case .halt(let rip): return "hlt at \(hex(rip))"
            }
        }
    }

    var stop: Stop
    /// RAX RCX RDX RBX RSP RBP RSI RDI R8..R15.
    var gpr: [UInt64]
    var rflags: UInt64
    /// The first `FuzzLayout.dataSize` bytes of the data region.
    var data: [UInt8]
}

/// One field that differs between the host and the interpreter.
struct Difference: Sendable, Equatable, CustomStringConvertible {
    var field: String
    var host: String
    var interpreter: String

    var description: String { "\(field): host \(host), interpreter \(interpreter)" }
}

func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

func hex(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
}
