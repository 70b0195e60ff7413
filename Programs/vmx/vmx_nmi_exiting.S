# NMI exiting (SDM vol. 3C "Pin-Based VM-Execution Controls"; "Information for VM Exits Due to Vectored
# Events"; "Updating Non-Register State": after a VM exit caused by an NMI, NMIs are blocked in VMX root
# operation; "Restrictions on VMX Operation"/SDM 6.7.1: blocking ends at the next IRET; FACTS.md). With pin
# control "NMI exiting" (bit 3) an NMI arriving while the guest runs causes VM exit reason 0 with VM-exit
# interruption information 0x80000202 (valid, type NMI, vector 2); bit 12 is undefined with NMI exiting = 1
# and virtual NMIs = 0, so it is masked off. The NMI is not delivered to the guest; the guest RIP saved is
# the instruction it would have executed. A second NMI, raised right after the exit (at host_after_exit),
# stays pending: the host NMI handler does not run until the host executes IRETQ (iret_to_self); it then
# runs right after the IRETQ, before the next instruction.
# nmi-at-rip: guest_loop:2 host_after_exit
# max-instructions: 2000000
#   r8  = vmx_run (0)     r9  = exit reason (0)     r10 = interruption info without bit 12 (0x80000202)
#   r11 = 1 if GUEST_RIP = guest_loop                r12 = guest R13 (1: one INC before the NMI)
#   r13 = host NMIs handled before the IRETQ (0)     r14 = host NMIs handled after it (1)
#   r15 = 1 if the host NMI interrupted iret_to_self_done (the instruction after the IRETQ)
# expect: stop=halt r8=0 r9=0 r10=0x80000202 r11=1 r12=1 r13=0 r14=1 r15=1 nmisDelivered=1
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
        .globl test_main, host_after_exit
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        VMCS_SET VMCS_PIN_CONTROLS, PIN_NMI_EXITING
        VMX_RUN 0, %r8
host_after_exit:
        nop                             // the second NMI arrives here: blocked
        call vmx_exit_reason
        mov %rax, %r9
        VMCS_READ VMCS_EXIT_INTR_INFO, %r10
        and $~INTR_INFO_NMI_UNBLOCKING, %r10
        VMCS_READ VMCS_GUEST_RIP, %rax
        mov $guest_loop, %ecx
        ISEQ %rcx, %rax, %r11
        mov guest_regs + GR_R13, %r12
        mov nmi_log + NL_COUNT, %r13
        call iret_to_self
        mov nmi_log + NL_COUNT, %r14
        mov $iret_to_self_done, %eax
        ISEQ NLE(0, NLE_RIP), %rax, %r15
        ret

        .globl guest_main, guest_loop
guest_main:
        xor %r13d, %r13d
guest_loop:
        inc %r13
        jmp guest_loop
