import Testing
import TinyVMX

/// 4-level paging, hand-checked against the SDM (vol. 3, chapter 4): #PF error codes, CR2, accessed and
/// dirty bits, CR0.WP, NX, SMEP, large pages, and the TLB's invalidation rules.
@Suite struct PagingTests {
    static let data: UInt64 = 0x20_0000

    /// Runs `code` with the page at `data` given `pteFlags`, optionally at CPL 3, and returns the #PF seen.
    func pageFault(_ code: String, pteFlags: UInt64, user: Bool = false) throws -> (error: UInt64, cr2: UInt64, frameRIP: UInt64)? {
        let h = try SystemHarness(code: code)
        try h.setPTE(Self.data, Self.data | pteFlags)
        if user { try h.enterUserMode() }
        h.machine[.rbx] = Self.data + 0x10
        let result = h.run()
        guard h.stoppedIn(14, result) else { return nil }
        let f = try h.frame(2)
        return (f[0], h.machine[.cr2], f[1])
    }

    @Test func errorCodesFollowTheSDM() throws {
        let p = SystemHarness.present, w = SystemHarness.writable, u = SystemHarness.user
        // Supervisor read of a not-present page: 0; write: W.
        #expect(try pageFault("mov (%rbx), %rax", pteFlags: 0)?.error == 0x0)
        #expect(try pageFault("movq $1, (%rbx)", pteFlags: 0)?.error == 0x2)
        // A read-modify-write is checked as a write before it reads (found by the JIT edge tests; the host
        // CPU reports ADD to an unmapped user page as 6). CMP and BT only read.
        #expect(try pageFault("add %rax, (%rbx)", pteFlags: 0)?.error == 0x2)
        #expect(try pageFault("btsq $3, (%rbx)", pteFlags: 0)?.error == 0x2)
        #expect(try pageFault("cmp %rax, (%rbx)", pteFlags: 0)?.error == 0x0)
        #expect(try pageFault("btq $3, (%rbx)", pteFlags: 0)?.error == 0x0)
        // Supervisor write to a read-only page with CR0.WP = 1: P|W.
        #expect(try pageFault("movq $1, (%rbx)", pteFlags: p)?.error == 0x3)
        // User read of a supervisor page: P|U; user write to a read-only user page: P|W|U.
        #expect(try pageFault("mov (%rbx), %rax", pteFlags: p | w, user: true)?.error == 0x5)
        #expect(try pageFault("movq $1, (%rbx)", pteFlags: p | u, user: true)?.error == 0x7)
        // User read of a not-present page: U.
        #expect(try pageFault("mov (%rbx), %rax", pteFlags: 0, user: true)?.error == 0x4)
        // A reserved bit (51, above MAXPHYADDR) in a present PTE: P|RSVD (+W for a write).
        #expect(try pageFault("mov (%rbx), %rax", pteFlags: p | w | 1 << 51)?.error == 0x9)
        #expect(try pageFault("movq $1, (%rbx)", pteFlags: p | w | 1 << 51)?.error == 0xB)
        // Fetch from an NX page (EFER.NXE = 1): P|I/D.
        let nx = try pageFault("jmp *%rbx", pteFlags: p | w | SystemHarness.noExecute)
        #expect(nx?.error == 0x11)
        #expect(nx?.cr2 == Self.data + 0x10)
        #expect(nx?.frameRIP == Self.data + 0x10)  // the fault is on the fetch: RIP is the target
    }

    @Test func cr2HoldsTheExactByteAndTheFrameTheFaultingInstruction() throws {
        let h = try SystemHarness(code: "nop\nfault: mov 0x7(%rbx), %eax\nhlt")
        try h.setPTE(Self.data, 0)
        h.machine[.rbx] = Self.data + 0x10
        let result = h.run()
        #expect(h.stoppedIn(14, result))
        #expect(h.machine[.cr2] == Self.data + 0x17)
        #expect(try h.frame(2) == [0, h.symbol("fault")])
        #expect(h.machine[.rflags] & 0x200 == 0)
    }

