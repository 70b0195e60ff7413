# External-interrupt exiting (SDM vol. 3C "Pin-Based VM-Execution Controls" bit 0: external interrupts cause
# VM exits, whatever the guest's RFLAGS.IF; "VM-Exit Controls" bit 15 "acknowledge interrupt on exit";
# "Information for VM Exits Due to Vectored Events": with acknowledge = 0 the VM-exit interruption
# information is invalid and the interrupt stays pending; with acknowledge = 1 the processor acknowledges
# it and stores vector and type (0x80000040)). Vector 0x40 is raised while the guest (IF = 0) counts RCX
# down: exit 1 in the middle of the loop, info not valid. The interrupt is still pending, so the next
# VMRESUME, now with "acknowledge interrupt on exit", exits again (reason 1) before any guest instruction,
# with info 0x80000040. Acknowledged, it is gone: the third entry runs the guest to its VMCALL, and the host
# enabling interrupts afterwards receives nothing.
# interrupt-at-instruction: 300000:0x40
# max-instructions: 10000000
#   r8  = first exit reason (1)       r9  = its interruption info, bit 31 (0: not valid)
#   r10 = 1 if the guest was inside its loop (GUEST_RIP in the loop, 0 < RCX < 1000000)
#   r11 = second exit reason (1)      r12 = its interruption info (0x80000040)
#   r13 = 1 if the second exit's GUEST_RIP and guest RCX equal the first exit's (nothing ran)
#   r14 = third exit reason (18)      r15 = guest RCX at the VMCALL (0)
#   rbx = exceptions/interrupts logged by the host after STI (0)
# expect: stop=halt r8=1 r9=0 r10=1 r11=1 r12=0x80000040 r13=1 r14=18 r15=0 rbx=0 interruptsDelivered=0
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        VMCS_SET VMCS_PIN_CONTROLS, PIN_EXT_INT_EXITING
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r8
        VMCS_READ VMCS_EXIT_INTR_INFO, %r9
        shr $31, %r9
        VMCS_READ VMCS_GUEST_RIP, %rbp  // rbp = first exit's RIP
        mov guest_regs + GR_RCX, %rbx   // rbx = first exit's RCX
        xor %r10d, %r10d
        cmp $guest_loop, %rbp
        jb 1f
        cmp $guest_loop_end, %rbp
        jae 1f
        test %rbx, %rbx
        jz 1f
        cmp $1000000, %rbx
        jae 1f
        mov $1, %r10d
1:      VMCS_SET VMCS_EXIT_CONTROLS, EXIT_ACK_INTR_ON_EXIT
        VMX_RUN 1, %rax
        call vmx_exit_reason
        mov %rax, %r11
        VMCS_READ VMCS_EXIT_INTR_INFO, %r12
        VMCS_READ VMCS_GUEST_RIP, %rax
        xor %r13d, %r13d
        cmp %rbp, %rax
        jne 2f
        cmp guest_regs + GR_RCX, %rbx
        jne 2f
        mov $1, %r13d
2:      VMX_RUN 1, %rax
        call vmx_exit_reason
        mov %rax, %r14
        mov guest_regs + GR_RCX, %r15
        movq $rt_resume, vector_handlers + 0x40 * 8
        mov fault_log + FL_COUNT, %rbx
        sti
        nop
        nop
        cli
        sub fault_log + FL_COUNT, %rbx
        neg %rbx
        ret

        .globl guest_main, guest_loop, guest_loop_end
guest_main:
        mov $1000000, %ecx
guest_loop:
        dec %ecx
        jnz guest_loop
guest_loop_end:
        vmcall
