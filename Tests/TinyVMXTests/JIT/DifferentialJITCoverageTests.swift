import Testing
import TinyVMX

/// The random differential suite holds the JIT to the host CPU and to the interpreter (`DifferentialRunner`
/// runs every sequence under `.jit` too). That check is only worth something if generated sequences are
/// really compiled: here a sample must retire a share of its instructions in compiled code.
@Suite struct DifferentialJITCoverageTests {
    @Test func generatedSequencesMostlyRunCompiled() throws {
        let generator = InstructionGenerator(options: FuzzConfiguration.options)
        let sequences = (0..<300).map {
            generator.generate(seed: FuzzConfiguration.sequenceSeed(base: 0x51_7E, batch: 0, index: $0))
        }
        let codes = try DifferentialRunner().assemble(sequences.map(\.source))
        var configuration = Machine.Configuration()
        configuration.engine = .jit
        var total: UInt64 = 0, compiled: UInt64 = 0
        for (k, code) in codes.enumerated() {
            let machine = Machine(configuration: configuration)
            try machine.writeMemory(
                DataImage.make(seed: sequences[k].initial.dataSeed, size: FuzzLayout.dataSize), at: FuzzLayout.dataAddress)
            try machine.load(bytes: code + [0xF4], at: FuzzLayout.codeAddress)
            for (i, r) in Register.allCases.prefix(16).enumerated() { machine[r] = sequences[k].initial.gpr[i] }
            let result = machine.run(maxInstructions: 100_000)
            total += result.instructions
            compiled += machine.statistics.jitInstructions
        }
        // About 17% at this seed: sequences interleave forms the JIT leaves to the interpreter (multiply, divide,
        // shifts, string and flag instructions), and every first touch of a page is a TLB miss it hands back.
        #expect(Double(compiled) > 0.1 * Double(total), "compiled code retired \(compiled) of \(total) instructions")
    }
}