    @Test func supervisorWritesIgnoreReadOnlyWithoutWP() throws {
        let h = try SystemHarness(code: "movq $5, (%rbx)\nmov (%rbx), %rax\nhlt")
        try h.setPTE(Self.data, Self.data | SystemHarness.present)
        h.machine[.cr0] = h.machine[.cr0] & ~(1 << 16)
        h.machine[.rbx] = Self.data
        #expect(h.run().stop == .halt)
        #expect(h.machine[.rax] == 5)
    }

    @Test func accessedAndDirtyBitsAreSetByUse() throws {
        let h = try SystemHarness(code: "mov (%rbx), %rax\nmovq $1, 0x1000(%rbx)\nhlt")
        h.machine[.rbx] = Self.data
        #expect(h.run().stop == .halt)
        let read = try h.pte(Self.data), written = try h.pte(Self.data + 0x1000)
        #expect(read & SystemHarness.accessed != 0 && read & SystemHarness.dirty == 0)
        #expect(written & SystemHarness.accessed != 0 && written & SystemHarness.dirty != 0)
        // The PD entry used for the walk is marked accessed too.
        #expect(try h.machine.read64(at: SystemHarness.pml4 + 0x2000 + 8) & SystemHarness.accessed != 0)
    }

    @Test func smepBlocksSupervisorFetchesFromUserPages() throws {
        let h = try SystemHarness(code: "jmp *%rbx")
        try h.setPTE(Self.data, Self.data | SystemHarness.present | SystemHarness.user)
        try h.machine.writeMemory([0xF4], at: Self.data)
        h.machine[.rbx] = Self.data
        h.machine[.cr4] = h.machine[.cr4] | (1 << 20)
        let result = h.run()
        #expect(h.stoppedIn(14, result))
        #expect(try h.frame(1) == [0x11])
    }

    @Test func largePagesTranslateAndReservedLargePageBitsFault() throws {
        // Map 1 GiB..1 GiB+2 MiB with a 2 MiB page (PD entry 0 of a new PDPT slot) onto physical 0x600000?
        // 2 MiB pages must be 2 MiB-aligned: use physical 0x400000 (the code), read its first byte.
        let h = try SystemHarness(code: "mov (%rbx), %al\nhlt")
        let pd2: UInt64 = 0x10_8000
        try h.write64(SystemHarness.pml4 + 0x1000 + 8, [pd2 | 7])  // PDPT[1] → new PD
        try h.write64(pd2, [0x40_0000 | 0x83])  // 2 MiB page, P|RW|PS
        h.machine[.rbx] = (1 << 30) + 0x1234
        #expect(h.run().stop == .halt)
        let expected = try h.machine.readMemory(at: 0x40_1234, count: 1)[0]
        #expect(h.machine[.rax] & 0xFF == UInt64(expected))
        // Bit 13 in a 2 MiB PDE is reserved: P|RSVD.
        let h2 = try SystemHarness(code: "mov (%rbx), %al\nhlt")
        try h2.write64(SystemHarness.pml4 + 0x1000 + 8, [pd2 | 7])
        try h2.write64(pd2, [0x40_0000 | 0x83 | 1 << 13])
        h2.machine[.rbx] = (1 << 30) + 0x1234
        #expect(h2.stoppedIn(14, h2.run()))
        #expect(try h2.frame(1) == [0x9])
    }

    @Test func aStaleTranslationIsUsedUntilINVLPG() throws {
        // Read the page (caches the translation), remap it to another frame without INVLPG: the next read
        // still sees the old frame; after INVLPG the new one.
        let h = try SystemHarness(code: """
            mov (%rbx), %rax
            mov %rcx, (%rdx)        # rewrite the PTE: data → data+0x1000's frame
            mov (%rbx), %rsi        # stale: old frame
            invlpg (%rbx)
            mov (%rbx), %rdi        # fresh: new frame
            hlt
            """)
        try h.write64(Self.data, [0x1111])
        try h.write64(Self.data + 0x1000, [0x2222])
        h.machine[.rbx] = Self.data
        h.machine[.rdx] = h.pteAddress(Self.data)
        h.machine[.rcx] = (Self.data + 0x1000) | 3
        #expect(h.run().stop == .halt)
        #expect(h.machine[.rax] == 0x1111)
        #expect(h.machine[.rsi] == 0x1111)
        #expect(h.machine[.rdi] == 0x2222)
    }

