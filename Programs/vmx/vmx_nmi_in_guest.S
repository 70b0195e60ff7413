# Without "NMI exiting" an NMI that arrives in VMX non-root operation is delivered to the guest through the
# guest IDT (SDM vol. 3C "Pin-Based VM-Execution Controls": NMI exiting = 0 means NMIs are handled by the
# guest; "Changes to Event Blocking" / 6.7.1: blocking by NMI until the guest's IRET). The guest's NMI
# handler is the runtime's (shared IDT, IST1 from the shared TSS); MSR bitmaps (all zero) let its RDMSR of
# GS_BASE run in the guest. The guest loops R13 from 0 to 1000 and VMCALLs; the NMI arrives at the second
# pass through guest_loop. A second NMI, raised inside the handler (at nmi_iretq, before its IRETQ), is
# held until that IRETQ and then taken at once, still in the guest.
# nmi-at-rip: guest_loop:2 nmi_iretq
# max-instructions: 2000000
#   r8  = exit reason (18: no NMI exit)     r9 = NMIs handled (2)     r10 = nested NMI entries (0)
#   r11 = 1 if the first NMI interrupted guest_loop with CS 0x08 and an RSP on the guest stack
#   r12 = 1 if the second NMI interrupted the same RIP (right after the first one's IRETQ)
#   r13 = guest R13 at the VMCALL (1000: the loop went on after the NMIs)
# expect: stop=halt r8=18 r9=2 r10=0 r11=1 r12=1 r13=1000 nmisDelivered=2
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        VMCS_SET VMCS_PROC_CONTROLS, PROC_USE_MSR_BITMAPS
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r8
        mov nmi_log + NL_COUNT, %r9
        mov nmi_log + NL_NESTED, %r10
        xor %r11d, %r11d
        cmpq $guest_loop, NLE(0, NLE_RIP)
        jne 1f
        cmpq $KERNEL_CS, NLE(0, NLE_CS)
        jne 1f
        mov NLE(0, NLE_RSP), %rax
        cmp $guest_stack, %rax
        jb 1f
        cmp $guest_stack_top, %rax
        ja 1f
        mov $1, %r11d
1:      mov NLE(0, NLE_RIP), %rax
        ISEQ NLE(1, NLE_RIP), %rax, %r12
        mov guest_regs + GR_R13, %r13
        ret

        .globl guest_main, guest_loop
guest_main:
        xor %r13d, %r13d
guest_loop:
        inc %r13
        cmp $1000, %r13
        jb guest_loop
        vmcall
