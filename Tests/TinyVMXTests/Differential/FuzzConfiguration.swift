import Foundation

/// Fuzzing parameters, overridable from the environment:
/// - `TINYVMX_FUZZ_SEQUENCES`: sequences per run (default 20,000), in batches of `batchSize`.
/// - `TINYVMX_FUZZ_SEED`: the base seed (decimal or 0x-hex; default `defaultSeed`, so failures reproduce).
/// - `TINYVMX_FUZZ_FAMILIES` / `TINYVMX_FUZZ_EXCLUDE`: comma-separated `InstructionGenerator.Family` names to
///   restrict the generator to, or to leave out.
/// - `TINYVMX_FUZZ_REPLAY`: a sequence seed from a report; `DifferentialTests.replay` then runs just that one.
/// - `TINYVMX_FUZZ_UNITS`: units per sequence as `MIN-MAX` (default 8-16).
enum FuzzConfiguration {
    static let defaultSeed: UInt64 = 0x7E57_F022_2025
    static let defaultSequences = 20_000
    static let batchSize = 500

    static let environment = ProcessInfo.processInfo.environment

    static func number(_ name: String) -> UInt64? {
        guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if text.lowercased().hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
        return UInt64(text)
    }

    static var seed: UInt64 { number("TINYVMX_FUZZ_SEED") ?? defaultSeed }
    static var sequences: Int { Int(number("TINYVMX_FUZZ_SEQUENCES") ?? UInt64(defaultSequences)) }
    static var batches: [Int] { Array(0..<((sequences + batchSize - 1) / batchSize)) }
    static var replaySeed: UInt64? { number("TINYVMX_FUZZ_REPLAY") }

    static var options: InstructionGenerator.Options {
        var families = InstructionGenerator.Family.allCases
        if let only = environment["TINYVMX_FUZZ_FAMILIES"], !only.isEmpty {
            let names = Set(only.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
            families = families.filter { names.contains($0.rawValue) }
        }
        if let excluded = environment["TINYVMX_FUZZ_EXCLUDE"], !excluded.isEmpty {
            let names = Set(excluded.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
            families = families.filter { !names.contains($0.rawValue) }
        }
        var options = InstructionGenerator.Options(families: families, zeroSourceBitScan: hostIsAMD)
        if let units = environment["TINYVMX_FUZZ_UNITS"] {
            let parts = units.split(separator: "-").compactMap { Int($0) }
            if parts.count == 2, parts[0] <= parts[1] { options.unitCount = parts[0]...parts[1] }
        }
        return options
    }

    /// AMD documents that BSF/BSR leave the destination unchanged for a zero source (Intel: undefined).
    static let hostIsAMD: Bool = {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return false }
        return cpuinfo.contains("AuthenticAMD")
    }()

    /// The seed of sequence `index` of batch `batch`: each sequence can be regenerated on its own.
    static func sequenceSeed(base: UInt64, batch: Int, index: Int) -> UInt64 {
        var mixer = SplitMix64(seed: base ^ (UInt64(batch * batchSize + index) &* 0xD1B5_4A32_D192_ED03))
        return mixer.next()
    }
}
