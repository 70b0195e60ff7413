import Foundation
import Testing
import TinyVMX
@testable import TinyVMXLab

/// The repository's Programs/ directory.
let programs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Programs").path

/// A host address of the harness's fault region / a guest address of the guest's.
func isHostFaultAddress(_ value: UInt64) -> Bool { value >> 21 == LabLayout.hostFaultBase >> 21 }
func isGuestFaultAddress(_ value: UInt64) -> Bool { value >> 21 == LabLayout.guestFaultBase >> 21 }

/// The thread's claims about the host CR2 after a VM exit, checked on executed machine code: the compiled
/// vmx_vcpu_enter_exit variants, the harness and the pf_handler guest (guest and host fault every transition).
@Suite struct CR2DiffTests {
    static let schedule = LabSchedule(transitions: 4)

    @Test func stockLeavesTheGuestCR2AndTheOopsPrintsIt() throws {
        let lab = try CR2Lab(programs: programs, variants: [.stock(programs: programs)])
        let run = try #require(try lab.run(Self.schedule).first)
        #expect(run.windows.count == 4)
        for t in 0..<4 {
            let record = try #require(run.records[t])
            let guestCR2 = try #require(run.windows[t].exit?.cr2)
            #expect(record.guestFaulted && record.hostFaulted)
            #expect(isHostFaultAddress(record.hostCR2BeforeEntry))
            #expect(isGuestFaultAddress(guestCR2))
            #expect(record.hostCR2AfterExit == guestCR2, "transition \(t)")
            #expect(record.oopsCR2 == guestCR2, "transition \(t): the oops prints the guest's address")
            #expect(record.vcpuCR2 == guestCR2)
            #expect(record.exitReason == VMExitReason.vmcall)
        }
        #expect(run.oopsLine.hasPrefix("CR2: " + String(run.records[3]!.oopsCR2, radix: 16).leftPadded(16)))
    }

    @Test func patchedRestoresTheHostCR2() throws {
        let lab = try CR2Lab(programs: programs, variants: [.patched(programs: programs)])
        let run = try #require(try lab.run(Self.schedule).first)
        for t in 0..<4 {
            let record = try #require(run.records[t])
            #expect(isGuestFaultAddress(try #require(run.windows[t].exit?.cr2)))
            #expect(record.hostCR2AfterExit == record.hostCR2BeforeEntry, "transition \(t)")
            #expect(record.oopsCR2 == record.hostCR2BeforeEntry)
            #expect(isGuestFaultAddress(record.vcpuCR2), "the guest's CR2 is kept in vcpu->arch.cr2")
        }
        // Both writes are the routine's: load the guest's CR2 before entry, restore the host's after exit.
        #expect(run.windows.dropFirst().allSatisfy { $0.cr2Writes == 2 && $0.cr2Reads == 2 })
    }

    @Test func diffReportsTheLastTransitionOfEachVariant() throws {
        let lab = try CR2Lab(programs: programs)
        let results = try lab.diff()
        #expect(results.map(\.variant) == ["stock", "patched", "marked"])
        let (stock, patched, marked) = (results[0], results[1], results[2])
        #expect(stock.ownerAfterExit == .guest && patched.ownerAfterExit == .host && marked.ownerAfterExit == .guest)
        #expect(stock.hostCR2BeforeEntry == patched.hostCR2BeforeEntry)
        #expect(stock.guestCR2AtExit == patched.guestCR2AtExit)
        #expect(patched.cr2Writes == stock.cr2Writes + 1)
        #expect(marked.cr2Writes == stock.cr2Writes && marked.cr2MarkedGuestOwned && !stock.cr2MarkedGuestOwned)
        #expect(stock.instructions > 50 && stock.guestInstructions > 10)
    }

    @Test func vmFailReturnsOneAndLeavesCR2AsTheCodeDictates() throws {
        let lab = try CR2Lab(programs: programs, variants: [.stock(programs: programs), .patched(programs: programs)])
        let runs = try lab.run(LabSchedule(transitions: 2, failAt: 1))
        for run in runs {
            let record = try #require(run.records[1])
            let window = run.windows[1]
            #expect(record.fail == 1 && record.exitReason == nil && window.exit == nil)
            #expect(window.guestInstructions == 0)
            // Both loaded the guest's CR2 from vcpu->arch.cr2 and read it back unchanged.
            #expect(record.vcpuCR2 == window.vcpuCR2AtEntry)
            let expected = run.variant == "stock" ? window.vcpuCR2AtEntry : record.hostCR2BeforeEntry
            #expect(record.hostCR2AfterExit == expected, "\(run.variant)")
        }
    }

