# #PF error code for a supervisor read of a linear address with no translation.
# The runtime maps only [4 KiB, 16 MiB); 0x1200123 has no PDE, so the walk stops at a not-present
# entry: error code 0 (P=0 not present, W/R=0 read, U/S=0 CPL 0, SDM 4.7). CR2 is loaded with the
# faulting linear address on delivery. #PF is a fault: the saved RIP is the faulting MOV and its
# destination is not written. The handler resumes through the exception table.
# expect: stop=halt r8=14 r9=0x0 r10=0x1200123 r11=1 r12=0x5a5a r13=1 r14=1 r15=0x1200123 cr2=0x1200123
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $0x5a5a, %eax
1:      mov 0x1200123, %rax             // faults; RAX keeps 0x5a5a
2:      mov %rax, %r12
        mov fault_log + FL_LAST_VECTOR, %r8
        mov fault_log + FL_LAST_ERROR, %r9
        mov fault_log + FL_LAST_CR2, %r10   // CR2 as read by the handler
        mov fault_log + FL_COUNT, %r11
        lea 1b(%rip), %rax
        ISEQ fault_log + FL_LAST_RIP, %rax, %r13   // saved RIP = the faulting instruction
        mov fixup_count, %r14
        mov %gs:PCPU_LAST_CR2, %r15         // the handler also keeps it per CPU
        ret
        EXTABLE(1b, 2b)
