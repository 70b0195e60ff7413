# Supervisor write to a present read-only page with CR0.WP=1 (the bare profile sets WP): #PF with
# the error code is 0x3 (P=1 protection, W/R=1), CR2 = the address, memory unchanged (SDM 4.6.1).
# With CR0.WP=0 the same supervisor write is allowed (SDM 4.6.1: supervisor writes ignore R/W
# when WP=0) and lands in the page.
# expect: stop=halt r8=14 r9=0x3 r10=0x1300010 r11=1 r12=0x0 r13=0x77 r14=1 cr0=0x80050033
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $0x1300000, %edi                // read-only alias of physical 0x3_0000_0000
        mov $0x300000000, %rsi
        mov $PTE_P, %edx
        call map_page
        mov $0x1301000, %edi                // read-write alias of the same page, to look at it
        mov $0x300000000, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        mov 0x1300010, %rax                 // reads are fine
1:      movq $0x55, 0x1300010               // faults: protection, write
2:      mov fault_log + FL_LAST_VECTOR, %r8
        mov fault_log + FL_LAST_ERROR, %r9
        mov fault_log + FL_LAST_CR2, %r10
        mov fault_log + FL_COUNT, %r11
        mov 0x1301010, %r12                 // nothing was written
        mov %cr0, %rax                      // clear CR0.WP (bit 16)
        btr $16, %rax
        mov %rax, %cr0
        movq $0x77, 0x1300010               // allowed now
        bts $16, %rax
        mov %rax, %cr0
        mov 0x1301010, %r13
        lea 1b(%rip), %rax
        ISEQ fault_log + FL_LAST_RIP, %rax, %r14
        ret
        EXTABLE(1b, 2b)
