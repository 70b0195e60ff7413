# NMI blocking, placed by RIP: the first NMI arrives at nmi_point, the second as the first
# handler is about to execute its first instruction (RIP = nmi_entry). The second is blocked
# (SDM 6.7.1), held pending, and delivered right after the first handler's IRETQ: both interrupt
# nmi_point, the second sees one completed exit, no nesting. CR2 is the same for both.
# nmi-at-rip: nmi_point
# nmi-at-rip: nmi_entry
# expect: stop=halt r8=2 r9=0 r10=0 r11=1 r12=1 r13=1 r14=0x1200ff0 r15=0x1200ff0
#include "../host/runtime.S"
        .globl test_main
test_main:
1:      mov 0x1200ff0, %rax                 // CR2 := 0x1200ff0
2:
        .globl nmi_point
nmi_point:
        nop
        mov nmi_log + NL_COUNT, %r8
        mov nmi_log + NL_NESTED, %r9
        mov NLE(0, NLE_EXITS), %r10
        mov NLE(1, NLE_EXITS), %r11
        lea nmi_point(%rip), %rax
        ISEQ NLE(0, NLE_RIP), %rax, %r12
        ISEQ NLE(1, NLE_RIP), %rax, %r13
        mov NLE(0, NLE_CR2), %r14
        mov NLE(1, NLE_CR2), %r15
        ret
        EXTABLE(1b, 2b)
