# #DF from a #PF whose delivery faults (SDM 6.15, exception 8; Table 6-5). RSP points at a
# not-present page (0x1a00000, page-aligned), then a read faults at 0x1200000. Delivering that #PF
# pushes onto the bad stack: a second #PF while delivering a #PF is a double fault. #DF uses IST2,
# which is good, so it is delivered there with error code 0 and the RIP slot at IST2-40. The #DF
# handler is an abort: it records, dumps an oops and halts (the die hook takes the results).
# The #PF handler never ran (only one fault-log entry). CR2 holds an address in the stack page
# the frame was pushed to (which byte is model-specific, so only the page is checked). The saved
# CS:RIP of a #DF are undefined (SDM exception 8), so they are not checked.
# expect: stop=halt r8=8 r9=0 r10=1 r11=0 r12=0x19ff000 r13=1 r15=0x0
#include "../host/runtime.S"
        .globl test_main
test_main:
        movq $df_hook, die_hook
        mov $0x1a00000, %esp
        mov 0x1200000, %rax                 // #PF -> #PF on delivery -> #DF
        ud2

// die_hook(frame): the frame is on the IST2 stack
df_hook:
        DIE_HOOK_RECORD                     // R8-R11: vector, error, count, RIP slot (0 = top of IST2)
        mov oops_cr2, %r12                  // the live CR2 the oops dump read
        and $-4096, %r12
        mov oops_count, %r13
        mov fault_log + FL_PF_COUNT, %r15
        cli
        hlt