    @Test func movToCR3KeepsGlobalTranslationsOnlyWithPGE() throws {
        for pge in [false, true] {
            let h = try SystemHarness(code: """
                mov (%rbx), %rax
                mov %rcx, (%rdx)
                mov %cr3, %r8
                mov %r8, %cr3
                mov (%rbx), %rsi
                hlt
                """)
            try h.write64(Self.data, [0x1111])
            try h.write64(Self.data + 0x1000, [0x2222])
            try h.setPTE(Self.data, Self.data | 3 | SystemHarness.global)
            if pge { h.machine[.cr4] = h.machine[.cr4] | 0x80 }
            h.machine[.rbx] = Self.data
            h.machine[.rdx] = h.pteAddress(Self.data)
            h.machine[.rcx] = (Self.data + 0x1000) | 3 | SystemHarness.global
            #expect(h.run().stop == .halt)
            #expect(h.machine[.rsi] == (pge ? 0x1111 : 0x2222), "CR4.PGE=\(pge)")
        }
    }

    @Test func nonCanonicalAccessesRaiseGPOrSS() throws {
        let h = try SystemHarness(code: "mov (%rbx), %rax")
        h.machine[.rbx] = 0x8000_0000_0000
        let r = h.run()
        #expect(h.stoppedIn(13, r))
        let h2 = try SystemHarness(code: "mov (%rbp), %rax")
        h2.machine[.rbp] = 0x8000_0000_0000
        #expect(h2.stoppedIn(12, h2.run()))
    }

    @Test func bareProfileMapsFourGiBWithRealPageTables() throws {
        let m = Machine()
        #expect(m[.cr3] == m.barePageTables)
        #expect(m.barePageTables == 4 << 30)
        // PML4[0] → PDPT, whose four 1 GiB pages map the low 4 GiB.
        try m.load(bytes: [0xF4])
        #expect(try m.readMemory(at: 0xFFFF_F000, count: 1) == [0])
        #expect(throws: MachineError.self) { try m.readMemory(at: 4 << 30, count: 1) }
    }

    @Test func repMovsFaultingMidwayResumesAfterTheHandlerMapsThePage() throws {
        // REP MOVSB copies 0x30 bytes ending 0x10 bytes into a not-present page. The #PF arrives with the
        // iterations before it done: RCX/RSI/RDI count the bytes copied so far and RIP is on the MOVSB. The
        // handler maps the page (PTE + INVLPG) and IRETQs; the copy completes.
        let h = try SystemHarness(code: """
            cld
            copy: rep movsb
            hlt
            pf:  mov %rcx, %r8              # RCX/RSI/RDI as the handler sees them
                 mov %rsi, %r9
                 mov %rdi, %r10
                 mov %cr2, %r11
                 mov %rax, (%rdx)           # PTE: map the page
                 invlpg (%r11)
                 add $8, %rsp               # error code
                 iretq
            """)
        let destination = Self.data + 0x1000 - 0x20
        try h.setPTE(Self.data + 0x1000, 0)
        try h.setGate(14, handler: h.symbol("pf"))
        try h.machine.writeMemory((0..<0x30).map { UInt8($0 + 1) }, at: 0x3000)
        h.machine[.rsi] = 0x3000
        h.machine[.rdi] = destination
        h.machine[.rcx] = 0x30
        h.machine[.rdx] = h.pteAddress(Self.data + 0x1000)
        h.machine[.rax] = (Self.data + 0x1000) | 3
        let result = h.run()
        #expect(result.stop == .halt)
        #expect(h.machine[.r8] == 0x10 && h.machine[.r9] == 0x3020 && h.machine[.r10] == Self.data + 0x1000)
        #expect(h.machine[.r11] == Self.data + 0x1000)
        #expect(h.machine[.rcx] == 0)
        #expect(try h.machine.readMemory(at: destination, count: 0x30) == (0..<0x30).map { UInt8($0 + 1) })
    }
}
