# #PF error codes from CPL 3 (SDM 4.6, 4.7). The user code runs at CS 0x23; every access it makes
# is a user-mode access, so U/S=1 in the error code:
#   read of a present supervisor page   -> 0x5 (P=1, R, U)
#   write to a present supervisor page  -> 0x7 (P=1, W, U)
#   read of a not-present page          -> 0x4 (P=0, R, U)
#   read of a page whose PTE has U/S=1 but whose PDE has U/S=0 -> 0x5: user access needs U/S=1
#   at every level (SDM 4.6.1)
#   instruction fetch from a supervisor page -> 0x15 (P=1, U, I/D); saved RIP = CR2 = the target
# Each fault is recorded with CS 0x23 and CR2 = the address, and resumed at an exception-table fixup
# in user code; the kernel page keeps its value.
# expect: stop=halt r8=0x5 r11=5 r12=3 r13=1 r14=0x600d r15=0x4b1d rbx=0x5 rbp=0x1d00010 r9=0x7 r10=0x4 rdx=0x15 rsi=1
#include "../host/runtime.S"
        .globl test_main
test_main:
        MAP_USER_CODE_AND_STACK
        mov $0x1d00000, %edi                // user PTE under a supervisor PDE (PD entry 14)
        mov $0x300000000, %rsi
        mov $PTE_USER, %edx
        call map_page
        andq $~PTE_U, pd0 + 14 * 8
        mov $ustart, %edi
        mov $ustack_top, %esi
        xor %edx, %edx
        call run_user
        mov %rax, %r14                      // user exit code
        mov FLE(0, FLE_ERROR), %r8
        mov FLE(1, FLE_ERROR), %r9
        mov FLE(2, FLE_ERROR), %r10
        mov fault_log + FL_PF_COUNT, %r11
        // CR2 of each fault, and CS of each frame
        xor %r12d, %r12d
        mov $kpage, %eax
        ISEQ FLE(0, FLE_CR2), %rax, %rcx
        add %rcx, %r12
        add $8, %eax
        ISEQ FLE(1, FLE_CR2), %rax, %rcx
        add %rcx, %r12
        ISEQ $0x1200000, FLE(2, FLE_CR2), %rcx
        add %rcx, %r12                      // 3 if all three CR2 values match
        ISEQ $USER_CS, FLE(0, FLE_CS), %r13
        mov kpage + 8, %r15                 // not modified by the user write
        mov FLE(3, FLE_ERROR), %rbx
        mov FLE(3, FLE_CR2), %rbp
        mov FLE(4, FLE_ERROR), %rdx
        mov $kpage, %eax
        ISEQ FLE(4, FLE_RIP), %rax, %rsi
        ISEQ FLE(4, FLE_CR2), %rax, %rcx
        and %rcx, %rsi
        ret

        .data
        .balign 4096
kpage:  .quad 0x1111, 0x4b1d                // supervisor data
        .balign 4096

        USER_CODE_BEGIN
ustart: mov $0x600d, %r12
1:      mov kpage, %rax                     // 0x5
2:
3:      movq $0xbad, kpage + 8              // 0x7
4:
5:      mov 0x1200000, %rax                 // 0x4
6:
7:      mov 0x1d00010, %rax                 // 0x5 (PDE U/S=0)
8:      call kpage                          // 0x15: fetch from a supervisor page
        mov $SYS_EXIT, %eax
        mov %r12, %rdi
        int $0x80
        ud2
        EXTABLE(1b, 2b)
        EXTABLE(3b, 4b)
        EXTABLE(5b, 6b)
        EXTABLE(7b, 8b)
        EXTABLE(kpage, uret)
uret:   ret
        USER_CODE_END

        USER_STACK
