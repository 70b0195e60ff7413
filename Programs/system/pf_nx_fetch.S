# Instruction fetch from an execute-disable page (EFER.NXE=1 in the bare profile, PTE bit 63 set):
# #PF with error code 0x11 (P=1 protection, I/D=1 instruction fetch, read, supervisor; SDM 4.6, 4.7).
# The CALL itself completes (it pushed its return address); the fault is on the fetch at the target,
# so the saved RIP and CR2 are both the target address. The same physical code through an
# executable alias runs normally. The fixup is rt_fixup_ret, which returns to the caller.
# A fetch from a not-present page reports I/D too (SDM 4.7: I/D is set for any instruction fetch
# when NXE or SMEP is on): 0x10.
# expect: stop=halt r8=14 r9=0x11 r10=0x1400000 r11=0x1400000 r12=0x2a r13=2 r14=2 r15=0x10 rbx=0x1402000
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $0x1400000, %edi                // NX alias of nx_code
        mov $nx_code, %esi
        movabs $PTE_KERNEL | PTE_NX, %rdx
        call map_page
        mov $0x1401000, %edi                // executable alias of nx_code
        mov $nx_code, %esi
        mov $PTE_KERNEL, %edx
        call map_page
        mov $0x1401000, %eax
        call *%rax                          // returns 0x2a
        mov %rax, %r12
        mov $0x1400000, %eax
        call *%rax                          // #PF on the fetch at 0x1400000
        mov fault_log + FL_LAST_VECTOR, %r8
        mov fault_log + FL_LAST_ERROR, %r9
        mov fault_log + FL_LAST_CR2, %r10
        mov fault_log + FL_LAST_RIP, %r11
        mov $0x1402000, %eax
        call *%rax                          // not present: #PF 0x10
        mov fault_log + FL_COUNT, %r13
        mov fixup_count, %r14
        mov FLE(1, FLE_ERROR), %r15
        mov FLE(1, FLE_CR2), %rbx
        ret
        EXTABLE(0x1400000, rt_fixup_ret)
        EXTABLE(0x1402000, rt_fixup_ret)

        .balign 4096
nx_code:
        mov $0x2a, %eax
        ret
        .balign 4096
