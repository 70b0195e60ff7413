# Faults raised by INT n itself are faults of the INT instruction: the saved RIP is the INT, not
# the next instruction (SDM vol. 2 INT n, "Protected Mode Exceptions"; vol. 3 6.5: a fault
# reports the instruction that caused it). The error code names the IDT entry: vector*8 + 2
# (IDT bit), EXT = 0 for a software interrupt (SDM 6.13).
#  - INT $0x81 through a not-present gate: #NP(0x40a).
#  - INT $0x82 through an IDT entry of type 0xC (a call gate, not allowed in the IDT): #GP(0x412).
# expect: stop=halt r8=11 r9=0x40a r10=1 r11=13 r12=0x412 r13=1 r14=2
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $0x81, %edi
        mov $rt_resume, %esi
        mov $0x0E, %edx                     // P = 0
        xor %ecx, %ecx
        call set_gate
        mov $0x82, %edi
        mov $rt_resume, %esi
        mov $0x8C, %edx                     // P = 1, type 0xC
        xor %ecx, %ecx
        call set_gate
i81:    int $0x81
1:
i82:    int $0x82
2:      mov FLE(0, FLE_VECTOR), %r8
        mov FLE(0, FLE_ERROR), %r9
        lea i81(%rip), %rax
        ISEQ FLE(0, FLE_RIP), %rax, %r10
        mov FLE(1, FLE_VECTOR), %r11
        mov FLE(1, FLE_ERROR), %r12
        lea i82(%rip), %rax
        ISEQ FLE(1, FLE_RIP), %rax, %r13
        mov fault_log + FL_COUNT, %r14
        ret
        EXTABLE(i81, 1b)
        EXTABLE(i82, 2b)
