/// Extended page tables (SDM vol. 3C, 29.3): with "enable EPT", every guest-physical address — of guest
/// paging-structure entries and of the final translation — goes through a 4-level EPT walk from the EPTP.
/// Not-permitted accesses are EPT violations (exit 48), malformed entries EPT misconfigurations (exit 49).
/// Supported: 4 KiB, 2 MiB and 1 GiB pages, memory types UC and WB, no accessed/dirty flags, no
/// execute-only translations (IA32_VMX_EPT_VPID_CAP).
extension Core {
    /// Whether an EPTP names a supported configuration: memory type UC (0) or WB (6), walk length 4, no
    /// accessed/dirty flags, reserved bits 11:7 clear, the PML4 address within the physical-address width.
    func isValidEPTPointer(_ eptp: UInt64) -> Bool {
        let type = eptp & 7
        return (type == 0 || type == 6) && (eptp >> 3) & 7 == 3 && eptp & 0xFC0 == 0
            && eptp >> UInt64(physicalAddressBits) == 0
    }

    /// Translates a guest-physical address when EPT is active (identity otherwise).
    /// - Parameters:
    ///   - linear: the guest-linear address whose translation needed it, if any.
    ///   - translated: whether the access is to the final translation (`true`) or to a guest
    ///     paging-structure entry (`false`); recorded in bit 8 of the qualification.
    /// - Throws: `.vmExit` with an EPT violation or misconfiguration.
    @inline(__always)
    func guestPhysical(
        _ gpa: UInt64, _ access: Access, linear: UInt64?, translated: Bool
    ) throws(ExecutionEvent) -> UInt64 {
        guard vmx.isNonRoot, let eptp = vmx.controls.eptPointer else { return gpa }
        return try eptWalk(gpa, access, eptp: eptp, linear: linear, translated: translated)
    }

    private func eptWalk(
        _ gpa: UInt64, _ access: Access, eptp: UInt64, linear: UInt64?, translated: Bool
    ) throws(ExecutionEvent) -> UInt64 {
        let addressMask = physicalAddressMask
        let misconfiguration = VMExit(reason: VMExitReason.eptMisconfiguration, guestPhysicalAddress: gpa)
        var table = eptp & addressMask
        var permissions: UInt64 = 7
        var level = 4
        while true {
            let shift = UInt64(12 + 9 * (level - 1))
            let entry = physicalRead64(table | ((gpa >> shift) & 0x1FF) << 3)
            let rwx = entry & 7
            if rwx == 0 {
                throw exitEvent(eptViolation(gpa, access, permissions: 0, linear: linear, translated: translated))
            }
            // Write without read, or execute-only (not supported): misconfigured.
            guard rwx & 1 != 0 else { throw exitEvent(misconfiguration) }
            var reserved = ((1 << 52) - 1) & ~addressMask & ~0xFFF as UInt64
            let isLarge = entry & (1 << 7) != 0
            let isLeaf = level == 1 || (isLarge && level <= 3)
            if level == 4 && isLarge { reserved |= 1 << 7 }
            if !isLeaf { reserved |= 0x78 }  // bits 6:3 of a non-leaf entry
            if isLeaf && level == 3 { reserved |= 0x3FFF_F000 }  // 1 GiB page: bits 29:12
            if isLeaf && level == 2 { reserved |= 0x1F_F000 }  // 2 MiB page: bits 20:12
            let memoryType = (entry >> 3) & 7
            if isLeaf && [2, 3, 7].contains(memoryType) { throw exitEvent(misconfiguration) }
            if entry & reserved != 0 { throw exitEvent(misconfiguration) }
            permissions &= rwx
            if isLeaf {
                let needed: UInt64 = access == .write ? 2 : access == .fetch ? 4 : 1
                guard permissions & needed != 0 else {
                    throw exitEvent(eptViolation(gpa, access, permissions: permissions, linear: linear, translated: translated))
                }
                let pageMask: UInt64 = (1 << shift) - 1
                return (entry & addressMask & ~pageMask) | (gpa & pageMask)
            }
            table = entry & addressMask
            level -= 1
        }
    }

    /// An EPT-violation exit: qualification bits 0–2 the access (read, write, fetch), 3–5 the permissions
    /// of the translation (the AND over the entries used; 0 if one was not present), 7 a guest-linear
    /// address is valid, 8 the access was to the translation rather than to a paging-structure entry.
    private func eptViolation(
        _ gpa: UInt64, _ access: Access, permissions: UInt64, linear: UInt64?, translated: Bool
    ) -> VMExit {
        var q: UInt64 = access == .write ? 2 : access == .fetch ? 4 : 1
        q |= permissions << 3
        if linear != nil {
            q |= 1 << 7
            if translated { q |= 1 << 8 }
        }
        return VMExit(
            reason: VMExitReason.eptViolation, qualification: q, guestLinearAddress: linear,
            guestPhysicalAddress: gpa)
    }
}
