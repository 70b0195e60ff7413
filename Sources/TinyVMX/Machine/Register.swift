import Foundation

/// The registers an embedder can read and write by name.
public enum Register: String, CaseIterable, Sendable {
    case rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15
    case rip, rflags, cr0, cr2, cr3, cr4, cr8, efer, fsBase, gsBase, kernelGSBase
    /// Selectors (CS's low bits are CPL) and descriptor-table registers.
    case cs, ss, tr, gdtrBase, gdtrLimit, idtrBase, idtrLimit, trBase, trLimit
    case dr7, xcr0

    /// The GPR's hardware number (RAX 0 … R15 15), or `nil` for other registers.
    public var gprNumber: Int? {
        Register.allCases.firstIndex(of: self).flatMap { $0 < 16 ? $0 : nil }
    }

    /// Looks a register up by its lowercase name (`rax`, `cr2`, `fsbase`/`fs_base`, …).
    public init?(name: String) {
        let n = name.lowercased().replacingOccurrences(of: "_", with: "")
        guard let r = Register.allCases.first(where: { $0.rawValue.lowercased() == n }) else { return nil }
        self = r
    }
}
