# NMI exiting with guest NMI blocking (SDM vol. 3C "Pin-Based VM-Execution Controls": with "virtual NMIs"
# = 1, NMIs are never blocked in VMX non-root operation and bit 3 of the interruptibility state means
# virtual-NMI blocking; "Interruptibility State": with "virtual NMIs" = 0, bit 3 is real blocking by NMI,
# loaded at VM entry, ended by the guest's IRET; "Saving Non-Register State": the exit saves virtual-NMI
# blocking in bit 3; interruption-information bit 12 is undefined with NMI exiting and no virtual NMIs).
#   A: NMI exiting + virtual NMIs, interruptibility bit 3 set, guest loops; an NMI exits at once: reason 0,
#      info 0x80000202 (bit 12 defined: 0), GUEST_RIP = va_loop, saved interruptibility bit 3 still set.
#   B: NMI exiting, no virtual NMIs, interruptibility bit 3 set: the NMI (raised in the first loop) stays
#      pending until the guest's IRETQ, then exits: reason 0, GUEST_RIP = iret_to_self_done.
# The host ends its own NMI blocking (iret_to_self) after each NMI exit.
# nmi-at-rip: va_loop:2 vb_loop:2
# max-instructions: 2000000
#   r8  = A: reason (0)   r9 = A: info (0x80000202)   r10 = A: 1 if GUEST_RIP = va_loop
#   r11 = A: saved interruptibility & 8 (8)
#   r12 = B: reason (0)   r13 = B: info without bit 12 (0x80000202)   r14 = B: 1 if GUEST_RIP = iret_to_self_done
#   r15 = B: guest loop count before the IRETQ (R13 = 5: the NMI waited)
#   rbx = host NMI handler runs (0)
# expect: stop=halt r8=0 r9=0x80000202 r10=1 r11=8 r12=0 r13=0x80000202 r14=1 r15=5 rbx=0 nmisDelivered=0
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP va_main
        VMCS_SET VMCS_PIN_CONTROLS, PIN_NMI_EXITING | PIN_VIRTUAL_NMIS
        VMCS_WRITE VMCS_GUEST_INTERRUPTIBILITY, 8
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r8
        VMCS_READ VMCS_EXIT_INTR_INFO, %r9
        VMCS_READ VMCS_GUEST_RIP, %rax
        mov $va_loop, %ecx
        ISEQ %rcx, %rax, %r10
        VMCS_READ VMCS_GUEST_INTERRUPTIBILITY, %r11
        and $8, %r11
        call iret_to_self
        VMCS_SETUP vb_main
        VMCS_SET VMCS_PIN_CONTROLS, PIN_NMI_EXITING
        VMCS_WRITE VMCS_GUEST_INTERRUPTIBILITY, 8
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r12
        VMCS_READ VMCS_EXIT_INTR_INFO, %r13
        and $~INTR_INFO_NMI_UNBLOCKING, %r13
        VMCS_READ VMCS_GUEST_RIP, %rax
        mov $iret_to_self_done, %ecx
        ISEQ %rcx, %rax, %r14
        mov guest_regs + GR_R13, %r15
        call iret_to_self
        mov nmi_log + NL_COUNT, %rbx
        ret

        .globl va_main, va_loop, vb_main, vb_loop
va_main:
        xor %r13d, %r13d
va_loop:
        inc %r13
        jmp va_loop
vb_main:
        xor %r13d, %r13d
vb_loop:
        inc %r13
        cmp $5, %r13
        jb vb_loop
        call iret_to_self
1:      jmp 1b
