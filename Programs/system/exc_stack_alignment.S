# 64-bit exception delivery aligns RSP down to 16 bytes before pushing SS, RSP, RFLAGS, CS, RIP
# (SDM 6.14.2), whatever RSP was; the saved RSP is the original, unaligned one. INT3 is a trap: the
# saved RIP is the next instruction. Two INT3s at CPL 0 without IST, first with RSP = S (16-aligned)
# and then with RSP = S-8: the RIP slot is at S-40 and at S-16-40.
# expect: stop=halt r8=0 r9=0 r10=0 r11=0 r12=1 r13=2 r14=3
#include "../host/runtime.S"
        .globl test_main
test_main:
        movq $rt_resume, vector_handlers + 3 * 8
        mov %rsp, %rbp
        and $-16, %rsp
        sub $64, %rsp
        mov %rsp, %rbx                      // S
        int3
1:      mov fault_log + FL_LAST_FRAME, %r8
        lea -40(%rbx), %rax
        sub %rax, %r8                       // 0: RIP slot at S-40
        mov fault_log + FL_LAST_RSP, %r9
        sub %rbx, %r9                       // 0: saved RSP = S
        lea 1b(%rip), %rax
        ISEQ fault_log + FL_LAST_RIP, %rax, %r12   // trap: RIP after the INT3
        sub $8, %rsp                        // S-8: not 16-aligned
        int3
        mov fault_log + FL_LAST_FRAME, %r10
        lea -56(%rbx), %rax
        sub %rax, %r10                      // 0: aligned to S-16, RIP slot at S-56
        mov fault_log + FL_LAST_RSP, %r11
        lea -8(%rbx), %rax
        sub %rax, %r11                      // 0: saved RSP = S-8
        mov fault_log + FL_COUNT, %r13
        mov fault_log + FL_LAST_VECTOR, %r14
        mov %rbp, %rsp
        ret
