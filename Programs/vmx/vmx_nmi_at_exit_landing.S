# A host NMI right at HOST_RIP after a VM exit, and CR2 (SDM vol. 3C "Loading Host State" / FACTS.md: after a
# VM exit not caused by an NMI nothing blocks NMIs in VMX root operation, and the exit neither saves nor
# loads CR2, so until the VMM reads it CR2 holds the guest's value; Linux exc_nmi saves CR2 on entry and
# writes it back if the handler changed it). The guest takes a #PF that it handles itself (CR2 =
# 0x1200000) and VMCALLs. An NMI is raised when RIP first reaches vmx_exit_landing: it is delivered before
# the landing's first instruction. The host NMI handler's callback touches unmapped 0x1300000 (a #PF:
# CR2 = 0x1300000), and the handler writes the saved CR2 back before IRETQ. The landing then still sees
# RFLAGS 0x2 and the guest GPRs, and the host reads the guest's CR2.
# nmi-at-rip: vmx_exit_landing
#   r8  = exit reason (18)            r9  = NMIs handled (1)
#   r10 = 1 if the NMI interrupted vmx_exit_landing       r11 = CR2 the NMI handler saw on entry (0x1200000)
#   r12 = CR2 writes back by the NMI handler (1)          r13 = CR2 read by the host after vmx_run (0x1200000)
#   r14 = guest R12 in guest_regs (0x600d)                r15 = RFLAGS recorded by the landing (0x2)
#   rbx = #PF taken inside the NMI handler: CR2 logged (0x1300000)
# expect: stop=halt r8=18 r9=1 r10=1 r11=0x1200000 r12=1 r13=0x1200000 r14=0x600d r15=0x2 rbx=0x1300000 nmisDelivered=1
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

nmi_touch:
1:      mov 0x1300000, %rax
2:      ret
        EXTABLE(1b, 2b)

        .globl test_main
test_main:
        movq $nmi_touch, nmi_callback
        call vmx_on
        VMCS_SETUP guest_main
        VMX_RUN 0, %rax
        mov %cr2, %r13
        call vmx_exit_reason
        mov %rax, %r8
        mov nmi_log + NL_COUNT, %r9
        mov $vmx_exit_landing, %eax
        ISEQ NLE(0, NLE_RIP), %rax, %r10
        mov NLE(0, NLE_CR2), %r11
        mov nmi_log + NL_RESTORES, %r12
        mov guest_regs + GR_R12, %r14
        mov vmx_exit_rflags, %r15
        mov fault_log + FL_LAST_CR2, %rbx
        ret

        .globl guest_main, guest_fault, guest_after
guest_main:
        mov $0x600d, %r12d
guest_fault:
        mov 0x1200000, %rax
guest_after:
        vmcall
        EXTABLE(guest_fault, guest_after)
