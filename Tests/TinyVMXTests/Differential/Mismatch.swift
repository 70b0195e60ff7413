/// A sequence on which the interpreter and the host CPU disagree, with everything needed to reproduce it.
struct Mismatch: Sendable, CustomStringConvertible {
    /// Where it came from, e.g. `base seed 0x…, batch 3, sequence 17`.
    var origin: String
    var sequence: GeneratedSequence
    var code: [UInt8]
    /// Status flags compared (DF always is).
    var comparedFlags: FlagSet
    var host: RunOutcome
    var interpreter: RunOutcome
    var differences: [Difference]

    var description: String {
        var out = "Differential mismatch (\(origin)), sequence seed \(hex(sequence.seed))\n"
        out += "differences:\n"
        for d in differences { out += "  \(d)\n" }
        out += "compared flags: \(comparedFlags) DF\n"
        out += "initial state:\n" + Self.registers(sequence.initial.gpr)
        out += "  rflags \(FlagSet.render(sequence.initial.rflags)) (\(hex(sequence.initial.rflags))), "
            + "data seed \(hex(sequence.initial.dataSeed))\n"
        out += "host final (\(host.stop)):\n" + Self.registers(host.gpr, against: interpreter.gpr)
        out += "  rflags \(FlagSet.render(host.rflags & FlagSet.comparableBits))\n"
        out += "interpreter final (\(interpreter.stop)):\n" + Self.registers(interpreter.gpr, against: host.gpr)
        out += "  rflags \(FlagSet.render(interpreter.rflags & FlagSet.comparableBits))\n"
        out += "code (\(code.count) bytes at \(hex(FuzzLayout.codeAddress))): \(hex(code))\n"
        out += "source:\n\(sequence.source)\n"
        out += "as a regression case:\n\(regressionLiteral)\n"
        return out
    }

    /// Four registers a line; `*` marks those that differ from `other`.
    static func registers(_ gpr: [UInt64], against other: [UInt64]? = nil) -> String {
        var out = ""
        for row in 0..<4 {
            out += " "
            for i in row * 4..<row * 4 + 4 {
                let mark = other.map { $0[i] != gpr[i] ? "*" : " " } ?? " "
                let name = GPRNames.r64[i]
                out += " \(mark)\(name)\(String(repeating: " ", count: 3 - name.count)) \(hex(gpr[i]))"
            }
            out += "\n"
        }
        return out
    }

    /// The sequence as a `RegressionCase` initializer, to paste into `Regressions/RegressionCases.swift`.
    var regressionLiteral: String {
        let gpr = sequence.initial.gpr.map(hex).joined(separator: ", ")
        let source = sequence.source.split(separator: "\n").map { "            \($0.trimmingCharacters())" }
            .joined(separator: "\n")
        return """
                RegressionCase(
                    name: "TODO",
                    source: \"\"\"
            \(source)
                        \"\"\",
                    gpr: [\(gpr)],
                    rflags: \(hex(sequence.initial.rflags)), dataSeed: \(hex(sequence.initial.dataSeed)),
                    comparedFlags: \(hex(comparedFlags.rawValue))),
            """
    }
}

extension Substring {
    func trimmingCharacters() -> String {
        var s = self
        while let f = s.first, f == " " { s.removeFirst() }
        while let l = s.last, l == " " { s.removeLast() }
        return String(s)
    }
}
