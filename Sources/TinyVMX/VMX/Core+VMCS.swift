/// The VMCS in memory: field reads and writes at the current-VMCS pointer (layout in `VMCSField`), the launch
/// state, and the VMX instruction outcomes (SDM vol. 3C, "VMX Instruction Reference", "Conventions").
extension Core {
    /// The value of `field` in the VMCS at physical address `vmcs` (zero-extended).
    func vmcsRead(_ field: VMCSField, at vmcs: UInt64) -> UInt64 {
        let address = vmcs &+ UInt64(field.regionOffset)
        return physicalRead64(address) & field.width.valueMask
    }

    /// Stores `value` (truncated to the field's width) into `field` of the VMCS at `vmcs`.
    func vmcsWrite(_ field: VMCSField, _ value: UInt64, at vmcs: UInt64) {
        physicalWrite64(vmcs &+ UInt64(field.regionOffset), value & field.width.valueMask)
    }

    /// `field` of the current VMCS (callers know there is one).
    func vmcs(_ field: VMCSField) -> UInt64 { vmcsRead(field, at: vmx.currentVMCS) }

    /// Writes `field` of the current VMCS.
    func setVMCS(_ field: VMCSField, _ value: UInt64) { vmcsWrite(field, value, at: vmx.currentVMCS) }

    /// `field` of the current VMCS as a 32-bit control.
    func vmcs32(_ field: VMCSField) -> UInt32 { UInt32(truncatingIfNeeded: vmcs(field)) }

    /// The launch state of the VMCS at `vmcs`: `true` once launched, `false` when clear.
    func vmcsLaunched(at vmcs: UInt64) -> Bool {
        physicalRead64(vmcs &+ UInt64(VMCSField.launchStateOffset)) & 0xFFFF_FFFF == 1
    }

    func setVMCSLaunched(_ launched: Bool, at vmcs: UInt64) {
        let address = vmcs &+ UInt64(VMCSField.launchStateOffset)
        physicalWrite64(address, (physicalRead64(address) & ~0xFFFF_FFFF) | (launched ? 1 : 0))
    }

    /// The first 32 bits of a VMXON or VMCS region.
    func regionRevision(at address: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: physicalRead64(address))
    }

    /// Whether a VMXON/VMCS pointer is 4 KiB aligned and within the physical-address width.
    func isValidRegionPointer(_ address: UInt64) -> Bool {
        address & 0xFFF == 0 && address >> UInt64(physicalAddressBits) == 0
    }

    // MARK: Outcomes

    /// VMsucceed: CF PF AF ZF SF OF cleared.
    func vmSucceed() {
        rflags = rflags & ~RFLAGS.status
    }

    /// VMfailInvalid: CF set, the other status flags cleared.
    func vmFailInvalid() {
        rflags = (rflags & ~RFLAGS.status) | RFLAGS.cf
    }

    /// VMfailValid(n): ZF set, the others cleared, n in the VM-instruction error field.
    func vmFailValid(_ error: UInt32) {
        rflags = (rflags & ~RFLAGS.status) | RFLAGS.zf
        setVMCS(.vmInstructionError, UInt64(error))
    }

    /// VMfail(n): VMfailValid(n) with a current VMCS, else VMfailInvalid.
    func vmFail(_ error: UInt32) {
        if vmx.hasCurrentVMCS { vmFailValid(error) } else { vmFailInvalid() }
    }
}

/// VM-instruction error numbers (SDM vol. 3C, "VM Instruction Error Numbers").
enum VMInstructionError {
    static let vmcallInRoot: UInt32 = 1
    static let vmclearInvalidAddress: UInt32 = 2
    static let vmclearVMXONPointer: UInt32 = 3
    static let vmlaunchNonClear: UInt32 = 4
    static let vmresumeNonLaunched: UInt32 = 5
    static let invalidControlFields: UInt32 = 7
    static let invalidHostState: UInt32 = 8
    static let vmptrldInvalidAddress: UInt32 = 9
    static let vmptrldVMXONPointer: UInt32 = 10
    static let vmptrldBadRevision: UInt32 = 11
    static let unsupportedComponent: UInt32 = 12
    static let writeReadOnlyComponent: UInt32 = 13
    static let vmxonInRoot: UInt32 = 15
    static let invalidOperand: UInt32 = 28
}
