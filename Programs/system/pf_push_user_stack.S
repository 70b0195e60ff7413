# Fault atomicity of PUSH, with Linux-style user stack growth. User code runs with RSP at the bottom
# edge of its mapping: the page below is a demand region (user pages). The PUSH faults with error
# 0x6 (P=0, W, U) and CR2 = RSP-8; the saved RSP in the frame is the value before the PUSH (a
# faulting instruction has no architectural effect; SDM 6.5) and the saved RIP is the PUSH. The
# handler maps the page, IRETQs, the PUSH runs again and the value pops back.
# expect: stop=halt r8=14 r9=0x6 r10=0x1800ff8 r11=0x1801000 r12=1 r13=0x1234abcd r14=0x1801000 r15=1
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $ucode, %edi
        mov $ucode_end, %esi
        call map_user
        mov $0x1700000, %edi                // user stack: demand pages below 0x1801000
        mov $0x1801000, %esi
        mov $PTE_USER, %edx
        call demand_register
        mov $ustart, %edi
        mov $0x1801000, %esi
        xor %edx, %edx
        call run_user
        mov %rax, %r13                      // the popped value
        mov %rdx, %r14                      // user RSP after the pop
        mov fault_log + FL_LAST_VECTOR, %r8
        mov fault_log + FL_LAST_ERROR, %r9
        mov fault_log + FL_LAST_CR2, %r10
        mov FLE(0, FLE_RSP), %r11
        mov $upush, %eax
        ISEQ FLE(0, FLE_RIP), %rax, %r12
        mov demand_count, %r15
        ret

        USER_CODE_BEGIN
ustart: mov $0x1234abcd, %eax
upush:  push %rax
        pop %rdi
        mov %rsp, %rsi
        mov $SYS_EXIT, %eax
        int $0x80
        ud2
        USER_CODE_END
