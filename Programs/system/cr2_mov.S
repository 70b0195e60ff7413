# CR2 is an ordinary 64-bit register for MOV at CPL 0 (SDM vol. 2 MOV to/from control registers);
# only #PF delivery writes it (exception 14: "the processor loads CR2"). A #GP and a #UD handled
# in between leave it alone; a #PF replaces it. Counted: one MOV to CR2; reads: three by the test
# and one by the #PF handler.
# expect: stop=halt rbx=0xffff800000001234 rcx=0xffff800000001234 rdx=0x1200abc r8=0x1200abc r9=3 cr2=0x1200abc cr2Writes=1 cr2Reads=4
#include "../host/runtime.S"
        .globl test_main
test_main:
        movabs $0xffff800000001234, %rax
        mov %rax, %cr2
        mov %cr2, %rbx
        mov $0x12345678, %ecx
1:      rdmsr                               // #GP(0)
2:
3:      ud2                                 // #UD
4:      mov %cr2, %rcx
5:      mov 0x1200abc, %rax                 // #PF
6:      mov %cr2, %rdx
        mov fault_log + FL_LAST_CR2, %r8
        mov fault_log + FL_COUNT, %r9
        ret
        EXTABLE(1b, 2b)
        EXTABLE(3b, 4b)
        EXTABLE(5b, 6b)