    @Test(arguments: [
        ("pf_handler", VMExitReason.vmcall), ("never_faults", VMExitReason.vmcall), ("writes_cr2", VMExitReason.vmcall),
        ("exit_hlt", VMExitReason.hlt), ("exit_cpuid", VMExitReason.cpuid), ("exit_ept", VMExitReason.eptViolation),
        ("exit_nmi", VMExitReason.exceptionOrNMI),
    ])
    func everyBuiltInGuestExitsAsDescribed(guest: String, reason: UInt32) throws {
        let lab = try CR2Lab(programs: programs, guest: guest, variants: [.stock(programs: programs)])
        let run = try #require(try lab.run(LabSchedule(transitions: 3)).first)
        for t in 0..<3 { #expect(run.records[t]?.exitReason == reason, "\(guest) transition \(t)") }
        let guestCR2 = try #require(run.windows[2].exit?.cr2)
        switch guest {
        case "never_faults": #expect(guestCR2 == run.windows[2].vcpuCR2AtEntry, "the guest never changed it")
        case "writes_cr2": #expect(guestCR2 == 0xffff_c900_007e_0002)
        default: #expect(isGuestFaultAddress(guestCR2))
        }
    }

    @Test func aUserVariantReplacesTheRoutine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyvmx-lab-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Always writes the guest CR2 and always restores the host's: 2 writes even when nothing changed.
        let source = directory.appendingPathComponent("always.c").path
        try """
            #include "kvm_lab.h"
            void vmx_vcpu_enter_exit(struct kvm_vcpu *vcpu, unsigned int flags)
            {
                unsigned long host = native_read_cr2();
                native_write_cr2(vcpu->arch.cr2);
                to_vmx(vcpu)->fail = __vmx_vcpu_run(to_vmx(vcpu), vcpu->arch.regs, flags);
                vcpu->arch.cr2 = native_read_cr2();
                native_write_cr2(host);
            }
            """.write(toFile: source, atomically: true, encoding: .utf8)
        let variant = try LabVariant.parse("always=" + source, programs: programs)
        let lab = try CR2Lab(programs: programs, guest: "never_faults", variants: [variant])
        let run = try #require(try lab.run(LabSchedule(transitions: 2, guestFaultRate: 0, hostFaultRate: 0)).first)
        #expect(run.variant == "always")
        #expect(run.windows.allSatisfy { $0.cr2Writes == 2 })
    }

    @Test func badVariantsAndSchedulesAreTypedErrors() throws {
        #expect(throws: LabError.self) { try LabVariant.parse("nosuch", programs: programs) }
        #expect(throws: LabError.self) { try LabVariant.parse("=x.c", programs: programs) }
        let missing = LabVariant(name: "missing", path: "/nonexistent/routine.c")
        #expect(throws: LabError.self) { try CR2Lab(programs: programs, variants: [missing]) }
        let lab = try CR2Lab(programs: programs, variants: [.stock(programs: programs)])
        #expect(throws: LabError.self) { try lab.run(LabSchedule(transitions: 0)) }
        #expect(throws: LabError.self) { try lab.run(LabSchedule(transitions: 2, guestFaultRate: 1.5)) }
        #expect(throws: LabError.self) { try lab.run(LabSchedule(transitions: 2, failAt: 2)) }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

@Suite struct LabRunawayTests {
    @Test func aGuestThatNeverExitsIsARunawayError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyvmx-spin-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let guest = directory.appendingPathComponent("spin.S").path
        try "#include \"\(programs)/guest/runtime.S\"\n.globl guest_body\nguest_body:\n1: jmp 1b\n"
            .write(toFile: guest, atomically: true, encoding: .utf8)
        let lab = try CR2Lab(programs: programs, guest: guest, variants: [.stock(programs: programs)])
        lab.windowStepLimit = 20_000
        #expect(throws: LabError.runaway(variant: "stock", steps: 20_001)) { try lab.run(LabSchedule(transitions: 1)) }
    }
}

@Suite struct LabBadInputTests {
    func temporaryFile(_ name: String, _ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tinyvmx-bad-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aVariantWithoutTheEntrySymbolNamesIt() throws {
        let source = try temporaryFile("wrong.c", "void vmx_vcpu_enter_exit_renamed(void) {}\n")
        let variant = LabVariant(name: "wrong", path: source)
        #expect(throws: LabError.load(variant: "wrong", file: source, .undefinedSymbol("vmx_vcpu_enter_exit"))) {
            try CR2Lab(programs: programs, variants: [variant])
        }
    }

    @Test func aGuestThatPanicsStopsTheHarnessWithItsStatus() throws {
        // UD2 in the guest goes through the guest's IDT to guest_panic (VMCALL with the panic magic).
        let guest = try temporaryFile("panic.S", "#include \"\(programs)/guest/runtime.S\"\n.globl guest_body\nguest_body:\n ud2\n")
        let lab = try CR2Lab(programs: programs, guest: guest, variants: [.stock(programs: programs)])
        #expect(throws: LabError.harnessFailed(variant: "stock", status: 4, transitionsDone: 1, expected: 3)) {
            try lab.run(LabSchedule(transitions: 3))
        }
    }
}
