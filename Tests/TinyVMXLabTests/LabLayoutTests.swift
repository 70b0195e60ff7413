import Foundation
import Testing
@testable import TinyVMXLab

/// The Swift side reads the harness's memory with the numbers of lab.h and kvm_lab.h: they must agree.
@Suite struct LabLayoutTests {
    static func defines(_ relative: String) throws -> [String: UInt64] {
        let text = try String(contentsOfFile: programs + "/" + relative, encoding: .utf8)
        var result: [String: UInt64] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("#define ") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 3 else { continue }
            let value = String(parts[2])
            if value.hasPrefix("0x") { result[String(parts[1])] = UInt64(value.dropFirst(2), radix: 16) }
            else if let number = UInt64(value) { result[String(parts[1])] = number }
        }
        return result
    }

    @Test func labHeaderMatches() throws {
        let lab = try Self.defines("host/lab/lab.h")
        let expected: [(String, UInt64)] = [
            ("LAB_CFG_TRANSITIONS", LabLayout.configTransitions), ("LAB_CFG_GUEST_FAULT_PPM", LabLayout.configGuestFaultPPM),
            ("LAB_CFG_HOST_FAULT_PPM", LabLayout.configHostFaultPPM), ("LAB_CFG_FAIL_AT", LabLayout.configFailAt),
            ("LAB_REC_HOST_CR2_BEFORE", LabLayout.recordHostCR2Before), ("LAB_REC_HOST_CR2_AFTER", LabLayout.recordHostCR2After),
            ("LAB_REC_OOPS_CR2", LabLayout.recordOopsCR2), ("LAB_REC_VCPU_CR2", LabLayout.recordVCPUCR2),
            ("LAB_REC_FAIL", LabLayout.recordFail), ("LAB_REC_EXIT_REASON", LabLayout.recordExitReason),
            ("LAB_REC_FLAGS", LabLayout.recordFlags), ("LAB_REC_SIZE", LabLayout.recordSize),
            ("LAB_MAX_RECORDS", LabLayout.maxRecords), ("LAB_GUEST_FAULT", LabLayout.flagGuestFault),
            ("LAB_HOST_FAULT", LabLayout.flagHostFault), ("LAB_CR2_MARKED", LabLayout.flagCR2Marked),
            ("LAB_NMI_COUNT", LabLayout.nmiCount), ("LAB_NMI_ENTRIES", LabLayout.nmiEntries), ("LAB_NMI_MAX", LabLayout.nmiMax),
            ("LAB_HOST_FAULT_BASE", LabLayout.hostFaultBase), ("LAB_GUEST_FAULT_BASE", LabLayout.guestFaultBase),
        ]
        for (name, value) in expected { #expect(lab[name] == value, "\(name)") }
        #expect(try Self.defines("kvm/kvm_lab.h")["VCPU_ARCH_CR2"] == LabLayout.vcpuCR2)
        #expect(try Self.defines("guest/runtime.S")["GUEST_FAULT_BASE"] == LabLayout.guestFaultBase)
    }
}
