import Foundation
import Synchronization
import Testing
import TinyVMX
import TinyVMXOracle

/// Replays `RegressionCase.all` against the host CPU on every run.
@Suite("Differential regressions")
struct DifferentialRegressionTests {
    @Test("regression case", arguments: RegressionCase.all)
    func replay(_ regression: RegressionCase) throws {
        let runner = DifferentialRunner()
        let sequence = regression.sequence
        let code = try runner.assemble([regression.source])[0]
        if let mismatch = try runner.check(sequence, code: code, origin: "regression \(regression.name)") {
            Issue.record(Comment(rawValue: "\(regression.note)\n\(mismatch)"))
        }
    }

    /// Capstone 4.0.2 sorts a static table (`X86_insn_reg_intel`) on the first decode that needs it, without
    /// synchronization. When machines on several threads make their first decodes at once, the table can be left
    /// unsorted for the rest of the process, and accumulator-immediate forms (`or $imm, %eax`, `cmp $imm, %al`, …)
    /// then decode without their register operand: `orl $0x8000, %eax` left EAX unchanged, `cmpl $x, %eax`
    /// compared against 0. Only the first decodes of a process matter, so this runs a fresh copy of the test
    /// binary whose only test (`capstoneRaceChild`) does its first decodes on several threads at once.
    @Test("accumulator-immediate forms decode correctly when first decoded concurrently")
    func accumulatorFormsInFreshProcess() throws {
        // Not deterministic: the race needs two first decodes to overlap, which a heavily loaded machine makes
        // rarer. It never fails spuriously.
        for attempt in 0..<5 {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/proc/self/exe")
            process.arguments = ["--testing-library", "swift-testing", "--filter", "capstoneRaceChild"]
            var environment = ProcessInfo.processInfo.environment
            environment["TINYVMX_CAPSTONE_RACE_CHILD"] = "1"
            process.environment = environment
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                let lines = text.split(separator: "\n").filter { $0.contains("host RAX") || $0.contains("✘") }
                let detail = lines.prefix(40).joined(separator: "\n")
                Issue.record("fresh process \(attempt): first decodes on several threads gave wrong results:\n\(detail)")
                return
            }
        }
    }

    /// The same forms in this process, whose first decodes were made by whichever tests started first, in
    /// parallel: if they corrupted Capstone's table, this fails (as do the random sequences that use these forms).
    @Test("accumulator-immediate forms decode correctly in this process")
    func accumulatorFormsInThisProcess() throws {
        let (names, codes) = try Self.accumulatorForms()
        let runner = DifferentialRunner()
        let initial = RegressionCase("accumulator", note: "", source: "", gpr: [0: 0x0F0F_F0F0_0F0F_F0F0]).sequence.initial
        let data = DataImage.make(seed: initial.dataSeed, size: FuzzLayout.dataSize)
        for (k, code) in codes.enumerated() {
            let host = try runner.runHost(code: code, initial: initial, data: data)
            let interpreter = try runner.runInterpreter(code: code, initial: initial, data: data)
            #expect(host.gpr[0] == interpreter.gpr[0], "\(names[k]): host RAX \(hex(host.gpr[0])), interpreter \(hex(interpreter.gpr[0]))")
        }
    }

    /// ADD OR ADC SBB AND SUB XOR CMP TEST with an immediate and AL/AX/EAX/RAX (the short accumulator encodings).
    static func accumulatorForms() throws -> (names: [String], codes: [[UInt8]]) {
        var sources: [String] = []
        for op in ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp", "test"] {
            sources.append("\(op)b $0x5a, %al")
            sources.append("\(op)w $0x1234, %ax")
            sources.append("\(op)l $0x12345678, %eax")
            sources.append("\(op)q $-0x12345678, %rax")
        }
        return (sources, try DifferentialRunner().assemble(sources))
    }

    /// Run only as the child of `accumulatorFormsInFreshProcess`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TINYVMX_CAPSTONE_RACE_CHILD"] != nil))
    func capstoneRaceChild() throws {
        let runner = DifferentialRunner()
        let (names, codes) = try Self.accumulatorForms()
        let initial = RegressionCase("accumulator", note: "", source: "", gpr: [0: 0x0F0F_F0F0_0F0F_F0F0]).sequence.initial
        let data = DataImage.make(seed: initial.dataSeed, size: FuzzLayout.dataSize)
        let expected = try codes.map { try runner.runHost(code: $0, initial: initial, data: data).gpr[0] }
        let failures = Mutex<[String]>([])
        let threadCount = 16
        let arrived = Atomic<Int>(0)
        let finished = DispatchGroup()
        // No decode has happened yet in this process: all threads (real ones, so the barrier cannot deadlock)
        // start decoding at once.
        for thread in 0..<threadCount {
            finished.enter()
            Thread {
                arrived.add(1, ordering: .sequentiallyConsistent)
                while arrived.load(ordering: .sequentiallyConsistent) < threadCount {}
                for round in 0..<10 {
                    for k in codes.indices where (k + thread + round) % 3 != 0 {
                        guard let got = try? runner.runInterpreter(code: codes[k], initial: initial, data: data) else {
                            continue
                        }
                        if got.gpr[0] != expected[k] {
                            failures.withLock {
                                $0.append("\(names[k]): host RAX \(hex(expected[k])), interpreter \(hex(got.gpr[0]))")
                            }
                        }
                    }
                }
                finished.leave()
            }.start()
        }
        finished.wait()
        let found = failures.withLock { Set($0).sorted() }
        for f in found { print(f) }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }
}
