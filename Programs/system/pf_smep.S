# SMEP (CR4 bit 20, SDM 4.6.1): with CR4.SMEP=1 a supervisor-mode instruction fetch from a user
# page (U/S=1 at every level) faults with 0x11 (P, I/D; U/S=0 since CPL 0). Without SMEP the same
# fetch works, and with SMEP a supervisor alias of the same code works.
# expect: stop=halt r8=14 r9=0x11 r10=0x1d00000 r11=0x2a r12=0x2a r13=1
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $0x1d00000, %edi                // user alias of kcode
        mov $kcode, %esi
        mov $PTE_USER, %edx
        call map_page
        mov $0x1d00000, %eax
        call *%rax                          // SMEP off: runs
        mov %rax, %r11
        mov %cr4, %rax
        bts $20, %rax
        mov %rax, %cr4
        mov $kcode, %eax
        call *%rax                          // supervisor page: runs
        mov %rax, %r12
        mov $0x1d00000, %eax
        call *%rax                          // user page: #PF, fixup returns
        mov %cr4, %rax
        btr $20, %rax
        mov %rax, %cr4
        mov fault_log + FL_LAST_VECTOR, %r8
        mov fault_log + FL_LAST_ERROR, %r9
        mov fault_log + FL_LAST_CR2, %r10
        mov fault_log + FL_COUNT, %r13
        ret
        EXTABLE(0x1d00000, rt_fixup_ret)

        .balign 4096
kcode:  mov $0x2a, %eax
        ret
        .balign 4096
