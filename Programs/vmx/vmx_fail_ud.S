# VMX instructions outside VMX operation raise #UD (SDM vol. 3C "VMX Instruction Reference": the first test
# of every Operation section; VMXON: "IF (register operand) or (CR0.PE = 0) or (CR4.VMXE = 0) ... THEN #UD";
# the others: "IF (not in VMX operation) ... THEN #UD"; VMCALL likewise). #UD is a fault with no error code:
# the handler resumes through the exception table. After VMXON succeeds and VMXOFF leaves VMX operation,
# VMREAD raises #UD again.
#   r8  = vector of VMXON with CR4.VMXE = 0 (6)
#   r9  = VMREAD with CR4.VMXE = 1 but before VMXON (6)   r10 = VMLAUNCH (6)   r11 = VMXOFF (6)
#   r12 = VMCALL (6)      r13 = VMPTRST (6)                r14 = VMREAD after VMXON + VMXOFF (6)
#   r15 = exceptions logged (7)      rbx = VMXON status (0) | VMXOFF status << 8 (0)
#   rbp = error codes of all 7 faults OR-ed (0)
# expect: stop=halt r8=6 r9=6 r10=6 r11=6 r12=6 r13=6 r14=6 r15=7 rbx=0 rbp=0 exceptionsDelivered=7
#include "../host/runtime.S"
#include "../host/runtime/vmx.S"

/* TRY insn..., dst: run one instruction expected to fault; dst = vector logged (0 if none). */
.macro TRY dst, insn:vararg
        movq $0, fault_log + FL_LAST_VECTOR
1003:   \insn
1004:   mov fault_log + FL_LAST_VECTOR, \dst
        mov fault_log + FL_LAST_ERROR, %rax
        or %rax, %rbp
        EXTABLE(1003b, 1004b)
.endm

        .globl test_main
test_main:
        xor %ebp, %ebp
        call vmx_revision_id
        mov %eax, vmxon_region          // a valid region: only CR4.VMXE is wrong
        mov %cr4, %rax
        and $~CR4_VMXE, %rax
        mov %rax, %cr4
        TRY %r8, vmxon vmxon_ptr
        mov %cr4, %rax
        or $CR4_VMXE, %rax
        mov %rax, %cr4
        mov $VMCS_GUEST_RIP, %edx
        TRY %r9, vmread %rdx, %rax
        TRY %r10, vmlaunch
        TRY %r11, vmxoff
        TRY %r12, vmcall
        sub $8, %rsp
        TRY %r13, vmptrst (%rsp)
        add $8, %rsp
        call vmx_on
        mov %rax, %rbx
        vmxoff
        call vmx_flags_result
        shl $8, %rax
        or %rax, %rbx
        mov $VMCS_GUEST_RIP, %edx
        TRY %r14, vmread %rdx, %rax
        mov fault_log + FL_COUNT, %r15
        ret
