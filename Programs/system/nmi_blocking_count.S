# NMI blocking (SDM 6.7.1): while the NMI handler runs, further NMIs are blocked until the next
# IRET; one NMI arriving meanwhile is latched and delivered right after that IRET. NMIs are
# injected before instructions 100000, 100001 and 100002, inside a long loop: the first is
# delivered, the next two arrive while its handler runs. Only one can be held pending, so exactly
# two handler runs happen, never nested; the second starts after the first has exited, and it
# interrupts the same RIP as the first (it is taken at the boundary right after the IRETQ, before
# the interrupted instruction executes).
# nmi-at-instruction: 100000 100001 100002
# expect: stop=halt r8=2 r9=0 r10=0 r11=1 r12=1 r13=1 r14=2 r15=0
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $100000, %ecx                   // 200000 instructions, after ~35000 of set-up
loop_start:
        dec %ecx
        jnz loop_start
loop_end:
        mov nmi_log + NL_COUNT, %r8
        mov nmi_log + NL_NESTED, %r9
        mov NLE(0, NLE_EXITS), %r10
        mov NLE(1, NLE_EXITS), %r11
        mov NLE(0, NLE_RIP), %rax
        ISEQ NLE(1, NLE_RIP), %rax, %r12
        lea loop_start(%rip), %rdx          // the NMI interrupted the loop
        lea loop_end(%rip), %rsi
        xor %r13d, %r13d
        cmp %rdx, %rax
        jb 1f
        cmp %rsi, %rax
        jae 1f
        mov $1, %r13d
1:      mov nmi_log + NL_EXITS, %r14
        mov nmi_log + NL_IN_PROGRESS, %r15
        ret
