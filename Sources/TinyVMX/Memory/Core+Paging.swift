/// Long-mode 4-level paging: the walk from CR3, permission checks, accessed/dirty bits and #PF error codes.
///
/// Modelled: 4 KiB, 2 MiB and 1 GiB pages; P, RW, US, XD (with EFER.NXE), PS, G (with CR4.PGE); CR0.WP;
/// CR4.SMEP. Not modelled: SMAP, protection keys, PCIDs (setting CR4.SMAP/PKE/PCIDE raises #GP, as on a CPU
/// without them). The physical-address width is `Core.physicalAddressBits`; entry bits from there to 51 are
/// reserved, as are XD without NXE, PS in a PML4 entry and the large-page bits that must be zero.
extension Core {
    /// Bits of a paging-structure entry.
    enum PTE {
        static let present: UInt64 = 1 << 0
        static let writable: UInt64 = 1 << 1
        static let user: UInt64 = 1 << 2
        static let accessed: UInt64 = 1 << 5
        static let dirty: UInt64 = 1 << 6
        static let pageSize: UInt64 = 1 << 7
        static let global: UInt64 = 1 << 8
        static let executeDisable: UInt64 = 1 << 63
    }

    /// #PF error-code bits.
    enum PageFaultCode {
        static let protection: UInt32 = 0x1
        static let write: UInt32 = 0x2
        static let user: UInt32 = 0x4
        static let reserved: UInt32 = 0x8
        static let fetch: UInt32 = 0x10
    }

    /// A successful translation.
    struct Translation {
        var physical: UInt64
        /// The leaf entry had G set and CR4.PGE is on: MOV to CR3 keeps it cached.
        var global: Bool
        /// log2 of the page size: 12, 21 or 30.
        var pageBits: UInt64 = 12
    }

    /// Translates a linear address for an access by the current CPL (delivery's implicit supervisor
    /// accesses call `walk` with `user: false`).
    /// - Throws: #GP(0) for a non-canonical address, #PF with the exact error code otherwise.
    func translate(_ linear: UInt64, _ access: Access) throws(ExecutionEvent) -> UInt64 {
        try walk(linear, access, user: cpl == 3, update: true).physical
    }

    /// The physical address `linear` maps to, without permission checks or accessed/dirty updates (for
    /// debuggers and reports); `nil` if it is not mapped.
    func inspect(_ linear: UInt64) -> UInt64? {
        try? walk(linear, .read, user: false, update: false, checkPermissions: false).physical
    }

    /// The page walk. With `update`, accessed bits are set on every entry used and the dirty bit on the leaf
    /// for a write — only when the access is allowed, as the SDM describes for accesses that complete.
    func walk(
        _ linear: UInt64, _ access: Access, user: Bool, update: Bool, checkPermissions: Bool = true
    ) throws(ExecutionEvent) -> Translation {
        guard Self.isCanonical(linear) else { throw .exception(.gp(0)) }
        let s = state.pointee
        if s.cr0 & ControlRegister.CR0.pg == 0 {
            guard linear < memory.size else { throw .exception(.gp(0)) }
            return Translation(physical: try guestPhysical(linear, access, linear: linear, translated: true), global: false)
        }
        let nxe = s.efer & ModelSpecificRegisters.EFERBits.nxe != 0
        var code: UInt32 = 0
        if access == .write { code |= PageFaultCode.write }
        if user { code |= PageFaultCode.user }
        if access == .fetch && (nxe || s.cr4 & ControlRegister.CR4.smep != 0) { code |= PageFaultCode.fetch }

        let addressMask = physicalAddressMask
        // Bits physicalAddressBits…51 are reserved in every entry, and XD is reserved without NXE.
        var reservedAlways: UInt64 = ((1 << 52) - 1) & ~addressMask & ~0xFFF
        if !nxe { reservedAlways |= PTE.executeDisable }

        var table = s.cr3 & addressMask
        // Addresses of the entries used, PML4E first (tuples: no allocation on a TLB miss): as the guest
        // names them (guest-physical under EPT) and where they are in memory. Without EPT they are equal.
        var entryAddresses: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var hostAddresses: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var writable = true, userOK = true, executeDisable = false
        var level = 4
        var leaf: UInt64 = 0
        var pageBits: UInt64 = 12
        while true {
            let shift = UInt64(12 + 9 * (level - 1))
            let entryAddress = table | (((linear >> shift) & 0x1FF) << 3)
            let hostAddress = try guestPhysical(entryAddress, .read, linear: linear, translated: false)
            let entry = physicalRead64(hostAddress)
            switch level {
            case 4: (entryAddresses.0, hostAddresses.0) = (entryAddress, hostAddress)
            case 3: (entryAddresses.1, hostAddresses.1) = (entryAddress, hostAddress)
            case 2: (entryAddresses.2, hostAddresses.2) = (entryAddress, hostAddress)
            default: (entryAddresses.3, hostAddresses.3) = (entryAddress, hostAddress)
            }
            guard entry & PTE.present != 0 else { throw .exception(.pf(linear, errorCode: code)) }
            var reserved = reservedAlways
            let isLarge = entry & PTE.pageSize != 0
            if level == 4 && isLarge { reserved |= PTE.pageSize }
            if level == 3 && isLarge { reserved |= 0x3FFF_E000 }  // 1 GiB page: bits 29:13
            if level == 2 && isLarge { reserved |= 0x1F_E000 }  // 2 MiB page: bits 20:13
            if entry & reserved != 0 {
                throw .exception(.pf(linear, errorCode: code | PageFaultCode.protection | PageFaultCode.reserved))
            }
            writable = writable && entry & PTE.writable != 0
            userOK = userOK && entry & PTE.user != 0
            executeDisable = executeDisable || (nxe && entry & PTE.executeDisable != 0)
            if level == 1 || (isLarge && level <= 3) {
                leaf = entry
                pageBits = shift
                break
            }
            table = entry & addressMask
            level -= 1
        }

        if checkPermissions {
            var allowed = true
            if user {
                allowed = userOK && (access != .write || writable) && (access != .fetch || !executeDisable)
            } else {
                if access == .write && !writable && s.cr0 & ControlRegister.CR0.wp != 0 { allowed = false }
                if access == .fetch && (executeDisable || (userOK && s.cr4 & ControlRegister.CR4.smep != 0)) {
                    allowed = false
                }
            }
            if !allowed { throw .exception(.pf(linear, errorCode: code | PageFaultCode.protection)) }
        }

        if update {
            // Accessed on every entry used (from the top), dirty on the leaf for a write.
            let used = 5 - level
            for i in 0..<used {
                let (address, host): (UInt64, UInt64)
                switch i {
                case 0: (address, host) = (entryAddresses.0, hostAddresses.0)
                case 1: (address, host) = (entryAddresses.1, hostAddresses.1)
                case 2: (address, host) = (entryAddresses.2, hostAddresses.2)
                default: (address, host) = (entryAddresses.3, hostAddresses.3)
                }
                var bits = PTE.accessed
                if i == used - 1 && access == .write { bits |= PTE.dirty }
                let entry = physicalRead64(host)
                if entry & bits != bits {
                    // Setting a flag is a write to the entry, which EPT must allow (a no-op without EPT).
                    _ = try guestPhysical(address, .write, linear: linear, translated: false)
                    physicalWrite64(host, entry | bits)
                }
            }
        }
        let frame = leaf & addressMask & ~((1 << pageBits) - 1)
        let global = leaf & PTE.global != 0 && s.cr4 & ControlRegister.CR4.pge != 0
        let physical = try guestPhysical(frame | (linear & ((1 << pageBits) - 1)), access, linear: linear, translated: true)
        return Translation(physical: physical, global: global, pageBits: pageBits)
    }

