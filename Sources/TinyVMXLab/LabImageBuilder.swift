import TinyVMX

/// Builds the lab image for each variant: host harness (`Programs/host/lab`), the variant's
/// `vmx_vcpu_enter_exit`, `Programs/kvm/vmenter.S` unless the variant brings its own `__vmx_vcpu_run`, and the
/// guest, linked into one image at ``Machine/defaultLoadAddress``. The shared objects are built once.
struct LabImageBuilder {
    let programs: String
    let guestPath: String
    private let shared: [ELFObject]
    private let vmenter: ELFObject
    private let guest: ELFObject

    init(programs: String, guest guestPath: String) throws(LabError) {
        self.programs = programs
        self.guestPath = guestPath
        shared = [
            try Self.object(programs + "/host/lab/lab_boot.S", variant: nil, programs: programs),
            try Self.object(programs + "/host/lab/lab_main.c", variant: nil, programs: programs),
        ]
        vmenter = try Self.object(programs + "/kvm/vmenter.S", variant: nil, programs: programs)
        guest = try Self.object(guestPath, variant: nil, programs: programs)
    }

    /// The linked image for `variant`.
    func image(for variant: LabVariant) throws(LabError) -> ProgramImage {
        let routine = try Self.object(variant.path, variant: variant, programs: programs)
        let bringsRun = routine.symbols.contains {
            $0.name == "__vmx_vcpu_run" && !$0.isLocal && $0.definition != .undefined
        }
        let objects = shared + [routine] + (bringsRun ? [] : [vmenter]) + [guest]
        do {
            return try ELFLinker.link(objects, at: Machine.defaultLoadAddress, entry: "_start")
        } catch {
            throw .load(variant: variant.name, file: variant.path, error)
        }
    }

    private static func object(_ path: String, variant: LabVariant?, programs: String) throws(LabError) -> ELFObject {
        do {
            let bytes = try Toolchain.buildObject(
                path: path, defines: variant?.defines ?? [], includeDirectories: [programs + "/kvm"])
            return try ELFObject(bytes: bytes)
        } catch {
            throw .load(variant: variant?.name, file: path, error)
        }
    }
}
