# CR2 on a nested #PF. The #PF handler for a fault at A=0x1200008 (through pf_callback) touches
# B=0x1600010 in the demand region, which faults again; delivering that second #PF loads CR2 with B
# (SDM: CR2 is written when a #PF is delivered, whatever it held). After the nested handler returns,
# CR2 still holds B: a #PF handler does not restore it. The outer handler is unaffected because it
# read CR2 (A) before touching memory, as Linux exc_page_fault does.
# expect: stop=halt r8=0x1600010 r9=0x1200008 r10=0x1600010 r11=2 r12=0x0 r13=0x0 r14=1 r15=0x1600010 cr2=0x1600010
#include "../host/runtime.S"
        .globl test_main
test_main:
        mov $0x1600000, %edi
        mov $0x1700000, %esi
        mov $PTE_KERNEL, %edx
        call demand_register
        movq $nested_cb, pf_callback
1:      mov 0x1200008, %rax                 // A: not present, no demand, fixed up by the extable
2:      mov cr2_after_nested, %r8
        mov FLE(0, FLE_CR2), %r9            // the outer fault, recorded first
        mov FLE(1, FLE_CR2), %r10           // the nested fault
        mov fault_log + FL_PF_COUNT, %r11
        mov FLE(0, FLE_ERROR), %r12         // read, not present
        mov FLE(1, FLE_ERROR), %r13         // read, not present
        mov demand_count, %r14
        mov %gs:PCPU_LAST_CR2, %r15
        ret
        EXTABLE(1b, 2b)

// pf_callback(frame, cr2): on the outer fault (depth 1) read B, then let the normal path go on.
nested_cb:
        cmpq $1, %gs:PCPU_PF_DEPTH
        jne 1f
        mov 0x1600010, %rax                 // nested #PF; the demand path maps B and resumes here
        mov %cr2, %rax
        mov %rax, cr2_after_nested
1:      xor %eax, %eax                      // not handled here
        ret

        .data
cr2_after_nested: .quad 0
