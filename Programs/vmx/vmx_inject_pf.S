# Event injection of a #PF does not write CR2 (SDM vol. 3C "Event Injection": the event is delivered as if
# it occurred at the guest RIP, using the guest IDT; "the processor does not update CR2" for an injected
# #PF, which is why a VMM writes the guest CR2 itself; FACTS.md). The host writes a marker into CR2, then
# enters with VM-entry interruption information 0x80000B0E (valid, deliver error code, hardware exception,
# vector 14) and error code 2. The guest's #PF handler (the runtime's, through the shared IDT) runs first,
# at GUEST_RIP, reads CR2 = the marker, and resumes through the exception table to a VMCALL. VM exits clear
# the valid bit of the VM-entry interruption-information field.
#   r8  = vmx_run (0)        r9  = exit reason (18)         r10 = CR2 read by the guest handler (0xabc000)
#   r11 = error code pushed (2)                             r12 = 1 if the fault RIP is guest_main
#   r13 = #PF handled (1)    r14 = VM-entry interruption info after the exit (0xb0e)
#   r15 = CR2 at the end (0xabc000)
# expect: stop=halt r8=0 r9=18 r10=0xabc000 r11=2 r12=1 r13=1 r14=0xb0e r15=0xabc000 cr2=0xabc000 cr2Writes=1 exceptionsDelivered=1
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        VMCS_WRITE VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_INFO_ERROR_VALID | INTR_TYPE_HW_EXCEPTION | 14
        VMCS_WRITE VMCS_ENTRY_EXCEPTION_ERROR, PF_W
        mov $0xabc000, %eax
        mov %rax, %cr2
        VMX_RUN 0, %r8
        call vmx_exit_reason
        mov %rax, %r9
        mov fault_log + FL_LAST_CR2, %r10
        mov fault_log + FL_LAST_ERROR, %r11
        mov $guest_main, %eax
        ISEQ fault_log + FL_LAST_RIP, %rax, %r12
        mov fault_log + FL_PF_COUNT, %r13
        VMCS_READ VMCS_ENTRY_INTR_INFO, %r14
        mov %cr2, %r15
        ret

        .globl guest_main, guest_resume
guest_main:
        nop                             // the injected #PF is delivered before this executes
guest_resume:
        vmcall
        EXTABLE(guest_main, guest_resume)
