# The generic handler: RDMSR of an MSR the machine does not have raises #GP(0) at CPL 0 (SDM vol. 2
# RDMSR: "#GP(0) if ECX specifies a reserved or unimplemented MSR address"), delivered through the
# IDT. Nothing handles it, so the runtime halts with RAX = vector, RBX = error code, RSI = CS,
# RBP = 0xdead, and r8-r15 of the interrupted code; RCX - R14 = 0 checks the saved RIP is the RDMSR.
# A #GP does not touch CR2 (still 0 from reset).
# expect: stop=halt rax=13 rbx=0 rsi=0x8 rbp=0xdead r13=0x5151 r15=0 cr2=0 cr2Writes=0
#include "../host/runtime.S"
        .globl test_main
test_main:
        movq $hook, die_hook
        mov $0x5151, %r13d
        lea 1f(%rip), %r14
        mov $0x12345678, %ecx
1:      rdmsr
        ud2

// die_hook(frame): r15 = saved RIP - address of the RDMSR, then return to the standard halt
hook:   mov TF_RIP(%rdi), %rax
        sub TF_R14(%rdi), %rax
        mov %rax, TF_R15(%rdi)
        ret
