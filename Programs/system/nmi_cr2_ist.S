# An NMI records the CR2 it sees, runs on IST1, and leaves CR2 alone when it did not change.
# CR2 is first set by a real #PF at 0x1200040. The NMI arrives at nmi_point with RSP = 8 mod 16:
#  - the handler reads CR2 on entry (Linux exc_nmi) and logs 0x1200040;
#  - the gate has IST=1, so RSP := TSS.IST1 (16-aligned) and the RIP slot is at IST1-40 whatever
#    the interrupted RSP was (SDM 6.14.5); the frame saves the interrupted, unaligned RSP;
#  - CR2 is unchanged at exit, so no MOV to CR2 is executed (cr2Writes=0);
#  - CR2 reads: one by the #PF handler, two by the NMI handler (entry, exit check).
# nmi-at-rip: nmi_point
# expect: stop=halt r8=1 r9=0x1200040 r10=0 r11=0 r12=1 r13=0 r14=0x8 cr2=0x1200040 cr2Writes=0 cr2Reads=3
#include "../host/runtime.S"
        .globl test_main
test_main:
1:      mov 0x1200040, %rax
2:      mov %rsp, %rbp
        and $-16, %rsp
        sub $24, %rsp                       // RSP = 8 mod 16
        mov %rsp, %rbx
        .globl nmi_point
nmi_point:
        nop
        mov %rbp, %rsp
        mov nmi_log + NL_COUNT, %r8
        mov NLE(0, NLE_CR2), %r9
        mov nmi_log + NL_LAST_FRAME, %r10
        mov $nmi_stack_top - 40, %eax
        sub %rax, %r10                      // 0: RIP slot at IST1 - 40
        mov NLE(0, NLE_RSP), %r11
        sub %rbx, %r11                      // 0: saved RSP = interrupted RSP
        lea nmi_point(%rip), %rax
        ISEQ NLE(0, NLE_RIP), %rax, %r12
        mov nmi_log + NL_RESTORES, %r13
        mov NLE(0, NLE_CS), %r14
        ret
        EXTABLE(1b, 2b)
