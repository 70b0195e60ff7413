# An NMI that interrupts CPL 3 code: the gate's IST1 stack is used (IST applies whatever the CPL,
# SDM 6.14.5), the frame holds the user CS (0x23), SS and RSP, and the handler finds the user GS
# base active, so it swaps GS (the "paranoid" entry, checking IA32_GS_BASE) and swaps back before
# its IRETQ to CPL 3. The user code then finishes normally.
# nmi-at-rip: unmi
# expect: stop=halt r8=1 r9=0x23 r10=1 r11=0 r12=1 r13=0x99 r14=1 gsbase=0xfffffe0000000000
#include "../host/runtime.S"
        .globl test_main
test_main:
        MAP_USER_CODE_AND_STACK
        mov $ustart, %edi
        mov $ustack_top, %esi
        xor %edx, %edx
        call run_user
        mov %rax, %r13
        mov nmi_log + NL_COUNT, %r8
        mov NLE(0, NLE_CS), %r9
        mov NLE(0, NLE_SWAPGS), %r10
        mov nmi_log + NL_LAST_FRAME, %r11
        mov $nmi_stack_top - 40, %eax
        sub %rax, %r11
        mov $unmi, %eax
        ISEQ NLE(0, NLE_RIP), %rax, %r12
        mov $ustack_top, %eax
        ISEQ NLE(0, NLE_RSP), %rax, %r14
        ret

        USER_CODE_BEGIN
ustart: mov $0x99, %edi
        .globl unmi
unmi:   nop
        mov $SYS_EXIT, %eax
        int $0x80
        ud2
        USER_CODE_END

        USER_STACK
