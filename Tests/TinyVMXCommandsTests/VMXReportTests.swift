import Foundation
import Testing
import TinyVMX
import TinyVMXCommands

/// The VMX parts of `tinyvmx run`'s report: the `vmx` JSON object, `--vmcs` and the trace marks.
@Suite struct VMXReportTests {
    static let program = RunCommandTests.programs + "/vmx/vmx_launch_vmcall.S"

    func run(_ arguments: [String]) throws -> String {
        let command = try TinyVMXCommand.parseAsRoot(arguments)
        var out = ""
        try (command as? RunCommand)?.execute(to: &out)
        return out
    }

    @Test func outsideVMXTheObjectSaysNone() throws {
        let out = try run(["run", "--hex", "f4", "--json", "--vmcs"])
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let vmx = object?["vmx"] as? [String: Any]
        #expect(vmx?["operation"] as? String == "none")
        #expect(vmx?["currentVMCS"] is NSNull)
        #expect(vmx?["exits"] as? Int == 0)
        #expect(vmx?["lastExit"] is NSNull)
        #expect(object?["vmcs"] is NSNull)
    }

    @Test func aVMCALLExitIsReported() throws {
        let out = try run(["run", Self.program, "--json", "--vmcs"])
        let object = try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any]
        let vmx = object?["vmx"] as? [String: Any]
        let last = vmx?["lastExit"] as? [String: Any]
        #expect(vmx?["operation"] as? String == "root")
        #expect((vmx?["currentVMCS"] as? String)?.hasPrefix("0x") == true)
        #expect(vmx?["exits"] as? Int == 1)
        #expect(last?["reason"] as? Int == 18)
        #expect(last?["name"] as? String == "VMCALL")
        #expect(last?["instructionLength"] as? Int == 3)
        let vmcs = object?["vmcs"] as? [String: String]
        #expect(vmcs?["Exit reason"] == "0x12")
        #expect(vmcs?["VM-exit instruction length"] == "0x3")
        #expect(vmcs?["Host RIP"] != nil && vmcs?["Guest RIP"] == last?["guestRIP"] as? String)
        #expect(vmcs?.values.contains("0x0") == false)  // only non-zero fields
        #expect((object?["stats"] as? [String: Any])?["vmExits"] as? Int == 1)
    }

    @Test func textVMCSDumpAndTraceMarks() throws {
        let text = try run(["run", Self.program, "--vmcs"])
        #expect(text.contains("current VMCS:"))
        #expect(text.contains("Exit reason") && text.contains("0x4402"))
        let trace = try run(["run", Self.program, "--trace"])
        let lines = trace.split(separator: "\n")
        let entry = lines.firstIndex { $0.contains("=== VM entry") }
        let exit = lines.firstIndex { $0.contains("=== VM exit: VMCALL (18)") }
        #expect(entry != nil && exit != nil && entry! < exit!)
        if let entry { #expect(lines[entry - 1].contains("vmlaunch")) }
        if let exit {
            // The VMCALL exits instead of retiring; the host's first instruction gets its own line.
            #expect(lines[exit - 1].contains("vmcall") && lines[exit - 1].contains("did not retire"))
            #expect(!lines[exit + 1].contains("did not retire") && !lines[exit + 1].hasPrefix("\t"))
        }
    }
}
