import CTinyVMXNative

/// The machine's model-specific registers: the architectural ones alias register-file fields, the rest live
/// in a table the embedder fills (RDMSR/WRMSR go through `Core+MSR`, which adds the checks; an MSR that is in
/// neither is absent, which RDMSR/WRMSR turn into #GP(0)).
struct ModelSpecificRegisters {
    static let efer: UInt32 = 0xC000_0080
    static let fsBase: UInt32 = 0xC000_0100
    static let gsBase: UInt32 = 0xC000_0101
    static let kernelGSBase: UInt32 = 0xC000_0102
    static let tsc: UInt32 = 0x10
    static let specCtrl: UInt32 = 0x48
    static let predCmd: UInt32 = 0x49
    static let flushCmd: UInt32 = 0x10B
    static let mcuOptCtrl: UInt32 = 0x123
    static let pat: UInt32 = 0x277

    /// EFER bits.
    enum EFERBits {
        static let sce: UInt64 = 1 << 0
        static let lme: UInt64 = 1 << 8
        static let lma: UInt64 = 1 << 10
        static let nxe: UInt64 = 1 << 11
        /// Bits WRMSR may set (others raise #GP(0)); LMA is read-only and keeps its value in 64-bit mode.
        static let writable: UInt64 = sce | lme | lma | nxe
    }

    /// SPEC_CTRL and MCU_OPT_CTRL, which the CR2 lab's routines touch: present, read/write, reset value 0.
    /// PRED_CMD and FLUSH_CMD are write-only commands handled by `Core+MSR` (RDMSR of them raises #GP).
    /// IA32_PAT (which VM entry and exit can load and save) is present with its power-up value.
    static let defaults: [UInt32: UInt64] = [specCtrl: 0, mcuOptCtrl: 0, pat: 0x0007_0406_0007_0406]

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
