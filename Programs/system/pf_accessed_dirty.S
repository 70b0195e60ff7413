# Accessed and dirty flags (SDM 4.8): the processor sets A in every paging-structure entry it uses
# and in the PTE when it uses a translation, and sets D in the PTE on the first write through it.
# map_page installs the PTE with A=D=0 under a fresh page table whose PDE has A=0.
# expect: stop=halt r8=0 r9=0 r10=0x20 r11=0 r12=0x20 r13=0x40 r14=0x20
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $0x1f00000, %edi                // PD entry 15 of the first GiB: new page table
        mov $0x300000000, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        mov $0x1f00000, %edi
        call pte_lookup
        mov %rax, %rbx                      // &PTE
        mov (%rbx), %r8
        and $PTE_A | PTE_D, %r8             // 0 before any access
        mov pd0 + 15 * 8, %r9
        and $PTE_A, %r9                     // PDE not accessed yet
        mov 0x1f00000, %rax                 // read
        mov (%rbx), %r10
        and $PTE_A, %r10                    // A set
        mov (%rbx), %r11
        and $PTE_D, %r11                    // D still clear
        mov pd0 + 15 * 8, %r12
        and $PTE_A, %r12                    // A set in the PDE too
        movq $1, 0x1f00000                  // write
        mov (%rbx), %r13
        and $PTE_D, %r13                    // D set
        mov pml4, %r14
        and $PTE_A, %r14                    // PML4E used: A set
        ret
