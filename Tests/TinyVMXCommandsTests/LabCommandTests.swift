import Foundation
import Testing
import TinyVMX
import TinyVMXCommands

/// The CR2 lab's commands: the JSON contract of the issue, the text tables, and the SVG timeline.
@Suite struct LabCommandTests {
    func run(_ arguments: [String]) throws -> String {
        let command = try TinyVMXCommand.parseAsRoot(arguments)
        var out = ""
        switch command {
        case let c as CR2DiffCommand: try c.execute(to: &out)
        case let c as NMISweepCommand: try c.execute(to: &out)
        case let c as CostCommand: try c.execute(to: &out)
        default: Issue.record("not a lab command: \(arguments)")
        }
        return out
    }

    func json(_ arguments: [String]) throws -> [String: Any] {
        let out = try run(arguments)
        return try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
    }

    /// Every lab command prints the same thing whichever engine runs the machines.
    @Test(arguments: [
        ["cr2-diff", "--json"],
        ["nmi-sweep", "--json", "--variant", "stock", "--variant", "patched"],
        ["cost", "--json", "--transitions", "40"],
        ["cr2-diff", "--json", "--guest", "exit_nmi"],
    ])
    func labCommandsAgreeUnderEveryEngine(arguments: [String]) throws {
        let interpreted = try run(arguments + ["--engine", "interpreter"])
        #expect(!interpreted.isEmpty)
        for engine in ["jit", "auto"] {
            let other = try run(arguments + ["--engine", engine])
            #expect(other == interpreted, "\(arguments.joined(separator: " ")) --engine \(engine) differs from the interpreter")
        }
    }

    @Test func cr2DiffJSONHasTheIssuesFields() throws {
        let object = try json(["cr2-diff", "--json", "--variant", "stock", "--variant", "patched"])
        let variants = try #require(object["variants"] as? [[String: Any]])
        #expect(variants.map { $0["name"] as? String } == ["stock", "patched"])
        for key in ["hostCR2BeforeEntry", "guestCR2AtExit", "hostCR2AfterExit", "oopsCR2"] {
            for v in variants { #expect((v[key] as? String)?.hasPrefix("0x") == true, "\(key)") }
        }
        for key in ["cr2Writes", "cr2Reads", "instructions", "exitReason"] {
            for v in variants { #expect(v[key] is Int, "\(key)") }
        }
        let (stock, patched) = (variants[0], variants[1])
        #expect(stock["hostCR2AfterExit"] as? String == stock["guestCR2AtExit"] as? String)
        #expect(stock["oopsCR2"] as? String == stock["guestCR2AtExit"] as? String)
        #expect(patched["hostCR2AfterExit"] as? String == patched["hostCR2BeforeEntry"] as? String)
        #expect(stock["exitReason"] as? Int == 18)
    }

    @Test func cr2DiffTextAndSVG() throws {
        let svg = FileManager.default.temporaryDirectory.appendingPathComponent("tinyvmx-diff-\(getpid()).svg").path
        defer { try? FileManager.default.removeItem(atPath: svg) }
        let text = try run(["cr2-diff", "--svg", svg])
        #expect(text.contains("stock: after the exit the host's CR2 holds the guest's"))
        #expect(text.contains("patched: the host's CR2 0x"))
        let drawing = try String(contentsOfFile: svg, encoding: .utf8)
        #expect(drawing.hasPrefix("<svg") && drawing.contains("VM entry") && drawing.contains("VM exit (VMCALL)"))
        #expect(drawing.contains("NMI window"))
    }

    @Test func nmiSweepJSONListsTheWindow() throws {
        let object = try json(["nmi-sweep", "--json", "--variant", "patched"])
        let variant = try #require((object["variants"] as? [[String: Any]])?.first)
        let boundaries = try #require(variant["boundaries"] as? Int)
        let window = try #require(variant["window"] as? [[String: Any]])
        #expect(boundaries > 50)
        #expect(try #require(variant["afterExitBoundaries"] as? Int) > window.count)
        #expect(try #require(variant["nmiSawGuestCR2"] as? Int) >= window.count)
        #expect((window.last?["instruction"] as? String)?.hasPrefix("mov cr2") == true)
        #expect((window.first?["rip"] as? String)?.hasPrefix("0x") == true)
    }

    @Test func costJSONCountsWritesPerTransition() throws {
        let object = try json([
            "cost", "--json", "--transitions", "30", "--guest-fault-rate", "1", "--host-fault-rate", "0",
            "--cycles-per-cr2-write", "100",
        ])
        let variants = try #require(object["variants"] as? [[String: Any]])
        #expect(object["cyclesPerCR2Write"] as? Double == 100)
        #expect(variants[0]["cr2Writes"] as? Int == 0)
        #expect(variants[1]["cr2Writes"] as? Int == 59)
        #expect(abs((variants[1]["extraCyclesPerTransition"] as? Double ?? 0) - 59.0 / 30 * 100) < 0.001)
    }

    @Test func badLabArgumentsFailWithAMessage() throws {
        #expect(throws: (any Error).self) { try run(["cr2-diff", "--variant", "nosuch"]) }
        #expect(throws: (any Error).self) { try run(["cr2-diff", "--guest", "/nonexistent/guest.S"]) }
        #expect(throws: (any Error).self) { try run(["cost", "--transitions", "0"]) }
    }
}
