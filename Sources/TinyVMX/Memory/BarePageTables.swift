/// The bare profile's page tables: an identity map of the low `identityMapLimit` bytes with 2 MiB pages
/// (present, writable, user; accessed and dirty set by the CPU as it uses them).
///
/// They live in physical memory just above the identity-mapped range (at `identityMapLimit`, 4 GiB by
/// default), so no linear address reaches them and a program cannot overwrite them by accident: a PML4, one
/// PDPT and one page directory per GiB. A program that wants to change mappings builds its own tables and
/// loads CR3. If physical memory is too small for that, they go in its last 64 KiB (then inside the map).
enum BarePageTables {
    /// Writes the tables and returns the CR3 value that selects them.
    static func build(in memory: PhysicalMemory, identityMapLimit: UInt64) -> UInt64 {
        let gib: UInt64 = 1 << 30
        let limit = min((identityMapLimit + (2 << 20) - 1) & ~((2 << 20) - 1), 512 * gib)
        let directories = Int((limit + gib - 1) / gib)
        let bytes = UInt64(4096 * (2 + directories))
        var base = (limit + 0xFFF) & ~0xFFF
        if base + bytes > memory.size { base = memory.size - max(bytes, 64 << 10) }
        let pml4 = base, pdpt = base + 4096
        let flags: UInt64 = 0x7  // P | RW | US
        store(pdpt | flags, at: pml4, in: memory)
        for d in 0..<directories {
            let directory = base + UInt64(4096 * (2 + d))
            store(directory | flags, at: pdpt + UInt64(8 * d), in: memory)
            for e in 0..<512 {
                let address = UInt64(d) * gib + UInt64(e) << 21
                guard address < limit else { break }
                store(address | flags | 0x80, at: directory + UInt64(8 * e), in: memory)  // PS: 2 MiB page
            }
        }
        return pml4
    }

    private static func store(_ value: UInt64, at physical: UInt64, in memory: PhysicalMemory) {
        memory.page(physical >> 12).storeBytes(of: value, toByteOffset: Int(physical & 0xFFF), as: UInt64.self)
    }
}
