/* ---------------------------------------------------------------- NMI */

/*
 * NMI (IST1). Like Linux exc_nmi: save CR2 in the per-CPU area on entry; run the test's
 * nmi_callback(frame); on exit, write the saved CR2 back only if CR2 changed.
 * GS is handled "paranoid" style: swap only if GS_BASE is not the kernel per-CPU base.
 */
        .globl nmi_entry
nmi_entry:
        pushq $0
        pushq $2
        SAVE_REGS
        .globl nmi_read_cr2
nmi_read_cr2:
        mov %cr2, %r12
        cld
        mov %rsp, %rbx
        mov $MSR_GS_BASE, %ecx
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        movabs $PERCPU_BASE, %rcx
        xor %r13d, %r13d
        cmp %rcx, %rax
        je 1f
        swapgs
        mov $1, %r13d
1:      mov %r12, %gs:PCPU_NMI_CR2
        mov nmi_log + NL_COUNT, %r14    // r14 = index of this NMI
        incq nmi_log + NL_COUNT
        cmpq $0, nmi_log + NL_IN_PROGRESS
        je 2f
        incq nmi_log + NL_NESTED
2:      movq $1, nmi_log + NL_IN_PROGRESS
        mov %r12, nmi_log + NL_LAST_CR2
        mov TF_RIP(%rbx), %rax
        mov %rax, nmi_log + NL_LAST_RIP
        lea TF_RIP(%rbx), %rdx
        mov %rdx, nmi_log + NL_LAST_FRAME
        xor %r15d, %r15d                // r15 = log entry or 0
        cmp $NL_MAX, %r14
        jae 3f
        imul $NLE_SIZE, %r14, %r15
        add $nmi_log + NL_ENTRIES, %r15
        mov %r12, NLE_CR2(%r15)
        mov %rax, NLE_RIP(%r15)
        mov %rdx, NLE_FRAME(%r15)
        mov nmi_log + NL_EXITS, %rax
        mov %rax, NLE_EXITS(%r15)
        mov TF_RSP(%rbx), %rax
        mov %rax, NLE_RSP(%r15)
        mov TF_CS(%rbx), %rax
        mov %rax, NLE_CS(%r15)
        mov %r13, NLE_SWAPGS(%r15)
3:      mov nmi_callback, %rax
        test %rax, %rax
        jz 4f
        mov %rbx, %rdi
        call *%rax
4:      .globl nmi_exit_read_cr2
nmi_exit_read_cr2:
        mov %cr2, %rax
        test %r15, %r15
        jz 5f
        mov %rax, NLE_CR2_EXIT(%r15)
5:      cmp %gs:PCPU_NMI_CR2, %rax
        je 6f
        mov %gs:PCPU_NMI_CR2, %rax
        mov %rax, %cr2
        incq nmi_log + NL_RESTORES
6:      incq nmi_log + NL_EXITS
        movq $0, nmi_log + NL_IN_PROGRESS
        test %r13, %r13
        jz 7f
        swapgs
7:      RESTORE_REGS
        add $16, %rsp
        .globl nmi_iretq
nmi_iretq:
        iretq
