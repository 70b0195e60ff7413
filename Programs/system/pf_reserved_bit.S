# Reserved bits in paging entries: #PF with RSVD=1 and P=1 (SDM 4.7: a reserved-bit violation is
# reported with P=1 and RSVD=1).
#  1. PTE bit 51 set: reserved because it is at or above MAXPHYADDR (CPUID 80000008H:EAX[7:0] < 52;
#     the test records MAXPHYADDR in r15). A read gives 0x9, a write 0xB.
#  2. PS (bit 7) set in a PML4 entry: always reserved in 4-level paging (SDM 4.5, Table 4-15).
#     A read gives 0x9.
# expect: stop=halt r8=0x9 r9=0xb r10=0x9 r11=3 r12=1 r13=0x8000000010 r14=0x1500020 r15=1
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $0x80000008, %eax
        cpuid
        movzbl %al, %eax
        ISEQ $52, %rax, %r15
        xor $1, %r15                        // r15 = 1 if MAXPHYADDR < 52 (bit 51 reserved)
        mov $0x1500000, %edi
        movabs $0x300000000 | PTE_RSVD51, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
1:      mov 0x1500010, %rax
2:
3:      movq $1, 0x1500020
4:      // PML4 entry 1 (linear 512 GiB): build a normal mapping, then set PS in the PML4E.
        movabs $0x8000000000, %rdi
        mov $0x300001000, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        orq $PTE_PS, pml4 + 8
        movabs $0x8000000010, %rax
5:      mov (%rax), %rbx
6:      mov FLE(0, FLE_ERROR), %r8
        mov FLE(1, FLE_ERROR), %r9
        mov FLE(2, FLE_ERROR), %r10
        mov fault_log + FL_PF_COUNT, %r11
        ISEQ $0x1500010, FLE(0, FLE_CR2), %r12
        mov FLE(2, FLE_CR2), %r13
        mov FLE(1, FLE_CR2), %r14
        ret
        EXTABLE(1b, 2b)
        EXTABLE(3b, 4b)
        EXTABLE(5b, 6b)
