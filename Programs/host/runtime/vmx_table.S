/* ---------------------------------------------------------------- table-driven VM-exit checks (vmx_table.S)
 *
 * Include after vmx.S. A table of 48-byte cases, one fresh VMCS and one VMLAUNCH each:
 *
 *     XCASE setup, guest, reason, qualification, exit_rip, post
 *
 *   setup          function called after vmcs_setup(vmcs_region, guest, guest_stack_top), or 0
 *   guest          guest RIP at VM entry
 *   reason         expected exit reason (VMCS_EXIT_REASON, all 32 bits), or XVMFAIL(error) for a VMLAUNCH
 *                  that must fail with VMfailValid(error) (XVMFAIL_INVALID for VMfailInvalid); the
 *                  qualification and exit_rip checks are skipped then
 *   qualification  expected exit qualification, or XANY
 *   exit_rip       expected GUEST_RIP after the exit, or XANY
 *   post           function called after the checks, returning nonzero when its own checks hold, or 0
 *
 * xtable_run(table %rdi, table_end %rsi) -> rax = bitmask of the passing cases (bit i = case i). The first
 * failing case is described in xtable_fail_index, xtable_fail_reason (the exit reason, or for a VMfail
 * 1 << 63 | status | error << 8), xtable_fail_qual and xtable_fail_rip (index -1 when every case passed). guest_regs is cleared before each case.
 */
#define XANY 0xffffffffffffffff
#define XVMFAIL(error) (0x8000000000000002 | ((error) << 8))
#define XVMFAIL_INVALID 0x8000000000000001
.macro XCASE setup, guest, reason, qual, exit_rip, post
        .quad \setup, \guest, \reason, \qual, \exit_rip, \post
.endm

/* XTABLE_RUN_REPORT table, table_end: runs the table and leaves the report where `# expect:` reads it:
 * r8 = mask of passing cases, r9 = first failing case (-1 = none), r10 = its exit reason (or VMfail code),
 * r11 = its qualification, r12 = its GUEST_RIP. */
.macro XTABLE_RUN_REPORT table, table_end
        mov $\table, %edi
        mov $\table_end, %esi
        call xtable_run
        mov %rax, %r8
        mov xtable_fail_index, %r9
        mov xtable_fail_reason, %r10
        mov xtable_fail_qual, %r11
        mov xtable_fail_rip, %r12
.endm

        .text
        .globl xtable_run
xtable_run:
        push %rbx
        push %rbp
        push %r12
        push %r13
        push %r14
        mov %rdi, %rbx                  // rbx = case
        mov %rsi, %r12                  // r12 = end
        xor %r13d, %r13d                // r13 = pass mask
        xor %ebp, %ebp                  // rbp = index
        movq $-1, xtable_fail_index
1:      cmp %r12, %rbx
        jae 9f
        call vmx_clear_guest_regs
        mov $vmcs_region, %edi
        mov 8(%rbx), %rsi
        xor %edx, %edx
        call vmcs_setup
        mov (%rbx), %rax
        test %rax, %rax
        jz 2f
        call *%rax
2:      xor %edi, %edi
        call vmx_run
        mov %rax, %r14                  // r14 = vmx_run result
        test %r14, %r14
        jz 10f
        mov %r14, %rax                  // VMfail: "reason" = XVMFAIL(status | error << 8)
        cmp $VMX_FAIL_VALID, %eax
        jne 11f
        VMCS_READ VMCS_VM_INSTRUCTION_ERROR, %rax
        shl $8, %rax
        or $VMX_FAIL_VALID, %rax
11:     bts $63, %rax
        mov %rax, xtable_last_reason
        movq $0, xtable_last_qual
        movq $0, xtable_last_rip
        cmp 16(%rbx), %rax
        jne 5f
        jmp 4f
10:     call vmx_exit_reason
        mov %rax, xtable_last_reason
        VMCS_READ VMCS_EXIT_QUALIFICATION, %rax
        mov %rax, xtable_last_qual
        VMCS_READ VMCS_GUEST_RIP, %rax
        mov %rax, xtable_last_rip
        mov xtable_last_reason, %rax
        cmp 16(%rbx), %rax
        jne 5f
        mov 24(%rbx), %rax
        cmp $-1, %rax
        je 3f
        cmp xtable_last_qual, %rax
        jne 5f
3:      mov 32(%rbx), %rax
        cmp $-1, %rax
        je 4f
        cmp xtable_last_rip, %rax
        jne 5f
4:      mov 40(%rbx), %rax
        test %rax, %rax
        jz 6f
        call *%rax
        test %rax, %rax
        jz 5f
6:      bts %rbp, %r13
        jmp 7f
5:      cmpq $-1, xtable_fail_index
        jne 7f
        mov %rbp, xtable_fail_index
        mov xtable_last_reason, %rax
        mov %rax, xtable_fail_reason
        mov xtable_last_qual, %rax
        mov %rax, xtable_fail_qual
        mov xtable_last_rip, %rax
        mov %rax, xtable_fail_rip
7:      inc %rbp
        add $48, %rbx
        jmp 1b
9:      mov %r13, %rax
        pop %r14
        pop %r13
        pop %r12
        pop %rbp
        pop %rbx
        ret

        .data
        .balign 8
        .globl xtable_fail_index, xtable_fail_reason, xtable_fail_qual, xtable_fail_rip
xtable_fail_index:      .quad -1
xtable_fail_reason:     .quad 0
xtable_fail_qual:       .quad 0
xtable_fail_rip:        .quad 0
xtable_last_reason:     .quad 0
xtable_last_qual:       .quad 0
xtable_last_rip:        .quad 0
        .text
