/// Shrinks a mismatching sequence so the report shows the fewest units and the plainest starting registers that
/// still make the interpreter and the host disagree.
///
/// Units are removed greedily (each candidate must still be flag-valid: no unit may read a flag left undefined);
/// all candidates of a round are assembled with one `as` run. Then registers other than RSP and R15 are zeroed one
/// by one, and the flags cleared, where the mismatch survives.
struct SequenceMinimizer {
    var runner: DifferentialRunner
    /// Upper bound on `as` runs.
    var maxRounds = 40

    func minimize(_ mismatch: Mismatch) -> Mismatch {
        var best = mismatch
        var rounds = 0
        var progress = true
        while progress && rounds < maxRounds && best.sequence.units.count > 1 {
            progress = false
            rounds += 1
            let units = best.sequence.units
            // A divide-error sequence's last two units (setup, divide) belong together.
            let protected = best.sequence.mayFaultAtEnd ? 2 : 0
            var candidates: [GeneratedSequence] = []
            // Try dropping halves, quarters, … then single units.
            var chunk = max(1, units.count / 2)
            while true {
                for start in stride(from: 0, to: units.count - protected, by: chunk) {
                    var s = best.sequence
                    s.units.removeSubrange(start..<min(units.count - protected, start + chunk))
                    if !s.units.isEmpty && s.definedFlags() != nil { candidates.append(s) }
                }
                if chunk == 1 { break }
                chunk /= 2
            }
            guard !candidates.isEmpty, let codes = try? runner.assemble(candidates.map(\.source)) else { break }
            for (k, candidate) in candidates.enumerated() {
                if let m = try? runner.check(candidate, code: codes[k], origin: mismatch.origin + ", minimized") {
                    best = m
                    progress = true
                    break
                }
            }
        }
        // Plainer registers and flags.
        for i in 0..<16 where i != 4 && i != 15 && best.sequence.initial.gpr[i] != 0 {
            var s = best.sequence
            s.initial.gpr[i] = 0
            if let m = try? runner.check(s, code: best.code, origin: best.origin) { best = m }
        }
        if best.sequence.initial.rflags != 0x2 {
            var s = best.sequence
            s.initial.rflags = 0x2
            if let m = try? runner.check(s, code: best.code, origin: best.origin) { best = m }
        }
        return best
    }
}
