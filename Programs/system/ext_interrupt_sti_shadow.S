# External interrupts and IF (SDM 6.8.1; vol. 2 STI): an interrupt requested while IF=0 stays pending;
# STI sets IF but blocks interrupts until the instruction after STI has completed, so the interrupt
# (vector 0x30, injected during set-up) is delivered after the first NOP, with the saved RIP on the
# second NOP and the saved RFLAGS showing IF=1. The handler (generic stub + rt_resume) returns.
# interrupt-at-instruction: 100:0x30
# expect: stop=halt r8=0x30 r9=1 r10=1 r11=0x200 r12=1
#include "../host/runtime.S"
        .globl test_main
test_main:
        movq $rt_resume, vector_handlers + 0x30 * 8
        mov $1, %ecx
        ISEQ $0, fault_log + FL_COUNT, %r9  // still pending while IF=0
        sti
        nop
2:      nop
        cli
        mov fault_log + FL_LAST_VECTOR, %r8
        lea 2b(%rip), %rax
        ISEQ fault_log + FL_LAST_RIP, %rax, %r10
        mov FLE(0, FLE_FRAME), %rax
        mov 16(%rax), %r11                  // saved RFLAGS (RIP slot + 16)
        and $0x200, %r11
        mov fault_log + FL_COUNT, %r12
        ret
