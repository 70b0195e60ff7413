# #DF through the benign/contributory rules of SDM Table 6-5. With RSP on a not-present page, a
# #GP(0) (RDMSR of an unknown MSR) cannot be delivered: pushing its frame raises #PF. #GP then #PF
# is handled serially (the #PF is delivered), but pushing the #PF frame faults again, and #PF then
# #PF is a double fault, delivered on IST2 with error code 0.
# expect: stop=halt r8=8 r9=0 r10=1 r11=0 r12=0x1aff000 r15=0x0
#include "../host/runtime.S"
        .globl test_main
test_main:
        movq $df_hook, die_hook
        mov $0x1b00000, %esp
        mov $0x12345, %ecx
        rdmsr                               // #GP(0) -> #PF on delivery -> #PF on delivery -> #DF
        ud2

df_hook:
        DIE_HOOK_RECORD                     // R8-R11: vector, error, count, RIP slot (0 = top of IST2)
        mov oops_cr2, %r12
        and $-4096, %r12
        mov fault_log + FL_PF_COUNT, %r15
        cli
        hlt
