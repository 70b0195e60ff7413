# A fault at CPL 3 whose delivery cannot use the kernel stack. The #PF from user code switches to
# TSS.RSP0 (CPL change, no IST); the top page of that stack is unmapped, so pushing the frame faults
# with another #PF: #PF then #PF is a double fault (SDM Table 6-5). #DF has IST2, which is good, so it
# is delivered there. Its frame (built by the CPU, not by software) is at IST2-40, and the #PF
# handler never ran. CR2 is in the RSP0 page the CPU tried to push to.
# expect: stop=halt r8=8 r9=0 r10=1 r11=0 r12=1 r15=0
#include "../host/runtime.S"
        .globl test_main
test_main:
        movq $df_hook, die_hook
        MAP_USER_CODE_AND_STACK
        mov $kstack_top - 4096, %edi        // RSP0's top page
        call unmap_page
        mov $ustart, %edi
        mov $ustack_top, %esi
        xor %edx, %edx
        call run_user
        ud2

df_hook:
        DIE_HOOK_RECORD                     // R8-R11: vector, error, count, RIP slot (0 = top of IST2)
        mov oops_cr2, %rax
        and $-4096, %rax
        mov $kstack_top - 4096, %ecx
        ISEQ %rax, %rcx, %r12
        mov fault_log + FL_PF_COUNT, %r15
        cli
        hlt

        USER_CODE_BEGIN
ustart: mov 0x1200000, %rax                 // #PF at CPL 3
        ud2
        USER_CODE_END

        USER_STACK
