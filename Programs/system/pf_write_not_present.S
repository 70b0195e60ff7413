# #PF error code for a supervisor write to a not-present page: 0x2 (P=0, W/R=1 write, U/S=0).
# The page here is mapped and then unmapped with unmap_page (PTE=0 + INVLPG), so the not-present
# level is the PTE rather than the PDE; CR2 is the address of the first byte of the store.
# expect: stop=halt r8=14 r9=0x2 r10=0x1300ff8 r11=1 r12=0x1234 r13=1 cr2=0x1300ff8
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $0x1300000, %edi
        mov $0x300000000, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        movq $0x1234, 0x1300ff8             // works while mapped
        mov 0x1300ff8, %r12
        mov $0x1300000, %edi
        call unmap_page
1:      movq $0x5678, 0x1300ff8             // faults: not present, write
2:      mov fault_log + FL_LAST_VECTOR, %r8
        mov fault_log + FL_LAST_ERROR, %r9
        mov fault_log + FL_LAST_CR2, %r10
        mov fault_log + FL_COUNT, %r11
        lea 1b(%rip), %rax
        ISEQ fault_log + FL_LAST_RIP, %rax, %r13
        ret
        EXTABLE(1b, 2b)
