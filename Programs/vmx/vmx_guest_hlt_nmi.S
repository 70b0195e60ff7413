# A guest in the HLT state, woken by an NMI that causes a VM exit (SDM vol. 3C "Activity State" and
# "Saving Non-Register State in the VMCS": the exit saves activity state 1 (HLT) when the logical processor
# was halted, and the RIP of the instruction after HLT; HLT without "HLT exiting" runs in the guest;
# "NMI exiting"). The guest executes HLT with IF = 0 and stays halted; the NMI arrives long after
# (instruction 1000000, as in Programs/system/nmi_wakes_hlt.S): VM exit 0, info 0x80000202 (bit 12 masked).
# The host then enters again with activity state 0 at the saved RIP, and the guest VMCALLs.
# nmi-at-instruction: 1000000
#   r8  = first exit reason (0)    r9 = its info without bit 12 (0x80000202)
#   r10 = saved activity state (1)  r11 = 1 if GUEST_RIP is guest_after_hlt
#   r12 = second exit reason (18)
# expect: stop=halt r8=0 r9=0x80000202 r10=1 r11=1 r12=18
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        VMCS_SET VMCS_PIN_CONTROLS, PIN_NMI_EXITING
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r8
        VMCS_READ VMCS_EXIT_INTR_INFO, %r9
        and $~INTR_INFO_NMI_UNBLOCKING, %r9
        VMCS_READ VMCS_GUEST_ACTIVITY_STATE, %r10
        VMCS_READ VMCS_GUEST_RIP, %rax
        mov $guest_after_hlt, %ecx
        ISEQ %rcx, %rax, %r11
        call iret_to_self
        VMCS_WRITE VMCS_GUEST_ACTIVITY_STATE, 0
        VMX_RUN 1, %rax
        call vmx_exit_reason
        mov %rax, %r12
        ret

        .globl guest_main, guest_after_hlt
guest_main:
        hlt
guest_after_hlt:
        vmcall
