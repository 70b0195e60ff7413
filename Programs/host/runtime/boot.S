/* ---------------------------------------------------------------- boot */

        .text
        .globl _start
_start:
        cli
        cld
        call rt_build_page_tables
        mov $pml4, %eax
        mov %rax, %cr3                  // our tables from here on (they identity-map this code)

        call rt_build_tss
        lgdt .Lgdtr
        // Reload CS and SS from the new GDT: no far jumps here, so IRETQ to the next line.
        mov %rsp, %rax
        pushq $KERNEL_DS
        push %rax
        pushfq
        pushq $KERNEL_CS
        lea 1f(%rip), %rax
        push %rax
        iretq
1:      mov $TSS_SEL, %eax
        ltr %ax

        call rt_build_idt
        lidt .Lidtr

        // Per-CPU area: alias the `percpu` page at PERCPU_BASE and point GS_BASE at it.
        movabs $PERCPU_BASE, %rdi
        mov $percpu, %esi
        movabs $PTE_KERNEL | PTE_NX, %rdx
        call map_page
        movabs $PERCPU_BASE, %rax
        mov %rax, percpu + PCPU_SELF
        movabs $PCPU_MAGIC_VALUE, %rax
        mov %rax, percpu + PCPU_MAGIC
        mov $MSR_GS_BASE, %ecx
        movabs $PERCPU_BASE, %rax
        mov %rax, %rdx
        shr $32, %rdx
        wrmsr
        mov $MSR_KERNEL_GS_BASE, %ecx   // the user GS base (swapped in by run_user)
        xor %eax, %eax
        xor %edx, %edx
        wrmsr

        // test_main starts with clean registers.
        xor %eax, %eax
        xor %ebx, %ebx
        xor %ecx, %ecx
        xor %edx, %edx
        xor %esi, %esi
        xor %edi, %edi
        xor %ebp, %ebp
        ZERO_R8_TO_R15
        call test_main
        .globl rt_test_main_returned
rt_test_main_returned:
        cli
        hlt
        jmp rt_test_main_returned

/* Identity map [4 KiB, IDMAP_END) with 4 KiB supervisor RW pages; page 0 stays not present. */
rt_build_page_tables:
        mov $pdpt + PTE_USER, %eax
        mov %rax, pml4
        mov $pd0 + PTE_USER, %eax
        mov %rax, pdpt
        xor %ecx, %ecx
1:      mov %rcx, %rax
        shl $12, %rax
        add $idmap_pt + PTE_USER, %rax
        mov %rax, pd0(,%rcx,8)
        inc %ecx
        cmp $IDMAP_PT_PAGES, %ecx
        jb 1b
        mov $1, %ecx                    // PTE 0 (linear page 0) stays not present
2:      mov %rcx, %rax
        shl $12, %rax
        or $PTE_KERNEL, %rax
        mov %rax, idmap_pt(,%rcx,8)
        inc %ecx
        cmp $IDMAP_PT_PAGES * 512, %ecx
        jb 2b
        ret

/* TSS: RSP0, IST1 (NMI), IST2 (#DF), IST3 (spare); its 16-byte descriptor at GDT 0x28. */
rt_build_tss:
        mov $kstack_top, %eax
        mov %rax, tss + 4
        mov $nmi_stack_top, %eax
        mov %rax, tss + 36
        mov $df_stack_top, %eax
        mov %rax, tss + 44
        mov $ist3_stack_top, %eax
        mov %rax, tss + 52
        movw $104, tss + 102            // I/O map base beyond the limit: no bitmap
        mov $tss, %eax                  // base < 4 GiB: base[63:32] = 0
        mov %rax, %rdx
        shl $16, %rdx
        mov $0xffffff0000, %rcx
        and %rcx, %rdx                  // base[23:0] -> bits 39:16
        mov %rax, %rcx
        shr $24, %rcx
        shl $56, %rcx                   // base[31:24] -> bits 63:56
        or %rcx, %rdx
        or $103, %rdx                   // limit 0x67
        movabs $0x0000890000000000, %rcx   // P=1 DPL=0 type 9 (available 64-bit TSS)
        or %rcx, %rdx
        mov %rdx, gdt + TSS_SEL
        movq $0, gdt + TSS_SEL + 8
        ret

/* All 256 vectors to their stubs; then the special gates. */
rt_build_idt:
        push %rbx
        xor %ebx, %ebx
1:      mov %ebx, %edi
        mov %rbx, %rsi
        shl $4, %rsi
        add $exc_stubs, %rsi
        mov $0x8E, %edx                 // present, DPL 0, 64-bit interrupt gate
        xor %ecx, %ecx
        call set_gate
        inc %ebx
        cmp $256, %ebx
        jb 1b
        mov $2, %edi                    // NMI on IST1
        mov $nmi_entry, %esi
        mov $0x8E, %edx
        mov $1, %ecx
        call set_gate
        mov $3, %edi                    // #BP reachable from CPL 3 (int3), as in Linux
        mov $exc_stubs + 3 * 16, %esi
        mov $0xEE, %edx
        xor %ecx, %ecx
        call set_gate
        mov $8, %edi                    // #DF on IST2
        mov $exc_stubs + 8 * 16, %esi
        mov $0x8E, %edx
        mov $2, %ecx
        call set_gate
        mov $14, %edi                   // #PF
        mov $pf_entry, %esi
        mov $0x8E, %edx
        xor %ecx, %ecx
        call set_gate
        mov $0x80, %edi                 // system calls: DPL 3 interrupt gate
        mov $int80_entry, %esi
        mov $0xEE, %edx
        xor %ecx, %ecx
        call set_gate
        pop %rbx
        ret

/*
 * set_gate(vector %edi, handler %rsi, type_attr %edx, ist %ecx)
 * type_attr: 0x8E interrupt gate DPL 0, 0xEE interrupt gate DPL 3, 0x8F trap gate DPL 0,
 * 0xEF trap gate DPL 3; clear bit 7 for a not-present gate.
 */
        .globl set_gate
set_gate:
        mov %edi, %edi
        shl $4, %rdi
        add $idt, %rdi
        mov %rsi, %rax
        and $0xffff, %eax               // offset[15:0]
        mov $KERNEL_CS << 16, %r8d
        or %r8, %rax
        mov %ecx, %r8d
        and $7, %r8d
        shl $32, %r8                    // IST
        or %r8, %rax
        movzbl %dl, %r8d
        shl $40, %r8                    // type, DPL, P
        or %r8, %rax
        mov %rsi, %r8
        shr $16, %r8
        and $0xffff, %r8d
        shl $48, %r8                    // offset[31:16]
        or %r8, %rax
        mov %rax, (%rdi)
        mov %rsi, %r8
        shr $32, %r8                    // offset[63:32]
        mov %r8, 8(%rdi)
        ret
