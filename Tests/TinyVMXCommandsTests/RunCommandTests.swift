import Foundation
import Testing
import TinyVMX
import TinyVMXCommands

/// `tinyvmx run`, driven by parsing arguments the way the shell would.
@Suite struct RunCommandTests {
    static let programs = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/") + "/Programs"

    func run(_ arguments: [String]) throws -> String {
        let command = try TinyVMXCommand.parseAsRoot(arguments)
        guard let run = command as? RunCommand else {
            Issue.record("parsed \(type(of: command)), expected RunCommand")
            return ""
        }
        var out = ""
        try run.execute(to: &out)
        return out
    }

    @Test func hexWithSetAndJSON() throws {
        let out = try run(["run", "--hex", "48 01 d8 f4", "--set", "rax=2", "--set", "RBX=0x28", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let stop = object?["stop"] as? [String: Any]
        let registers = object?["registers"] as? [String: String]
        #expect(stop?["reason"] as? String == "halt")
        #expect(stop?["rip"] as? String == "0x400004")
        #expect(stop?["vector"] is NSNull)
        #expect(object?["instructions"] as? Int == 2)
        #expect(registers?["rax"] == "0x2a")
        #expect(registers?["cr0"] == "0x80050033")
        #expect(registers?.count == 25)
    }

    @Test func pageFaultJSONCarriesVectorErrorCodeAndCR2() throws {
        let out = try run(["run", Self.programs + "/snippets/page_fault_write.S", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let stop = object?["stop"] as? [String: Any]
        #expect(stop?["reason"] as? String == "exception")
        #expect(stop?["vector"] as? Int == 14)
        #expect(stop?["errorCode"] as? Int == 2)
        #expect((object?["registers"] as? [String: String])?["cr2"] == "0x200000000")
    }

    @Test func traceListsEachInstructionAndWhatChanged() throws {
        let out = try run(["run", "--hex", "b8 07 00 00 00 48 ff c0 f4", "--trace"])
        let lines = out.split(separator: "\n")
        #expect(lines[0].contains("0x400000") && lines[0].contains("b8 07 00 00 00") && lines[0].contains("mov eax, 7"))
        #expect(lines[0].hasSuffix("rax=0x7"))
        #expect(lines[1].contains("inc rax") && lines[1].contains("rax=0x8"))
        #expect(lines[2].contains("hlt"))
        #expect(out.contains("stop: halt"))
    }

    @Test func entryAndBudget() throws {
        let out = try run(["run", Self.programs + "/snippets/runaway_loop.S", "--max-instructions", "11", "--json"])
        #expect(out.contains("\"reason\": \"instruction-limit\""))
        #expect(out.contains("\"instructions\": 11"))
    }

    @Test func usageErrorsAreReported() throws {
        #expect(throws: (any Error).self) { try run(["run", "--hex", "4"]) }
        #expect(throws: (any Error).self) { try run(["run", "--hex", "zz"]) }
        #expect(throws: (any Error).self) { try run(["run", "--hex", "90", "--set", "xmm0=1"]) }
        #expect(throws: (any Error).self) { try run(["run"]) }
        #expect(throws: (any Error).self) { try run(["run", "/nonexistent/file.S"]) }
        #expect(throws: (any Error).self) { try run(["run", Self.programs + "/snippets/add_hlt.S", "--entry", "nosuchsymbol"]) }
    }

    /// `--engine` picks the tier, `--json` says which one ran and what it compiled; a bad name is a usage
    /// error that names the value.
    @Test func engineOptionAndItsJSON() throws {
        let loop = Self.programs + "/bench/w1_alu.S"
        var engines: [String: [String: Any]] = [:]
        for name in ["interpreter", "jit", "auto"] {
            let out = try run(["run", loop, "--engine", name, "--max-instructions", "1000", "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
            engines[name] = try #require(object["engine"] as? [String: Any])
            #expect(engines[name]?["name"] as? String == name)
            #expect(engines[name].map { ($0["compiledInstructions"] as? Int ?? -1) + ($0["interpretedInstructions"] as? Int ?? -1) } == 1000)
        }
        #expect(engines["interpreter"]?["blocksCompiled"] as? Int == 0)
        #expect(engines["jit"]?["blocksCompiled"] as? Int ?? 0 > 0)
        #expect(engines["jit"]?["compiledInstructions"] as? Int ?? 0 > 900)
        do {
            _ = try TinyVMXCommand.parseAsRoot(["run", loop, "--engine", "warp"])
            Issue.record("--engine warp was accepted")
        } catch {
            #expect(TinyVMXCommand.message(for: error).contains("warp"))
        }
    }

    @Test func invalidOpcodeMessageNamesAddressAndBytes() throws {
        let out = try run(["run", "--hex", "90 0f 04 f4", "--json"])
        #expect(out.contains("\"vector\": 6"))
        #expect(out.contains("#UD (vector 6) at 0x400001: no instruction decodes from the bytes fetched there: 0f 04 f4"))
        let ud2 = try run(["run", "--hex", "0f 0b", "--json"])
        #expect(ud2.contains("at 0x400000: bytes 0f 0b (ud2)"))
    }

    @Test func traceAcrossTheEndOfMappedMemory() throws {
        // inc rax in the last 3 bytes below 4 GiB disassembles; the next fetch is reported as not mapped.
        let out = try run(["run", "--hex", "48 ff c0", "--entry", "0xfffffffd", "--trace"])
        let lines = out.split(separator: "\n")
        #expect(lines[0].contains("48 ff c0") && lines[0].contains("inc rax"))
        #expect(lines[1].contains("0x100000000") && lines[1].contains("(not mapped)"))
        #expect(out.contains("stop: exception"))
    }

    @Test func benchStartupOnlyReportsBothRates() throws {
        let command = try TinyVMXCommand.parseAsRoot(["bench", "--startup-only", "--startup-iterations", "20", "--json"])
        guard let bench = command as? BenchCommand else {
            Issue.record("parsed \(type(of: command)), expected BenchCommand")
            return
        }
        var out = ""
        try bench.execute(to: &out)
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let startup = object?["W4 startup"] as? [String: Any]
        #expect((startup?["freshMachineRunsPerSecond"] as? Int ?? 0) > 0)
        #expect((startup?["reusedMachineRunsPerSecond"] as? Int ?? 0) > 0)
        #expect(object?["W1 alu loop"] == nil)
    }

    @Test func loadErrorMessageNamesTheProblem() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tinyvmx-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("truncated.o").path
        try Data([0x7F, 0x45, 0x4C, 0x46, 2, 1]).write(to: URL(fileURLWithPath: path))
        do {
            _ = try run(["run", path])
            Issue.record("a truncated ELF loaded")
        } catch {
            let message = TinyVMXCommand.message(for: error)
            #expect(message.contains("truncated") && message.contains(path))
        }
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let out = try run(arguments + ["--json"])
        return try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    }

    @Test func nmiOptionsInjectAtInstructionsAndRIPOccurrences() throws {
        let program = Self.programs + "/snippets/nmi_counter.S"
        let one = try json(["run", program, "--nmi-at-instruction", "12"])
        let registers = one["registers"] as? [String: String]
        let stats = one["stats"] as? [String: Int]
        #expect(registers?["r14"] == "0x1")
        #expect(registers?["r13"] == "0x400034")
        #expect(stats?["nmisDelivered"] == 1)
        #expect(stats?["cr2Writes"] == 1 && stats?["cr2Reads"] == 1)
        // By symbol and occurrence, and by address: two NMIs, the second one recorded last.
        let two = try json(["run", program, "--nmi-at-rip", "body:4", "--nmi-at-rip", "0x400034:9"])
        #expect((two["stats"] as? [String: Int])?["nmisDelivered"] == 2)
        #expect((two["registers"] as? [String: String])?["r14"] == "0x2")
        // Without an IDT (before LIDT) an NMI stops the run like any exception in the bare profile.
        let early = try json(["run", program, "--nmi-at-instruction", "1"])
        #expect((early["stop"] as? [String: Any])?["vector"] as? Int == 2)
        let system = early["system"] as? [String: Any]
        #expect(system?["barePageTables"] as? String == "0x100000000")
        #expect(system?["cpl"] as? Int == 0)
    }

    @Test func eventOptionsRejectBadValues() throws {
        let program = Self.programs + "/snippets/nmi_counter.S"
        #expect(throws: (any Error).self) { try run(["run", program, "--nmi-at-instruction", "0"]) }
        #expect(throws: (any Error).self) { try run(["run", program, "--nmi-at-rip", "nosuchsymbol"]) }
        #expect(throws: (any Error).self) { try run(["run", program, "--nmi-at-rip", "body:0"]) }
        #expect(throws: (any Error).self) { try run(["run", program, "--interrupt-at-instruction", "3"]) }
        #expect(throws: (any Error).self) { try run(["run", program, "--interrupt-at-instruction", "3:256"]) }
    }

    @Test func tripleFaultIsAStopReason() throws {
        // LIDT with limit 0, then UD2: #UD → #GP (IDT limit) → #GP → #DF → #GP: shutdown.
        let object = try json(["run", "--hex", "0f 01 1d 03 00 00 00 0f 0b 00 00 00 00 00 00 00 00 00 00"])
        let stop = object["stop"] as? [String: Any]
        #expect(stop?["reason"] as? String == "triple-fault")
        #expect(stop?["rip"] as? String == "0x400007")
    }
}
