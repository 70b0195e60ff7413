# Access rights combine over all paging levels (SDM 4.6.1): a page is writable only if R/W=1 in
# every entry, and executable only if XD=0 in every entry (with EFER.NXE). The PTEs here allow
# everything; the PDE above them does not:
#  - PDE.R/W=0: a supervisor write (CR0.WP=1) faults with 0x3 (P, W);
#  - PDE.XD=1: an instruction fetch faults with 0x11 (P, I/D).
# The same PTEs under a permissive PDE work (control).
# expect: stop=halt r8=0x3 r9=0x1e00008 r10=0x11 r11=0x1c00000 r12=2 r13=0x2a r14=0x55
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $0x1e00000, %edi                // PD entry 15: R/W will be cleared
        mov $0x300000000, %rsi
        mov $PTE_KERNEL, %edx
        call map_page
        mov $0x1c00000, %edi                // PD entry 14: XD will be set; code alias of kcode
        mov $kcode, %esi
        mov $PTE_KERNEL, %edx
        call map_page
        movq $0x55, 0x1e00010               // fine while the PDE allows writes
        mov 0x1e00010, %r14
        mov $0x1c00000, %eax
        call *%rax                          // fine while the PDE allows execution
        mov %rax, %r13
        andq $~PTE_W, pd0 + 15 * 8          // PDE for 0x1e00000: read-only
        btsq $63, pd0 + 14 * 8              // PDE for 0x1c00000: execute-disable
        mov %cr3, %rax                      // flush cached translations
        mov %rax, %cr3
1:      movq $1, 0x1e00008
2:      mov $0x1c00000, %eax
        call *%rax                          // #PF on the fetch; fixup returns
        mov FLE(0, FLE_ERROR), %r8
        mov FLE(0, FLE_CR2), %r9
        mov FLE(1, FLE_ERROR), %r10
        mov FLE(1, FLE_CR2), %r11
        mov fault_log + FL_PF_COUNT, %r12
        ret
        EXTABLE(1b, 2b)
        EXTABLE(0x1c00000, rt_fixup_ret)

        .balign 4096
kcode:  mov $0x2a, %eax
        ret
        .balign 4096
