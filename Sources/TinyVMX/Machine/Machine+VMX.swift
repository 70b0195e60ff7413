/// What embedders see of VMX: the operation, the current VMCS, its fields by name, and the exit log.
extension Machine {
    /// A snapshot of the processor's VMX state.
    public struct VMXStatus: Sendable, Equatable {
        public var operation: VMXOperation
        /// The current-VMCS pointer (a physical address), `nil` when there is none.
        public var currentVMCS: UInt64?
        /// The VMXON region, `nil` outside VMX operation.
        public var vmxonRegion: UInt64?
        public var entries: UInt64
        public var exits: UInt64
        public var lastExit: VMExitRecord?
    }

    public var vmx: VMXStatus {
        let v = core.vmx
        return VMXStatus(
            operation: v.operation, currentVMCS: v.hasCurrentVMCS ? v.currentVMCS : nil,
            vmxonRegion: v.operation == .none ? nil : v.vmxonPointer, entries: v.entries, exits: v.exits,
            lastExit: core.vmExitLog.last)
    }

    /// The most recent VM exits, oldest first (the log keeps the last few thousand).
    public var vmExitLog: [VMExitRecord] { core.vmExitLog }

    /// Reads a field of the VMCS at `vmcs` (default: the current VMCS), as VMREAD would return it in full.
    /// - Throws: `MachineError.noCurrentVMCS` without a VMCS, `.unmapped` if the region is outside memory.
    public func readVMCS(_ field: VMCSField, vmcs: UInt64? = nil) throws(MachineError) -> UInt64 {
        let region = try vmcsRegion(vmcs)
        return core.vmcsRead(field, at: region)
    }

    /// Writes a field of the VMCS at `vmcs` (default: the current VMCS). Unlike VMWRITE, read-only
    /// (exit-information) fields can be written too: test suites use it to set up scenarios.
    public func writeVMCS(_ field: VMCSField, _ value: UInt64, vmcs: UInt64? = nil) throws(MachineError) {
        let region = try vmcsRegion(vmcs)
        core.vmcsWrite(field, value, at: region)
    }

    /// Every field of the VMCS at `vmcs` (default: the current one) whose value is not zero, in encoding order.
    public func nonZeroVMCSFields(vmcs: UInt64? = nil) throws(MachineError) -> [(field: VMCSField, value: UInt64)] {
        let region = try vmcsRegion(vmcs)
        return VMCSField.all.compactMap { field in
            let value = core.vmcsRead(field, at: region)
            return value == 0 ? nil : (field, value)
        }
    }

    private func vmcsRegion(_ vmcs: UInt64?) throws(MachineError) -> UInt64 {
        guard let region = vmcs ?? (core.vmx.hasCurrentVMCS ? core.vmx.currentVMCS : nil) else {
            throw .noCurrentVMCS
        }
        guard region & 0xFFF == 0, region &+ UInt64(VMCSField.regionSize) <= core.memory.size else {
            throw .invalidVMCSRegion(region)
        }
        return region
    }
}
