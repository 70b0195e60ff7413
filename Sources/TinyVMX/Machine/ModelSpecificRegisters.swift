import CTinyVMXNative

/// The machine's model-specific registers: the architectural ones alias register-file fields, the rest live
/// in a table the embedder fills (RDMSR/WRMSR of issue #3 read and write through here; an MSR that is in
/// neither is absent, which RDMSR/WRMSR turn into #GP(0)).
struct ModelSpecificRegisters {
    static let efer: UInt32 = 0xC000_0080
    static let fsBase: UInt32 = 0xC000_0100
    static let gsBase: UInt32 = 0xC000_0101
    static let kernelGSBase: UInt32 = 0xC000_0102
    static let tsc: UInt32 = 0x10

    /// MSRs other than the architectural ones above, by index.
    var table: [UInt32: UInt64]

    /// The key path into the register file of an architectural MSR.
    static func field(_ index: UInt32) -> WritableKeyPath<tvx_cpu_state, UInt64>? {
        switch index {
        case efer: return \.efer
        case fsBase: return \.fs_base
        case gsBase: return \.gs_base
        case kernelGSBase: return \.kernel_gs_base
        case tsc: return \.tsc
        default: return nil
        }
    }
}
