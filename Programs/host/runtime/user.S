/* ---------------------------------------------------------------- user mode */

/*
 * The user half of a test program: USER_CODE_BEGIN ... USER_CODE_END bracket its CPL-3 code (page-aligned
 * symbols ucode / ucode_end, so map_user covers exactly it), USER_STACK reserves one page (ustack /
 * ustack_top), and MAP_USER_CODE_AND_STACK makes both user-accessible. Then: run_user(ustart, ustack_top, arg).
 */
#define USER_CODE_BEGIN .section .utext, "ax"; .balign 4096; ucode:
#define USER_CODE_END   .balign 4096; ucode_end:
#define USER_STACK      .bss; .balign 4096; ustack: .skip 4096; ustack_top:
#define MAP_USER_CODE_AND_STACK \
        mov $ucode, %edi; mov $ucode_end, %esi; call map_user; mov $ustack, %edi; mov $ustack_top, %esi; call map_user

/*
 * run_user(rip %rdi, rsp %rsi, arg %rdx): IRETQ to CPL 3 (CS 0x23, SS 0x1b, RFLAGS 0x2) with
 * RDI = arg and the user GS base swapped in. Returns when user code executes SYS_EXIT:
 * RAX = user RDI, RDX = user RSI at that int $0x80. Callee-saved registers are preserved.
 */
        .globl run_user
run_user:
        push %rbx
        push %rbp
        push %r12
        push %r13
        push %r14
        push %r15
        mov %rsp, %gs:PCPU_KERNEL_RSP
        pushq $USER_DS
        push %rsi
        pushq $0x2
        pushq $USER_CS
        push %rdi
        mov %rdx, %rdi
        xor %eax, %eax
        xor %ebx, %ebx
        xor %ecx, %ecx
        xor %edx, %edx
        xor %esi, %esi
        xor %ebp, %ebp
        ZERO_R8_TO_R15
        swapgs
        iretq

int80_entry:
        pushq $0
        pushq $0x80
        SAVE_REGS
        cld
        mov %rsp, %rbx
        xor %r13d, %r13d
        testb $3, TF_CS(%rbx)
        jz 1f
        swapgs
        mov $1, %r13d
1:      incq syscall_count
        mov TF_RAX(%rbx), %rax
        cmp $SYS_EXIT, %rax
        je rt_sys_exit
        cmp $SYS_GETPCPU, %rax
        jne 2f
        mov %gs:PCPU_SELF, %rax
        jmp 9f
2:      cmp $SYS_ADD, %rax
        jne 3f
        mov TF_RDI(%rbx), %rax
        add TF_RSI(%rbx), %rax
        jmp 9f
3:      cmp $SYS_GSBASES, %rax
        jne 4f
        mov $MSR_KERNEL_GS_BASE, %ecx
        rdmsr
        shl $32, %rdx
        or %rax, %rdx
        mov %rdx, TF_RDX(%rbx)
        mov $MSR_GS_BASE, %ecx
        rdmsr
        shl $32, %rdx
        or %rdx, %rax
        jmp 9f
4:      mov $-ENOSYS, %rax
9:      mov %rax, TF_RAX(%rbx)
        test %r13, %r13
        jz 10f
        swapgs
10:     RESTORE_REGS
        add $16, %rsp
        iretq

rt_sys_exit:
        test %r13, %r13                 // only from user mode
        jz rt_die_frame
        mov TF_RDI(%rbx), %rax
        mov TF_RSI(%rbx), %rdx
        mov %gs:PCPU_KERNEL_RSP, %rsp   // drop the interrupt frame on the RSP0 stack
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %rbp
        pop %rbx
        ret
