# VMX-preemption timer (SDM vol. 3C "VMX-Preemption Timer"; "Pin-Based VM-Execution Controls" bit 6;
# "VM-Exit Controls" bit 22 "save VMX-preemption timer value"; IA32_VMX_MISC bits 4:0 = 0 in TinyVMX: the
# timer counts down by 1 each time TSC bit 0 changes, i.e. once per retired guest instruction). With the
# timer active and value 100, a guest that loops forever is stopped by VM exit 52 after exactly 100
# guest instructions: XOR, then 49 INC/JMP pairs and one more INC, so R13 = 50 and the saved RIP is the JMP. With "save VMX-preemption timer value"
# the exit stores the timer's value, 0 after a timer exit; without it the field is not changed (100).
# A timer value of 0 at VM entry causes the exit before any guest instruction executes.
# max-instructions: 2000000
#   r8  = first exit reason (52)      r9 = timer field after it, save control on (0)
#   r10 = the guest's loop count (R13) at the first exit (50)
#   r11 = second exit reason (52)     r12 = timer field after it, save control off (100)
#   r13 = third exit reason, value 0 (52)
#   r14 = 1 if after the third exit GUEST_RIP = guest_main and guest R13 is still 0x99 (nothing executed)
#   r15 = 1 if GUEST_RIP after the first exit is the JMP at guest_loop + 3
# expect: stop=halt r8=52 r9=0 r10=50 r11=52 r12=100 r13=52 r14=1 r15=1
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"
        .globl test_main
test_main:
        call vmx_on
        VMCS_SETUP guest_main
        VMCS_SET VMCS_PIN_CONTROLS, PIN_PREEMPTION_TIMER
        VMCS_SET VMCS_EXIT_CONTROLS, EXIT_SAVE_PREEMPTION_TIMER
        VMCS_WRITE VMCS_PREEMPTION_TIMER_VALUE, 100
        VMX_RUN 0, %rax
        call vmx_exit_reason
        mov %rax, %r8
        VMCS_READ VMCS_PREEMPTION_TIMER_VALUE, %r9
        mov guest_regs + GR_R13, %r10
        VMCS_READ VMCS_GUEST_RIP, %rax
        lea guest_loop + 3, %rcx        // inc %r13 is 3 bytes: the JMP
        ISEQ %rcx, %rax, %r15
2:      VMCS_CLEAR VMCS_EXIT_CONTROLS, EXIT_SAVE_PREEMPTION_TIMER
        VMCS_WRITE VMCS_PREEMPTION_TIMER_VALUE, 100
        VMX_RUN 1, %rax
        call vmx_exit_reason
        mov %rax, %r11
        VMCS_READ VMCS_PREEMPTION_TIMER_VALUE, %r12
        VMCS_WRITE VMCS_PREEMPTION_TIMER_VALUE, 0
        VMCS_WRITE VMCS_GUEST_RIP, guest_main
        movq $0x99, guest_regs + GR_R13
        VMX_RUN 1, %rax
        call vmx_exit_reason
        mov %rax, %r13
        VMCS_READ VMCS_GUEST_RIP, %rax
        xor %r14d, %r14d
        cmp $guest_main, %rax
        jne 3f
        cmpq $0x99, guest_regs + GR_R13
        jne 3f
        mov $1, %r14d
3:      ret

        .globl guest_main, guest_loop, guest_loop_end
guest_main:
        xor %r13d, %r13d
guest_loop:
        inc %r13
        jmp guest_loop
guest_loop_end:
