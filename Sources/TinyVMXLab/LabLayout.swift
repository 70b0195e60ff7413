/// The numbers of `Programs/host/lab/lab.h` and `Programs/kvm/kvm_lab.h` the Swift side reads (a test checks
/// them against the headers).
enum LabLayout {
    static let configTransitions: UInt64 = 0
    static let configGuestFaultPPM: UInt64 = 8
    static let configHostFaultPPM: UInt64 = 16
    static let configFailAt: UInt64 = 24

    static let recordHostCR2Before: UInt64 = 0
    static let recordHostCR2After: UInt64 = 8
    static let recordOopsCR2: UInt64 = 16
    static let recordVCPUCR2: UInt64 = 24
    static let recordFail: UInt64 = 32
    static let recordExitReason: UInt64 = 40
    static let recordFlags: UInt64 = 48
    static let recordSize: UInt64 = 64
    static let maxRecords: UInt64 = 64

    static let flagGuestFault: UInt64 = 1
    static let flagHostFault: UInt64 = 2
    static let flagCR2Marked: UInt64 = 4

    static let nmiCount: UInt64 = 0
    static let nmiEntries: UInt64 = 8
    static let nmiMax: UInt64 = 64

    static let vcpuCR2: UInt64 = 136

    static let hostFaultBase: UInt64 = 0xffff_c900_00a0_0000
    static let guestFaultBase: UInt64 = 0xffff_c900_0040_0000
}
