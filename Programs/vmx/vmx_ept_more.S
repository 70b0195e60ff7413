# More EPT (SDM vol. 3C "EPT Translation Mechanism": a PDE with bit 7 = 1 maps a 2-MiB page when
# IA32_VMX_EPT_VPID_CAP bit 16 is 1; "EPT Misconfigurations": a leaf whose memory type (bits 5:3) is 2, 3 or
# 7 is misconfigured; "Information for VM Exits That Occur During Event Delivery": an EPT violation while
# delivering an event records the event in the IDT-vectoring information; "EPTP" checks: bit 6 (accessed
# and dirty flags) must be 0 when IA32_VMX_EPT_VPID_CAP bit 21 is 0, else VMfailValid(7)).
# Each part starts from a fresh VMCS with the identity EPT (4 KiB pages) and changes it:
#   A: the 2 MiB holding the image (0x400000, guest code and data) becomes one large RWX page, and
#      0xa00000-0xc00000 a large page with R only; the guest runs through the large page and writes 0xa00010
#      -> 48, qualification write | R | linear valid | translated (0x18a), GPA 0xa00010
#   B: guest_page's leaf gets memory type 2 -> reading it is an EPT misconfiguration: 49, GPA = the address
#   C: the top page of the guest stack loses W; the guest's UD2 delivery pushes there -> 48 with
#      IDT-vectoring info 0x80000306, qualification 0x1aa (write | R | X | linear valid | translated)
#   D: EPTP with bit 6 set -> VMLAUNCH VMfailValid(7)
#   r8  = A: reason << 16 | qualification (0x30018a)    r9 = A: GPA (0xa00010)
#   r10 = B: reason (49)     r11 = B: 1 if GPA = guest_page + 0x40
#   r12 = C: reason << 16 | qualification (0x3001aa)    r13 = C: IDT-vectoring info (0x80000306)
#   r14 = D: VMLAUNCH result (0x702)
# expect: stop=halt r8=0x30018a r9=0xa00010 r10=49 r11=1 r12=0x3001aa r13=0x80000306 r14=0x702
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

.macro EPT_SETUP guest
        VMCS_SETUP \guest
        call vmx_enable_ept
.endm
.macro REASON_QUAL dst
        call vmx_exit_reason
        shl $16, %rax
        mov %rax, \dst
        VMCS_READ VMCS_EXIT_QUALIFICATION, %rax
        or %rax, \dst
.endm

        .globl test_main
test_main:
        call vmx_on
        // A
        EPT_SETUP ga
        movq $0x400000 + 0x80 + EPT_RWX + EPT_MT_WB, ept_pd + 2 * 8
        movq $0xa00000 + 0x80 + EPT_R + EPT_MT_WB, ept_pd + 5 * 8
        VMX_RUN 0, %rax
        REASON_QUAL %r8
        VMCS_READ VMCS_GUEST_PHYSICAL_ADDRESS, %r9
        // B
        EPT_SETUP gb
        mov $guest_page, %edi
        call ept_pte_lookup
        movq $guest_page + EPT_RWX + (2 << 3), (%rax)
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r10
        VMCS_READ VMCS_GUEST_PHYSICAL_ADDRESS, %rax
        mov $guest_page + 0x40, %ecx
        ISEQ %rcx, %rax, %r11
        // C
        EPT_SETUP gc
        mov $guest_stack_top - 8, %edi
        call ept_pte_lookup
        andq $~EPT_W, (%rax)
        VMX_RUN 0, %rax
        REASON_QUAL %r12
        VMCS_READ VMCS_IDT_VECTORING_INFO, %r13
        // D
        EPT_SETUP ga
        mov ept_pointer, %rsi
        or $0x40, %rsi
        mov $VMCS_EPT_POINTER, %edi
        call vmwrite_field
        VMX_RUN 0, %r14
        ret

        .globl ga, gb, gc
ga:     mov guest_page, %rax
        movq $1, 0xa00010
        ud2
gb:     mov guest_page + 0x40, %rax
        ud2
gc:     ud2
