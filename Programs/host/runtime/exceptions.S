/* ---------------------------------------------------------------- exception entry */

/* One 16-byte stub per vector: push a dummy error code when the CPU pushes none, push the
 * vector, join rt_exc_common. The CPU pushes an error code for 8, 10-14, 17, 21, 29, 30. */
        .balign 16
        .globl exc_stubs
exc_stubs:
        vec = 0
        .rept 256
        .balign 16
        .if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
        .else
        pushq $0
        .endif
        pushq $vec
        jmp rt_exc_common
        vec = vec + 1
        .endr

        .balign 16
rt_exc_common:
        SAVE_REGS
        xor %r12d, %r12d                // CR2 is only read for #PF
        jmp rt_exc_dispatch

/* #PF: the CPU pushed the error code. Like Linux exc_page_fault, the handler body reads CR2
 * before anything else can fault and overwrite it. */
        .globl pf_entry
pf_entry:
        pushq $14
        SAVE_REGS
        .globl pf_read_cr2
pf_read_cr2:
        mov %cr2, %r12
rt_exc_dispatch:
        cld
        mov %rsp, %rbx                  // rbx = trap frame
        xor %r13d, %r13d                // r13 = 1 if we swapped GS on entry
        testb $3, TF_CS(%rbx)
        jz 1f
        swapgs
        mov $1, %r13d
1:      mov TF_VECTOR(%rbx), %r14
        mov %rbx, %rdi
        mov %r12, %rsi
        call rt_fault_log_record
        cmp $14, %r14
        jne 2f
        mov %r12, %gs:PCPU_LAST_CR2
        mov TF_ERROR(%rbx), %rax
        mov %rax, %gs:PCPU_LAST_ERROR
        incq %gs:PCPU_PF_DEPTH
        mov pf_callback, %rax           // test hook: pf_callback(frame, cr2) -> handled?
        test %rax, %rax
        jz 3f
        mov %rbx, %rdi
        mov %r12, %rsi
        call *%rax
        test %rax, %rax
        jnz rt_exc_return
3:      mov %r12, %rdi
        mov TF_ERROR(%rbx), %rsi
        call rt_demand_fault
        test %rax, %rax
        jnz rt_exc_return
2:      mov vector_handlers(,%r14,8), %rax   // test hook: handler(frame, cr2) -> handled?
        test %rax, %rax
        jz 4f
        mov %rbx, %rdi
        mov %r12, %rsi
        call *%rax
        test %rax, %rax
        jnz rt_exc_return
4:      mov TF_RIP(%rbx), %rdi
        call extable_lookup
        test %rax, %rax
        jz rt_die_frame
        mov %rax, TF_RIP(%rbx)
        incq fixup_count
rt_exc_return:
        cmp $14, %r14
        jne 5f
        decq %gs:PCPU_PF_DEPTH
5:      test %r13, %r13
        jz 6f
        swapgs
6:      RESTORE_REGS
        add $16, %rsp
        .globl exc_iretq
exc_iretq:
        iretq

/*
 * DIE_HOOK_RECORD: the first lines of a die_hook(frame %rdi) for a #DF test: R8 = vector, R9 = error code,
 * R10 = exceptions logged, R11 = the frame's RIP slot minus (df_stack_top - 40), i.e. 0 when the #DF frame
 * sits at the top of the IST2 stack. Clobbers RAX.
 */
#define DIE_HOOK_RECORD \
        mov TF_VECTOR(%rdi), %r8; mov TF_ERROR(%rdi), %r9; mov fault_log + FL_COUNT, %r10; \
        lea TF_RIP(%rdi), %r11; mov $df_stack_top - 40, %eax; sub %rax, %r11

/*
 * Unhandled exception (rbx = trap frame): oops dump, then die_hook(frame) if set, then halt with
 * RAX = vector, RBX = error code, RCX = RIP, RDX = CR2 (as read by oops), RSI = CS, RDI = RSP
 * from the CPU frame, RBP = 0xdead, R8-R15 = the interrupted context's values.
 */
        .globl rt_die_frame
rt_die_frame:
        mov %rbx, %rdi
        call oops
        mov die_hook, %rax
        test %rax, %rax
        jz 1f
        mov %rbx, %rdi
        call *%rax
1:      mov TF_R8(%rbx), %r8
        mov TF_R9(%rbx), %r9
        mov TF_R10(%rbx), %r10
        mov TF_R11(%rbx), %r11
        mov TF_R12(%rbx), %r12
        mov TF_R13(%rbx), %r13
        mov TF_R14(%rbx), %r14
        mov TF_R15(%rbx), %r15
        mov TF_VECTOR(%rbx), %rax
        mov TF_RIP(%rbx), %rcx
        mov oops_cr2, %rdx
        mov TF_CS(%rbx), %rsi
        mov TF_RSP(%rbx), %rdi
        mov $0xdead, %ebp
        mov TF_ERROR(%rbx), %rbx
        .globl rt_died
rt_died:
        cli
        hlt
        jmp rt_died

/* rt_fault_log_record(frame %rdi, cr2 %rsi) */
rt_fault_log_record:
        mov fault_log + FL_COUNT, %rax
        incq fault_log + FL_COUNT
        mov TF_VECTOR(%rdi), %rcx
        mov %rcx, fault_log + FL_LAST_VECTOR
        cmp $14, %rcx
        jne 1f
        incq fault_log + FL_PF_COUNT
1:      mov TF_ERROR(%rdi), %rdx
        mov %rdx, fault_log + FL_LAST_ERROR
        mov %rsi, fault_log + FL_LAST_CR2
        mov TF_RIP(%rdi), %r8
        mov %r8, fault_log + FL_LAST_RIP
        mov TF_RSP(%rdi), %r9
        mov %r9, fault_log + FL_LAST_RSP
        lea TF_RIP(%rdi), %r10
        mov %r10, fault_log + FL_LAST_FRAME
        cmp $FL_MAX, %rax
        jae 2f
        shl $6, %rax                    // FLE_SIZE = 64
        add $fault_log + FL_ENTRIES, %rax
        mov %rcx, FLE_VECTOR(%rax)
        mov %rdx, FLE_ERROR(%rax)
        mov %rsi, FLE_CR2(%rax)
        mov %r8, FLE_RIP(%rax)
        mov %r9, FLE_RSP(%rax)
        mov TF_RCX(%rdi), %rcx
        mov %rcx, FLE_RCX(%rax)
        mov %r10, FLE_FRAME(%rax)
        mov TF_CS(%rdi), %rcx
        mov %rcx, FLE_CS(%rax)
2:      ret

/* extable_lookup(rip %rdi) -> %rax = fixup address or 0 */
        .globl extable_lookup
extable_lookup:
        mov $ex_table_start, %ecx
1:      cmp $ex_table_end, %rcx
        jae 2f
        cmp (%rcx), %rdi
        je 3f
        add $16, %rcx
        jmp 1b
2:      xor %eax, %eax
        ret
3:      mov 8(%rcx), %rax
        ret

/* Fixup target for a faulting `call`: return to the caller (the pushed return address). */
        .globl rt_fixup_ret
rt_fixup_ret:
        ret

/* A vector handler that just resumes (for traps such as int3 or int $n). */
        .globl rt_resume
rt_resume:
        mov $1, %eax
        ret
