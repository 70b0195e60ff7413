# The oops dump (like Linux __show_regs) after an unhandled #PF at 0xdeadbeef (not mapped): the
# log holds "CR2: 00000000deadbeef" (the live CR2, which the #PF delivery loaded), the vector and
# the error code (14, read of a not-present page: 0), and the registers of the faulting context
# (RAX, RBX). The die hook searches the log and halts with the results.
# expect: stop=halt r8=1 r9=1 r10=1 r11=1 r12=1 r13=1 r14=1 cr2=0xdeadbeef
#include "../host/runtime.S"
        .globl test_main
test_main:
        movq $hook, die_hook
        movabs $0x1122334455667788, %rax
        mov $0xdeadbeef, %ebx
        mov (%rbx), %rcx                    // #PF, no fixup: oops, then the die hook
        ud2

hook:
        mov $s_cr2line, %esi
        call find
        mov %rax, %r8
        mov $s_rax, %esi
        call find
        mov %rax, %r9
        mov $s_rbx, %esi
        call find
        mov %rax, %r10
        mov $s_head, %esi
        call find
        mov %rax, %r11
        mov $s_rip, %esi
        call find
        mov %rax, %r12
        mov $oops_log, %edi                 // the length word matches the NUL-terminated text
        xor %ecx, %ecx
1:      cmpb $0, (%rdi,%rcx)
        je 2f
        inc %rcx
        jmp 1b
2:      ISEQ oops_log_len, %rcx, %r13
        mov $0xdeadbeef, %eax
        ISEQ oops_cr2, %rax, %r14
        cli
        hlt

// find(needle %rsi) -> rax = 1 if oops_log contains it
find:   mov $oops_log, %edi
        call rt_strstr
        test %rax, %rax
        setnz %al
        movzbl %al, %eax
        ret

        .section .rodata
s_cr2line: .asciz "\nCR2: 00000000deadbeef CR3: "
s_rax:  .asciz "RAX: 1122334455667788 RBX: 00000000deadbeef RCX: "
s_rbx:  .asciz "RBX: 00000000deadbeef"
s_head: .asciz "Oops: 000e error 0000000000000000 [#1]\nRIP: 0008:"
s_rip:  .asciz "RSP: 0010:"
