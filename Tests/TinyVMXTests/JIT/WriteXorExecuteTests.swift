import Foundation
import Testing
import TinyVMX

/// Generated code is never writable and executable at once: after compiling (and linking blocks to each
/// other, which rewrites code already placed), no mapping of this process is both writable and executable.
@Suite struct WriteXorExecuteTests {
    /// Mappings whose permissions include both w and x, from /proc/self/maps.
    static func writableExecutableMappings() throws -> [String] {
        let maps = try String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
        return maps.split(separator: "\n").filter { line in
            let perms = line.split(separator: " ").dropFirst().first ?? ""
            return perms.contains("w") && perms.contains("x")
        }.map(String.init)
    }

    @Test func compiledCodeIsNeverWritableAndExecutable() throws {
        var configuration = Machine.Configuration()
        configuration.engine = .jit
        let machine = Machine(configuration: configuration)
        // A call/ret loop: several blocks, linked to each other after they are placed.
        let image = try Toolchain.loadProgram(
            path: CorpusTests.programsDirectory + "/bench/w3_call.S", baseAddress: 0x10000, entry: nil)
        machine.load(image)
        let result = machine.run(maxInstructions: 100_000)
        #expect(result.stop == .instructionLimit)
        #expect(machine.statistics.jitBlocksCompiled >= 4)
        #expect(machine.statistics.jitInstructions > 90_000)
        #expect(try Self.writableExecutableMappings() == [])
    }
}

/// A full arena drops all compiled code and compiles again; results stay the interpreter's.
@Suite struct CodeArenaCapacityTests {
    func run(_ engine: Machine.Engine, codeBytes: Int) throws -> (RunResult, Machine) {
        var configuration = Machine.Configuration()
        configuration.engine = engine
        configuration.jitCodeBytes = codeBytes
        let machine = Machine(configuration: configuration)
        machine.load(try Toolchain.loadProgram(
            path: CorpusTests.programsDirectory + "/bench/w3_call.S", baseAddress: 0x10000, entry: nil))
        return (machine.run(maxInstructions: 50_000), machine)
    }

    @Test func aFullArenaIsStartedOverAndResultsDoNotChange() throws {
        let (expected, reference) = try run(.interpreter, codeBytes: 32 << 20)
        // 1 KiB holds the runtime and two or three of W3's blocks: it fills again and again.
        let (result, machine) = try run(.jit, codeBytes: 1024)
        #expect(result == expected)
        #expect(machine[.rax] == reference[.rax] && machine[.rsp] == reference[.rsp] && machine[.rflags] == reference[.rflags])
        #expect(machine.statistics.jitInvalidations > 10)
        #expect(machine.statistics.jitInstructions > 10_000)
    }
}
