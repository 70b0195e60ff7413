# Interrupt gates clear IF on entry, trap gates do not (SDM 6.12.1.3); both save the caller's
# RFLAGS (IF=1 here) and IRETQ restores it. INT n is a trap-like event: the saved RIP is the next
# instruction. The handlers are small custom stubs that record RFLAGS and return.
# expect: stop=halt r8=0x0 r9=0x200 r10=0x200 r11=0x200 r12=0x200 r13=1 r14=1
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $0x40, %edi
        mov $h_intr, %esi
        mov $0x8E, %edx                     // interrupt gate
        xor %ecx, %ecx
        call set_gate
        mov $0x41, %edi
        mov $h_trap, %esi
        mov $0x8F, %edx                     // trap gate
        xor %ecx, %ecx
        call set_gate
        sti
        int $0x40
1:      int $0x41
2:      pushfq
        pop %r12
        cli
        and $0x200, %r12                    // IF restored by IRETQ
        mov flags_intr, %r8
        and $0x200, %r8
        mov flags_trap, %r9
        and $0x200, %r9
        mov saved_intr, %r10
        and $0x200, %r10
        mov saved_trap, %r11
        and $0x200, %r11
        lea 1b(%rip), %rax
        ISEQ rip_intr, %rax, %r13
        lea 2b(%rip), %rax
        ISEQ rip_trap, %rax, %r14
        ret

h_intr: push %rax
        pushfq
        pop %rax
        mov %rax, flags_intr
        mov 24(%rsp), %rax                  // saved RFLAGS (RIP at 8, CS at 16)
        mov %rax, saved_intr
        mov 8(%rsp), %rax
        mov %rax, rip_intr
        pop %rax
        iretq
h_trap: push %rax
        pushfq
        pop %rax
        mov %rax, flags_trap
        mov 24(%rsp), %rax
        mov %rax, saved_trap
        mov 8(%rsp), %rax
        mov %rax, rip_trap
        pop %rax
        iretq

        .data
flags_intr: .quad 0
flags_trap: .quad 0
saved_intr: .quad 0
saved_trap: .quad 0
rip_intr:   .quad 0
rip_trap:   .quad 0
