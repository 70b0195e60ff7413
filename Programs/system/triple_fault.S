# Triple fault: a fault while delivering #DF shuts the processor down (SDM 6.15, exception 8:
# "If another exception occurs while attempting to call the double-fault handler, the processor
# enters shutdown mode"). The top page of the IST2 stack is unmapped, then a #PF is raised with RSP
# on a not-present page: #PF -> #PF on delivery -> #DF -> #PF on delivery of #DF -> shutdown.
# expect: stop=triple-fault
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $df_stack_top - 4096, %edi
        call unmap_page
        mov $0x1a00000, %esp
        mov 0x1200000, %rax
        ud2