    /// The address bits of a paging-structure entry (12 … `physicalAddressBits` − 1).
    var physicalAddressMask: UInt64 { ((1 << UInt64(physicalAddressBits)) - 1) & ~0xFFF }

    /// Reads 8 bytes of physical memory (paging structures, aligned).
    func physicalRead64(_ physical: UInt64) -> UInt64 {
        memory.page(physical >> 12).load(fromByteOffset: Int(physical & 0xFFF), as: UInt64.self)
    }

    /// Writes 8 bytes of physical memory the way the CPU's own updates do (snapshot-tracked; drops decoded
    /// code if the page holds some).
    func physicalWrite64(_ physical: UInt64, _ value: UInt64) {
        let pfn = physical >> 12
        memory.willWrite(pfn)
        memory.page(pfn).storeBytes(of: value, toByteOffset: Int(physical & 0xFFF), as: UInt64.self)
        if memory.codePages.contains(pfn) { flushDecodedCode() }
    }
}

/// What an invalidation needs to know about a TLB entry: bit 0 global, bits 1… log2 of the page size.
typealias TLBEntryFlags = UInt8

extension TLBEntryFlags {
    init(global: Bool, pageBits: UInt64) { self = (global ? 1 : 0) | UInt8(pageBits << 1) }
    var isGlobal: Bool { self & 1 != 0 }
    var pageBits: UInt64 { UInt64(self >> 1) }
}

/// TLB maintenance: what MOV to CR3, INVLPG and mode changes drop.
extension Core {
    /// Invalidates every cached translation (`keepGlobal`: except global ones, as MOV to CR3 does with
    /// CR4.PGE set).
    func flushTLB(keepGlobal: Bool = false) {
        guard keepGlobal else {
            tlbReadTag.initialize(repeating: Self.invalidTag, count: Self.tlbSize)
            tlbWriteTag.initialize(repeating: Self.invalidTag, count: Self.tlbSize)
            return
        }
        for i in 0..<Self.tlbSize {
            if !keepGlobal || !tlbReadFlags[i].isGlobal { tlbReadTag[i] = Self.invalidTag }
            if !keepGlobal || !tlbWriteFlags[i].isGlobal { tlbWriteTag[i] = Self.invalidTag }
        }
    }

    /// INVLPG: drops the translations of the page containing `linear`, whatever its size (a 2 MiB or 1 GiB
    /// page is cached as 4 KiB entries, each of which remembers the size of the page it came from).
    func invalidatePage(_ linear: UInt64) {
        for i in 0..<Self.tlbSize {
            let readMask = ~((1 << max(tlbReadFlags[i].pageBits, 12)) - 1) as UInt64
            if tlbReadTag[i] != Self.invalidTag && Self.tlbPage(tlbReadTag[i]) & readMask == linear & readMask {
                tlbReadTag[i] = Self.invalidTag
            }
            let writeMask = ~((1 << max(tlbWriteFlags[i].pageBits, 12)) - 1) as UInt64
            if tlbWriteTag[i] != Self.invalidTag && Self.tlbPage(tlbWriteTag[i]) & writeMask == linear & writeMask {
                tlbWriteTag[i] = Self.invalidTag
            }
        }
    }
}
