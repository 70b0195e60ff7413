# The reason Linux saves CR2 in the NMI handler: an NMI arrives at the first instruction of the
# #PF handler, before it has read CR2, and the NMI handler itself takes a #PF (0x1200100), which
# overwrites CR2. Because the NMI handler writes the saved CR2 back before its IRETQ, the #PF
# handler then reads the right address (0x1200200). The NMI saw CR2 = 0x1200200 on entry: CR2 was
# loaded when the first #PF was delivered, before the handler's first instruction.
# Fault log order: the NMI's fault is recorded first, the interrupted one second.
# nmi-at-rip: pf_entry
# expect: stop=halt r8=0x1200200 r9=0x1200100 r10=0x1200200 r11=1 r12=1 r13=2 r14=0x1200100 cr2=0x1200200 cr2Writes=1
#include "../host/runtime.S"
        .globl test_main
test_main:
        movq $nmi_cb, nmi_callback
1:      mov 0x1200200, %rax
2:      mov FLE(1, FLE_CR2), %r8
        mov FLE(0, FLE_CR2), %r9
        mov NLE(0, NLE_CR2), %r10
        mov nmi_log + NL_RESTORES, %r11
        mov $pf_entry, %eax
        ISEQ NLE(0, NLE_RIP), %rax, %r12
        mov fault_log + FL_PF_COUNT, %r13
        mov NLE(0, NLE_CR2_EXIT), %r14
        ret
        EXTABLE(1b, 2b)

nmi_cb:
3:      mov 0x1200100, %rax
4:      ret
        EXTABLE(3b, 4b)
