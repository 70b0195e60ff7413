# A guest #PF that does not cause a VM exit is delivered through the guest IDT (SDM vol. 3C "Exception
# Bitmap": with bit 14 clear and PFEC_MASK = PFEC_MATCH = 0 every #PF matches, and a matching #PF exits
# only when bit 14 is 1; "Delivery of ... exceptions in VMX non-root operation" is ordinary IDT delivery). The guest
# uses the runtime's IDT (same IDTR as the host): its #PF handler runs in the guest, reads CR2 (written by
# the delivery: 0x1200000), logs the fault and resumes the guest through the exception table; the guest then
# executes VMCALL (exit 18). CR2 is neither saved nor loaded by the VM exit, so the host sees the guest's CR2.
#   r8  = vmx_run (0)         r9  = exit reason (18)      r10 = vector logged (14)
#   r11 = CR2 read by the handler (0x1200000)              r12 = error code (0: supervisor read, not present)
#   r13 = 1 if the fault's RIP is guest_fault               r14 = guest RAX after the fault (0x5a5a: not loaded)
#   r15 = 1 if the fault frame's RSP lies on the guest stack and CS = 0x08
#   rbx = CR2 in the host after the exit (0x1200000)       rbp = VM exits (1)
# expect: stop=halt r8=0 r9=18 r10=14 r11=0x1200000 r12=0 r13=1 r14=0x5a5a r15=1 rbx=0x1200000 rbp=1 exceptionsDelivered=1 cr2=0x1200000
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        VMX_RUN 0, %r8
        call vmx_exit_reason
        mov %rax, %r9
        mov %cr2, %rbx
        mov fault_log + FL_LAST_VECTOR, %r10
        mov fault_log + FL_LAST_CR2, %r11
        mov fault_log + FL_LAST_ERROR, %r12
        mov $guest_fault, %eax
        ISEQ fault_log + FL_LAST_RIP, %rax, %r13
        mov guest_regs + GR_RAX, %r14
        xor %r15d, %r15d
        mov fault_log + FL_LAST_RSP, %rax
        cmp $guest_stack, %rax
        jb 1f
        cmp $guest_stack_top, %rax
        ja 1f
        cmpq $KERNEL_CS, FLE(0, FLE_CS)
        jne 1f
        mov $1, %r15d
1:      mov vmx_exit_count, %rbp
        ret

        .globl guest_main, guest_fault, guest_after
guest_main:
        mov $0x5a5a, %eax
guest_fault:
        mov 0x1200000, %rax             // not mapped: #PF through the guest IDT
guest_after:
        vmcall
        EXTABLE(guest_fault, guest_after)
