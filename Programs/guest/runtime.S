/*
 * TinyVMX guest runtime: a tiny guest "kernel" for the CR2 lab's guests. A guest program includes it and
 * defines guest_body; see README.md for the contract with the lab's host.
 *
 * guest_start (the VMCS guest RIP at the first VMLAUNCH) builds the guest's own page tables and IDT, switches
 * to them, then loops: call guest_body(t = RDI, flags = RSI) forever. The host sets RDI and RSI in the vCPU
 * registers before every entry, so each call sees the current transition's values. guest_body ends the
 * transition with an instruction that exits (VMCALL, HLT, CPUID, an EPT violation...).
 *
 * Guest address space (its own CR3):
 *   [0, 1 GiB)                    identity, 2 MiB pages (guest-physical = host-physical under the lab's EPT)
 *   GUEST_FAULT_BASE + 2 MiB      a kernel-half, vmalloc-like region of the same form as the host's; a
 *                                 not-present #PF there maps guest_rt_demand_page and restarts.
 * Comments are C-style: this file goes through the C preprocessor.
 */
#define GUEST_FAULT_BASE 0xffffc90000400000
#define GUEST_PANIC_MAGIC 0x70616e6963
#define GUEST_FAULT 1
#define G_PTE_P 1
#define G_PTE_W 2
#define G_PTE_PS 0x80

        .text
        .globl guest_start
guest_start:
        mov $guest_rt_stack_top, %esp
        call guest_rt_build_page_tables
        mov $guest_rt_pml4, %eax
        mov %rax, %cr3
        call guest_rt_build_idt
        lidt guest_rt_idtr
        .globl guest_loop
guest_loop:
        call guest_body
        jmp guest_loop

/* guest_maybe_fault(t %rdi, flags %rsi): if flags has GUEST_FAULT, read a not-present kernel-half address
 * (a #PF the guest handles: CR2 = that address), then unmap it so the next time faults again.
 * Preserves rdi and rsi. */
        .globl guest_maybe_fault
guest_maybe_fault:
        test $GUEST_FAULT, %esi
        jz 1f
        mov %edi, %eax
        and $255, %eax
        shl $12, %rax
        movabs $GUEST_FAULT_BASE + 0x10, %rcx
        add %rcx, %rax
        .globl guest_fault_insn
guest_fault_insn:
        mov (%rax), %rcx                /* #PF here */
        call guest_rt_pte
        movq $0, (%rdx)
        invlpg (%rax)
1:      ret

/* guest_rt_pte(address %rax) -> %rdx = address of its PTE in guest_rt_pt_hi. */
guest_rt_pte:
        mov %rax, %rdx
        shr $12, %rdx
        and $511, %edx
        lea guest_rt_pt_hi(,%rdx,8), %rdx
        ret

/* guest_panic(): tell the host this guest cannot go on (VMCALL with RBX = GUEST_PANIC_MAGIC). */
        .globl guest_panic
guest_panic:
        movabs $GUEST_PANIC_MAGIC, %rbx
        vmcall
        jmp guest_panic

/* #PF: read CR2 first (as Linux exc_page_fault does), map the demand page if the address is in the
 * demand region, else panic. */
        .globl guest_pf_entry
guest_pf_entry:
        push %rax
        push %rdx
        .globl guest_pf_read_cr2
guest_pf_read_cr2:
        mov %cr2, %rax
        mov %rax, guest_last_cr2
        incq guest_pf_count
        movabs $GUEST_FAULT_BASE, %rdx
        sub %rdx, %rax
        cmp $0x200000, %rax
        jae guest_panic
        add %rdx, %rax
        call guest_rt_pte
        push %rcx
        mov $guest_rt_demand_page + G_PTE_P + G_PTE_W, %ecx
        mov %rcx, (%rdx)
        pop %rcx
        pop %rdx
        pop %rax
        add $8, %rsp                    /* error code */
        iretq

/* Any other exception: panic. */
guest_fatal_entry:
        jmp guest_panic

guest_rt_build_page_tables:
        mov $guest_rt_pdpt_lo + G_PTE_P + G_PTE_W, %eax
        mov %rax, guest_rt_pml4
        mov $guest_rt_pd_lo + G_PTE_P + G_PTE_W, %eax
        mov %rax, guest_rt_pdpt_lo
        xor %ecx, %ecx
1:      mov %rcx, %rax
        shl $21, %rax
        or $G_PTE_P + G_PTE_W + G_PTE_PS, %rax
        mov %rax, guest_rt_pd_lo(,%rcx,8)
        inc %ecx
        cmp $512, %ecx
        jb 1b
        movabs $GUEST_FAULT_BASE, %rdx
        mov %rdx, %rcx
        shr $39, %rcx
        and $511, %ecx
        mov $guest_rt_pdpt_hi + G_PTE_P + G_PTE_W, %eax
        mov %rax, guest_rt_pml4(,%rcx,8)
        mov %rdx, %rcx
        shr $30, %rcx
        and $511, %ecx
        mov $guest_rt_pd_hi + G_PTE_P + G_PTE_W, %eax
        mov %rax, guest_rt_pdpt_hi(,%rcx,8)
        mov %rdx, %rcx
        shr $21, %rcx
        and $511, %ecx
        mov $guest_rt_pt_hi + G_PTE_P + G_PTE_W, %eax
        mov %rax, guest_rt_pd_hi(,%rcx,8)
        ret

/* 256 interrupt gates (CS 0x08, present, DPL 0): 14 -> guest_pf_entry, the rest -> guest_fatal_entry. */
guest_rt_build_idt:
        xor %ecx, %ecx
1:      mov $guest_fatal_entry, %eax
        cmp $14, %ecx
        jne 2f
        mov $guest_pf_entry, %eax
2:      mov %rcx, %rdx
        shl $4, %rdx
        add $guest_rt_idt, %rdx
        mov %ax, (%rdx)
        movw $0x08, 2(%rdx)
        movw $0x8E00, 4(%rdx)
        shr $16, %eax
        mov %ax, 6(%rdx)
        movl $0, 8(%rdx)
        movl $0, 12(%rdx)
        inc %ecx
        cmp $256, %ecx
        jb 1b
        ret

        .data
        .balign 16
guest_rt_idtr:
        .word 4095
        .quad guest_rt_idt
        .globl guest_last_cr2, guest_pf_count
guest_last_cr2: .quad 0
guest_pf_count: .quad 0

        .bss
        .balign 4096
guest_rt_pml4:          .skip 4096
guest_rt_pdpt_lo:       .skip 4096
guest_rt_pd_lo:         .skip 4096
guest_rt_pdpt_hi:       .skip 4096
guest_rt_pd_hi:         .skip 4096
guest_rt_pt_hi:         .skip 4096
guest_rt_idt:           .skip 4096
guest_rt_demand_page:   .skip 4096
guest_rt_stack:         .skip 16384
guest_rt_stack_top:
        .text
