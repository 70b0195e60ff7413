# VM exits during event delivery (SDM vol. 3C "Information for VM Exits That Occur During Event Delivery":
# the IDT-vectoring information field describes the event whose delivery was interrupted, and for software
# interrupts the VM-exit instruction length is saved; "Architectural State before a VM Exit": a #PF that
# causes the exit directly does not update CR2; SDM 6.15 / FACTS.md: a #PF that is itself being delivered
# has loaded CR2). The guest's RSP points into unmapped memory (0x1200800), so every delivery faults on its
# first push. The host writes a CR2 marker first.
#   A: bitmap bit 14; guest UD2: delivering #UD faults (#PF, write, supervisor, not present) -> exit 0,
#      info 0x80000B0E, error code 2, qualification in page 0x1200000, IDT-vectoring info 0x80000306
#      (valid, hardware exception, #UD), GUEST_RIP = the UD2, GUEST_RSP unchanged, CR2 = the marker.
#   C: bitmap bit 14; guest INT 0x50: IDT-vectoring info 0x80000450 (software interrupt), VM-exit
#      instruction length 2, GUEST_RIP = the INT.
#   B: bitmap bit 8 only; guest UD2: the #PF during #UD delivery is delivered in the guest (CR2 written),
#      its own pushes fault, so #DF: exit 0, info 0x80000B08, error code 0; CR2 is now in page 0x1200000.
#   r8  = A: info (0x80000b0e)      r9 = A: error code (2)    r10 = A: qualification >> 12 (0x1200)
#   r11 = A: IDT-vectoring info (0x80000306)
#   r12 = A: 1 if GUEST_RIP = a_ud2, GUEST_RSP = 0x1200800 and CR2 = the marker 0xc2c2000
#   r13 = C: IDT-vectoring info (0x80000450)     r14 = C: instruction length (2) | 1 << 8 if GUEST_RIP = c_int
#   r15 = B: info (0x80000b08)      rbx = B: error code (0)   rbp = B: CR2 >> 12 (0x1200)
# expect: stop=halt r8=0x80000b0e r9=2 r10=0x1200 r11=0x80000306 r12=1 r13=0x80000450 r14=0x102 r15=0x80000b08 rbx=0 rbp=0x1200
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

.macro SETUP guest, bitmap
        mov $vmcs_region, %edi
        mov $\guest, %esi
        mov $0x1200800, %edx
        call vmcs_setup
        VMCS_WRITE VMCS_EXCEPTION_BITMAP, \bitmap
        VMX_RUN 0, %rax
.endm

        .globl test_main
test_main:
        call vmx_on
        mov $0xc2c2000, %eax
        mov %rax, %cr2
        SETUP a_ud2, 1 << 14
        VMCS_READ VMCS_EXIT_INTR_INFO, %r8
        VMCS_READ VMCS_EXIT_INTR_ERROR, %r9
        VMCS_READ VMCS_EXIT_QUALIFICATION, %r10
        shr $12, %r10
        VMCS_READ VMCS_IDT_VECTORING_INFO, %r11
        xor %r12d, %r12d
        VMCS_READ VMCS_GUEST_RIP, %rax
        cmp $a_ud2, %rax
        jne 1f
        VMCS_READ VMCS_GUEST_RSP, %rax
        cmp $0x1200800, %rax
        jne 1f
        mov %cr2, %rax
        cmp $0xc2c2000, %rax
        jne 1f
        mov $1, %r12d
1:      SETUP c_int, 1 << 14
        VMCS_READ VMCS_IDT_VECTORING_INFO, %r13
        VMCS_READ VMCS_EXIT_INSTRUCTION_LEN, %r14
        VMCS_READ VMCS_GUEST_RIP, %rax
        cmp $c_int, %rax
        jne 2f
        or $0x100, %r14
2:      SETUP a_ud2, 1 << 8
        VMCS_READ VMCS_EXIT_INTR_INFO, %r15
        VMCS_READ VMCS_EXIT_INTR_ERROR, %rbx
        mov %cr2, %rbp
        shr $12, %rbp
        ret

        .globl a_ud2, c_int
a_ud2:  ud2
c_int:  int $0x50
