# An NMI handler that takes a #PF restores CR2 on exit (Linux exc_nmi). The interrupted code has
# CR2 = 0x1200080 from its own #PF; the NMI callback faults at 0x12000c0, which loads CR2 with that
# address on delivery. At exit the handler sees CR2 != the saved value and writes the saved value
# back: exactly one MOV to CR2, and the interrupted code reads its own fault address again.
# CR2 reads: #PF 1, NMI entry 1, nested #PF 1, NMI exit 1, test 1 = 5.
# nmi-at-rip: nmi_point
# expect: stop=halt r8=0x1200080 r9=1 r10=0x1200080 r11=0x12000c0 r12=2 r13=0x12000c0 r14=1 cr2=0x1200080 cr2Writes=1 cr2Reads=5
#include "../host/runtime.S"
        .globl test_main
test_main:
1:      mov 0x1200080, %rax
2:      movq $nmi_cb, nmi_callback
        .globl nmi_point
nmi_point:
        nop
        mov %cr2, %r8
        mov nmi_log + NL_RESTORES, %r9
        mov NLE(0, NLE_CR2), %r10
        mov NLE(0, NLE_CR2_EXIT), %r11
        mov fault_log + FL_PF_COUNT, %r12
        mov FLE(1, FLE_CR2), %r13
        mov nmi_log + NL_COUNT, %r14
        ret
        EXTABLE(1b, 2b)

nmi_cb:
3:      mov 0x12000c0, %rax
4:      ret
        EXTABLE(3b, 4b)
