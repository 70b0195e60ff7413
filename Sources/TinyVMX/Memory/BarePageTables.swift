/// The bare profile's page tables: an identity map of the low `identityMapLimit` bytes with 1 GiB pages
/// (2 MiB pages for a remainder), present, writable, user; accessed and dirty set by the CPU as it uses them.
///
/// They live in physical memory just above the identity-mapped range (at `identityMapLimit`, 4 GiB by
/// default), so no linear address reaches them and a program cannot overwrite them by accident: a PML4 and
/// one PDPT (and a page directory if the limit is not a whole number of GiB). A program that wants to change mappings builds its own tables and
/// loads CR3. If physical memory is too small for that, they go in its last 64 KiB (then inside the map).
enum BarePageTables {
    /// Writes the tables and returns the CR3 value that selects them.
    static func build(in memory: PhysicalMemory, identityMapLimit: UInt64) -> UInt64 {
        let gib: UInt64 = 1 << 30
        let limit = min((identityMapLimit + (2 << 20) - 1) & ~((2 << 20) - 1), 512 * gib)
        // Whole GiBs use 1 GiB pages (two table pages in all); a remainder gets a directory of 2 MiB pages.
        let fullGiBs = Int(limit / gib)
        let remainder = limit % gib
        let bytes = UInt64(4096 * (remainder == 0 ? 2 : 3))
        var base = (limit + 0xFFF) & ~0xFFF
        if base + bytes > memory.size { base = memory.size - max(bytes, 64 << 10) }
        let pml4 = base, pdpt = base + 4096, directory = base + 8192
        let flags: UInt64 = 0x7  // P | RW | US
        store(pdpt | flags, at: pml4, in: memory)
        for g in 0..<fullGiBs {
            store(UInt64(g) * gib | flags | 0x80, at: pdpt + UInt64(8 * g), in: memory)  // PS: 1 GiB page
        }
        if remainder != 0 {
            store(directory | flags, at: pdpt + UInt64(8 * fullGiBs), in: memory)
            for e in 0..<Int(remainder >> 21) {
                store(UInt64(fullGiBs) * gib + UInt64(e) << 21 | flags | 0x80, at: directory + UInt64(8 * e), in: memory)
            }
        }
        return pml4
    }

    private static func store(_ value: UInt64, at physical: UInt64, in memory: PhysicalMemory) {
        memory.page(physical >> 12).storeBytes(of: value, toByteOffset: Int(physical & 0xFFF), as: UInt64.self)
    }
}
