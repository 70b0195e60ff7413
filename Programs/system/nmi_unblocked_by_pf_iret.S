# NMI blocking ends at the next IRET, whichever handler executes it (SDM 6.7.1). The NMI callback
# takes a #PF (fixed up); the #PF handler's IRETQ therefore unblocks NMIs while the NMI handler is
# still running, and a second NMI placed after the fault is delivered at once, nested. That is the
# problem Linux's nested-NMI entry code exists for: the nested NMI reuses the IST1 stack, so its
# frame lands on the first NMI's frame (same RIP-slot address). The nested callback records and
# halts (returning would resume the clobbered outer handler).
# nmi-at-rip: nmi_point
# nmi-at-rip: after_fault
# expect: stop=halt r8=2 r9=1 r10=1 r11=1 r12=0 r13=1
#include "../host/runtime.S"
        .globl test_main
test_main:
        movq $nmi_cb, nmi_callback
        .globl nmi_point
nmi_point:
        nop
        ud2                                 // not reached

nmi_cb: cmpq $0, nmi_log + NL_NESTED
        jne nested
1:      mov 0x1200000, %rax                 // #PF inside the NMI handler
2:
        .globl after_fault
after_fault:
        nop
        ret
        EXTABLE(1b, 2b)

nested: mov nmi_log + NL_COUNT, %r8         // 2 NMIs
        mov nmi_log + NL_NESTED, %r9        // the second nested in the first
        mov $after_fault, %eax
        ISEQ NLE(1, NLE_RIP), %rax, %r10    // interrupting the callback after the fault
        mov NLE(0, NLE_FRAME), %rax
        ISEQ NLE(1, NLE_FRAME), %rax, %r11  // same IST1 frame slot as the first
        mov NLE(1, NLE_EXITS), %r12         // the first has not exited
        mov fault_log + FL_PF_COUNT, %r13
        cli
        hlt
