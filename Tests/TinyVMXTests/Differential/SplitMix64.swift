/// A tiny deterministic PRNG (SplitMix64) so that a seed reproduces the same sequences on every platform and
/// Swift version (the standard library's `random(in:using:)` algorithms are not guaranteed stable).
struct SplitMix64: Sendable {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<n` (the modulo bias is irrelevant for fuzzing).
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(next() % UInt64(n))
    }

    mutating func range(_ r: ClosedRange<Int>) -> Int { r.lowerBound + below(r.count) }

    /// True with probability `percent`/100.
    mutating func percent(_ percent: Int) -> Bool { below(100) < percent }

    mutating func coin() -> Bool { next() & 1 == 1 }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// Picks an index with probability proportional to its weight.
    mutating func weighted(_ weights: [Int]) -> Int {
        var r = below(weights.reduce(0, +))
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }

    /// A value of `bits` bits biased towards the edge cases that break arithmetic: 0, ±1, the sign boundary,
    /// all-ones, single bits, small numbers, then plain random ones.
    mutating func interesting(bits: Int) -> UInt64 {
        let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        let sign: UInt64 = 1 << UInt64(bits - 1)
        let v: UInt64
        switch below(16) {
        case 0: v = 0
        case 1: v = 1
        case 2: v = mask  // -1
        case 3: v = sign  // MIN
        case 4: v = sign - 1  // MAX
        case 5: v = sign + 1
        case 6: v = UInt64(1) << UInt64(below(bits))
        case 7: v = ~(UInt64(1) << UInt64(below(bits)))
        case 8: v = UInt64(below(17))
        case 9: v = 0 &- UInt64(range(1...16))
        case 10: v = next() & 0xFF
        case 11: v = [0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x1_0000, 0x7FFF_FFFF, 0x8000_0000,
                      0xFFFF_FFFF, 0x1_0000_0000][below(12)]
        default: v = next()
        }
        return v & mask
    }
}
