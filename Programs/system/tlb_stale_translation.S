# TLB behaviour (SDM 4.10.4): after a PTE is changed, the processor may keep using the old
# translation until the entry is invalidated with INVLPG (4.10.4.1) or a MOV to CR3. TinyVMX
# caches translations, so:
#  - V -> P1 is used by a write (cached); the PTE is switched to P2 without INVLPG; a second write
#    through V still lands in P1;
#  - after INVLPG V, a third write lands in P2;
#  - the same with MOV to CR3 as the flush, for another page W (P3 -> P4).
# Observation windows (separate linear pages mapped to P1..P4 beforehand) read the physical pages.
# The architecture also lets a TLB drop an entry at any time; TinyVMX's translation cache is
# direct-mapped by linear page number (256 slots), so V, W and the windows are chosen to share no
# slot with the page-table pages, stack and data the helpers touch in between (helpers keep
# r10-r15, rbx and rbp; map_page clobbers r8 and r9).
# expect: stop=halt r8=0x2222 r9=0x0 r10=0x2222 r11=0x3333 r12=0x3333 r13=0x5555 r14=0x6666 r15=0x6666
#include "../host/runtime.S"
#define V   0x1b80000
#define W   0x1b90000
#define P1  0x300000000
#define P2  0x300001000
#define P3  0x300002000
#define P4  0x300003000
        .globl test_main
test_main:
        mov $0x1ba1000, %edi                // windows onto P1, P2, P3, P4
        mov $P1, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        mov $0x1ba2000, %edi
        mov $P2, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        mov $0x1ba3000, %edi
        mov $P3, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        mov $0x1ba4000, %edi
        mov $P4, %rsi
        mov $PTE_KERNEL, %edx
        call map_page

        mov $V, %edi
        mov $P1, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        movq $0x1111, V                     // fills the TLB entry for V
        mov $V, %edi
        mov $P2, %rsi
        mov $PTE_KERNEL, %edx
        call map_page_noflush
        movq $0x2222, V                     // stale translation: P1
        mov 0x1ba1000, %rbx                 // P1
        mov 0x1ba2000, %rbp                 // P2 (untouched)
        invlpg V
        movq $0x3333, V                     // P2 now
        mov 0x1ba1000, %r10
        mov 0x1ba2000, %r11
        mov V, %r12

        mov $W, %edi
        mov $P3, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        movq $0x4444, W
        mov $W, %edi
        mov $P4, %rsi
        mov $PTE_KERNEL, %edx
        call map_page_noflush
        movq $0x5555, W                     // stale: P3
        mov %cr3, %rax                      // flush all non-global entries
        mov %rax, %cr3
        movq $0x6666, W                     // P4
        mov 0x1ba3000, %r13
        mov 0x1ba4000, %r14
        mov W, %r15
        mov %rbx, %r8
        mov %rbp, %r9
        ret
