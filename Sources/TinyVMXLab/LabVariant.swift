import Foundation
import TinyVMX

/// One implementation of `vmx_vcpu_enter_exit` the lab runs: a source or object file and the `-D` macros it is
/// built with. The harness (host, vCPU structure, VMCS, guest) is the same for every variant.
public struct LabVariant: Sendable, Equatable {
    /// The name reports use (`stock`, `patched`, ...).
    public var name: String
    /// A `.c`, `.S`, `.s` or `.o` file defining `vmx_vcpu_enter_exit(struct kvm_vcpu *, unsigned int)`. If it
    /// does not define `__vmx_vcpu_run` and `vmx_vmexit` too, `Programs/kvm/vmenter.S` supplies them.
    public var path: String
    /// `NAME` or `NAME=VALUE` macros for the compiler or assembler.
    public var defines: [String]

    public init(name: String, path: String, defines: [String] = []) {
        self.name = name
        self.path = path
        self.defines = defines
    }

    /// The shared source of the built-in variants.
    public static func builtInSource(programs: String) -> String { programs + "/kvm/vmx_vcpu_enter_exit.c" }

    /// Stock KVM: load the guest CR2 only if it differs, read it back after the exit, never restore the host's.
    public static func stock(programs: String) -> LabVariant {
        LabVariant(name: "stock", path: builtInSource(programs: programs))
    }

    /// The RFC patch: also restore the host CR2 after the exit when the guest left a different value.
    public static func patched(programs: String) -> LabVariant {
        LabVariant(name: "patched", path: builtInSource(programs: programs), defines: ["CR2_RESTORE_HOST"])
    }

    /// An alternative without extra CR2 writes: stock, plus a per-CPU "CR2 is guest-owned" flag set before
    /// entry and cleared by the next host #PF, for readers such as an oops dump.
    public static func marked(programs: String) -> LabVariant {
        LabVariant(name: "marked", path: builtInSource(programs: programs), defines: ["CR2_MARK_GUEST_OWNED"])
    }

    /// `stock`, `patched` and `marked`, in that order.
    public static func builtIns(programs: String) -> [LabVariant] {
        [stock(programs: programs), patched(programs: programs), marked(programs: programs)]
    }

    /// Parses `NAME=FILE` (a user's variant) or the name of a built-in variant.
    /// - Throws: ``LabError/badVariant(_:)`` for an empty name or file, or an unknown built-in name.
    public static func parse(_ text: String, programs: String) throws(LabError) -> LabVariant {
        guard let equals = text.firstIndex(of: "=") else {
            guard let builtIn = builtIns(programs: programs).first(where: { $0.name == text }) else {
                throw .badVariant(
                    "'\(text)': expected NAME=FILE.c|FILE.S|FILE.o or one of stock, patched, marked")
            }
            return builtIn
        }
        let name = String(text[..<equals])
        let path = String(text[text.index(after: equals)...])
        guard !name.isEmpty, !path.isEmpty else { throw .badVariant("'\(text)': expected NAME=FILE") }
        return LabVariant(name: name, path: path)
    }
}

/// The guests that ship in `Programs/guest/`, by the name `--guest` accepts.
public enum LabGuest {
    /// Name and one-line description of each built-in guest.
    public static let builtIns: [(name: String, summary: String)] = [
        ("pf_handler", "takes #PFs at kernel-half addresses and handles them; exits with VMCALL"),
        ("never_faults", "never faults, never touches CR2; exits with VMCALL"),
        ("writes_cr2", "writes CR2 directly (MOV to CR2); exits with VMCALL"),
        ("exit_hlt", "faults when asked; exits with HLT"),
        ("exit_cpuid", "faults when asked; exits with CPUID"),
        ("exit_ept", "faults when asked; exits with an EPT violation"),
        ("exit_nmi", "faults when asked; a host NMI arrives while it runs (NMI exit)"),
    ]

    /// The default guest: the one whose CR2 the thread is about.
    public static let defaultName = "pf_handler"

    /// A built-in guest's name or a file path, as a path.
    public static func path(_ nameOrPath: String, programs: String) -> String {
        if builtIns.contains(where: { $0.name == nameOrPath }) { return programs + "/guest/" + nameOrPath + ".S" }
        return nameOrPath
    }
}
