# Non-canonical addresses (SDM 3.3.7.1, vol. 2 "64-Bit Mode Exceptions"): a memory operand through the
# default DS segment gives #GP(0); one that references SS (base register RSP or RBP) gives #SS(0).
# Neither is a page fault, so CR2 is untouched (it keeps the value written at the start). Both are
# faults: the saved RIP is the instruction. For the PUSH, RSP itself is non-canonical, and delivery
# without a stack switch would push the frame next to it (non-canonical or unmapped addresses), so
# the #SS gate is given IST3 here.
# expect: stop=halt r8=13 r9=0 r10=12 r11=0 r12=12 r13=0 r14=3 r15=3 cr2=0x1234
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $12, %edi                       // #SS on IST3
        mov $exc_stubs + 12 * 16, %esi
        mov $0x8E, %edx
        mov $3, %ecx
        call set_gate
        mov $0x1234, %eax
        mov %rax, %cr2
        movabs $0x0000800000000000, %rbx    // first non-canonical address above the lower half
        mov %rsp, %r14
1:      mov (%rbx), %rax                    // DS: #GP(0)
2:      mov %rbp, %r15
        mov %rbx, %rbp
3:      mov 8(%rbp), %rax                   // SS (RBP base): #SS(0)
4:      mov %r15, %rbp
        lea 0x10(%rbx), %rsp                // the push writes at RSP-8, still non-canonical
5:      push %rax                           // SS (RSP): #SS(0); RSP is restored by the fixup below
6:      mov %r14, %rsp
        mov FLE(0, FLE_VECTOR), %r8
        mov FLE(0, FLE_ERROR), %r9
        mov FLE(1, FLE_VECTOR), %r10
        mov FLE(1, FLE_ERROR), %r11
        mov FLE(2, FLE_VECTOR), %r12
        mov FLE(2, FLE_ERROR), %r13
        xor %r14d, %r14d                    // saved RIPs are the instructions
        lea 1b(%rip), %rax
        ISEQ FLE(0, FLE_RIP), %rax, %rcx
        add %rcx, %r14
        lea 3b(%rip), %rax
        ISEQ FLE(1, FLE_RIP), %rax, %rcx
        add %rcx, %r14
        lea 5b(%rip), %rax
        ISEQ FLE(2, FLE_RIP), %rax, %rcx
        add %rcx, %r14
        mov fault_log + FL_COUNT, %r15
        ret
        EXTABLE(1b, 2b)
        EXTABLE(3b, 4b)
        EXTABLE(5b, 6b)
