# Global pages (SDM 4.10.2.4, 4.10.4.1): with CR4.PGE=1, a translation from a PTE with G=1 is not
# invalidated by MOV to CR3; INVLPG invalidates it, and so does a MOV to CR4 that changes PGE.
# V -> P1 (G=1) is read (cached); the PTE is switched to P2 without INVLPG; after MOV to CR3 a read
# through V still gives P1's value; after INVLPG it gives P2's. The second round flushes with a
# PGE toggle instead. Reads are used: a permitted model choice of TinyVMX is to drop write
# translations more eagerly (see Programs/host/README.md).
# expect: stop=halt r8=0x1111 r9=0x2222 r10=0x1111 r11=0x2222
#include "../host/runtime.S"
#define V   0x1b80000
        .globl test_main
test_main:
        mov %cr4, %rax
        bts $7, %rax                        // CR4.PGE
        mov %rax, %cr4
        mov $0x1ba1000, %edi                // windows to fill P1 and P2
        mov $0x300000000, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        mov $0x1ba2000, %edi
        mov $0x300001000, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        movq $0x1111, 0x1ba1000
        movq $0x2222, 0x1ba2000

        mov $V, %edi                        // round 1: MOV to CR3, then INVLPG
        mov $0x300000000, %rsi
        mov $PTE_KERNEL | PTE_G, %edx
        call map_page
        mov V, %rax                         // cache V -> P1 (global)
        mov $V, %edi
        mov $0x300001000, %rsi
        mov $PTE_KERNEL | PTE_G, %edx
        call map_page_noflush
        mov %cr3, %rax
        mov %rax, %cr3
        mov V, %rbx                         // still P1
        invlpg V
        mov V, %rbp                         // P2

        mov $V, %edi                        // round 2: a PGE toggle flushes global entries
        mov $0x300000000, %rsi
        mov $PTE_KERNEL | PTE_G, %edx
        call map_page
        mov V, %rax
        mov $V, %edi
        mov $0x300001000, %rsi
        mov $PTE_KERNEL | PTE_G, %edx
        call map_page_noflush
        mov %cr3, %rax
        mov %rax, %cr3
        mov V, %r10                         // still P1
        mov %cr4, %rax
        btr $7, %rax
        mov %rax, %cr4
        bts $7, %rax
        mov %rax, %cr4
        mov V, %r11                         // P2
        mov %rbx, %r8
        mov %rbp, %r9
        ret
