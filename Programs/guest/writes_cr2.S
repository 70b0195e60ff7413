/*
 * Guest that writes CR2 directly (MOV to CR2 does not exit): CR2 = 0xffffc900007e0000 + t, so the value the
 * host finds after the exit was never a fault address at all. Ends with VMCALL.
 */
#include "runtime.S"
        .globl guest_body
guest_body:
        movabs $0xffffc900007e0000, %rax
        add %rdi, %rax
        .globl guest_cr2_write_insn
guest_cr2_write_insn:
        mov %rax, %cr2
        vmcall
        ret
