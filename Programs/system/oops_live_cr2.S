# The oops dump prints the live CR2, not the address of the fault being reported (Linux
# __show_regs reads CR2 itself). Here the #PF handler's callback for the fault at 0xdeadb000
# touches 0x1200000 first (a nested #PF, fixed up), which reloads CR2; then it declines, and the
# oops for the 0xdeadb000 fault shows "CR2: 0000000001200000". The fault log still has the right
# address, read on entry.
# expect: stop=halt r8=1 r9=0 r10=0xdeadb000 r11=0x1200000 r12=2 cr2=0x1200000
#include "../host/runtime.S"
        .globl test_main
test_main:
        movq $hook, die_hook
        movq $pf_cb, pf_callback
        mov $0xdeadb000, %ebx
        mov (%rbx), %rcx
        ud2

pf_cb:  cmpq $1, %gs:PCPU_PF_DEPTH
        jne 2f
1:      mov 0x1200000, %rax
2:      xor %eax, %eax
        ret
        EXTABLE(1b, 2b)

hook:   mov $oops_log, %edi
        mov $s_live, %esi
        call rt_strstr
        ISEQ $0, %rax, %r8
        xor $1, %r8                         // 1: the live CR2 is printed
        mov $oops_log, %edi
        mov $s_fault, %esi
        call rt_strstr
        mov %rax, %r9                       // 0: the faulting address is not
        mov FLE(0, FLE_CR2), %r10
        mov FLE(1, FLE_CR2), %r11
        mov fault_log + FL_PF_COUNT, %r12
        cli
        hlt

        .section .rodata
s_live:  .asciz "CR2: 0000000001200000"
s_fault: .asciz "CR2: 00000000deadb000"
